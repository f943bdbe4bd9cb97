import { SqlClient } from "@effect/sql"
import { Ids } from "@shopvo/kernel"
import { Ids as PricingIds, Rate, Totals } from "@shopvo/pricing"
import { Effect, Either } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { seedDemoCart } from "../src/Cart/Seed.js"
import { Cart } from "../src/Cart/Service.js"
import { addCustomers } from "./support/Customers.js"
import { bodyOf, errorOf, start, type TestApi } from "./support/TestApi.js"

describe("Cart", () => {
  let api: TestApi
  let siteA: string
  let siteB: string
  let keyA: string
  let liveKeyA: string
  let keyB: string
  const tenantA = () => ({ siteId: siteA, livemode: false })

  interface ProductFields {
    readonly name?: string
    readonly sku?: string | null
    readonly price?: number
    readonly status?: "ACTIVE" | "DRAFT" | "ARCHIVED"
    readonly currency?: string
    readonly stock?: number
    readonly site?: string
    readonly livemode?: boolean
  }

  /** Inserts a product directly (products are another aggregate's). */
  const insertProduct = (fields: ProductFields = {}): Promise<string> =>
    api.run(
      Effect.flatMap(SqlClient.SqlClient, (sql) => {
        const id = Ids.make("prd")
        return sql`insert into products (id, site_id, livemode, name, slug, sku, price, currency, status, inventory_count)
                   values (${id}, ${fields.site ?? siteA}, ${fields.livemode ?? false}, ${fields.name ?? "Plain Mug"},
                           ${id.replace("_", "-").toLowerCase()}, ${fields.sku ?? null}, ${fields.price ?? 1250},
                           ${fields.currency ?? "EUR"}, ${fields.status ?? "ACTIVE"}, ${fields.stock ?? 100})`.pipe(
          Effect.as(id)
        )
      })
    )

  const insertVariant = (
    productId: string,
    fields: { name: string; sku?: string; price?: number | null; stock?: number; isDefault?: boolean }
  ): Promise<string> =>
    api.run(
      Effect.flatMap(SqlClient.SqlClient, (sql) => {
        const id = Ids.make("var")
        return sql`insert into variants (id, site_id, livemode, product_id, name, sku, price, inventory_count, inventory_status, is_default)
                   values (${id}, ${siteA}, false, ${productId}, ${fields.name}, ${fields.sku ?? null}, ${fields.price ?? null},
                           ${fields.stock ?? 100}, 'IN_STOCK', ${fields.isDefault ?? false})`.pipe(Effect.as(id))
      })
    )

  const query = <A extends object>(text: string, params: ReadonlyArray<unknown> = []) =>
    api.run(Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe<A>(text, params)))

  const cartPath = (cartId?: string, site = siteA) =>
    `/api/v1/${site}/cart${cartId === undefined ? "" : `?cartId=${cartId}`}`

  const createCart = async (body: Record<string, unknown> = {}, key = keyA) => {
    const res = await api.request("POST", cartPath(), { key, body })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return bodyOf(res, "cart.create").data.id
  }

  const patch = (cartId: string, body: unknown, key = keyA, site = siteA) =>
    api.request("PATCH", cartPath(cartId, site), { key, body })

  const add = (cartId: string, item: Record<string, unknown>, key = keyA) => patch(cartId, { action: "add", item }, key)

  const getCart = async (cartId: string, key = keyA) => {
    const res = await api.request("GET", cartPath(cartId), { key })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    return bodyOf(res, "cart.get").data
  }

  /** The T-shirt of the reference's examples: one product, a default variant "Small / White". */
  const tShirt = async () => {
    const productId = await insertProduct({ name: "Classic White T-Shirt", sku: "TS-WHT", price: 3499 })
    const small = await insertVariant(productId, {
      name: "Small / White",
      sku: "TS-WHT-S",
      price: 2999,
      isDefault: true
    })
    return { productId, small }
  }

  beforeAll(async () => {
    api = await start()
    siteA = (await api.createSite({ name: "A", plan: "enterprise" })).id
    siteB = (await api.createSite({ name: "B", plan: "enterprise" })).id
    keyA = (await api.createKey(siteA)).key
    liveKeyA = (await api.createKey(siteA, { mode: "live" })).key
    keyB = (await api.createKey(siteB)).key
    await addCustomers(api, siteA, ["cust_123"])
  })
  afterAll(() => api.close())

  describe("reference examples", () => {
    it("creates a guest cart from the example request", async () => {
      const res = await api.request("POST", cartPath(), {
        key: keyA,
        body: { sessionId: "sess_abc123", currency: "EUR" }
      })
      expect(res.status).toBe(201)
      expect(res.body).toMatchObject({
        success: true,
        data: {
          status: "ACTIVE",
          sessionId: "sess_abc123",
          customerId: null,
          email: null,
          currency: "EUR",
          items: [],
          subtotal: 0,
          discountTotal: 0,
          total: 0,
          promotionCode: null
        }
      })
      expect(bodyOf(res, "cart.create").data.id).toMatch(/^cart_/)
      expect(bodyOf(res, "cart.create").data.createdAt).toBe(bodyOf(res, "cart.create").data.updatedAt)
    })

    it("adds the example item, priced from the catalogue, and gets the cart", async () => {
      const { productId, small } = await tShirt()
      const cartId = await createCart({ sessionId: "sess_abc123", currency: "EUR" })
      const res = await add(cartId, { productId, variantId: small, name: "T-Shirt S", quantity: 2, price: 2999 })
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      const expected = {
        id: cartId,
        status: "ACTIVE",
        sessionId: "sess_abc123",
        currency: "EUR",
        items: [
          {
            productId,
            variantId: small,
            name: "Classic White T-Shirt — Small / White",
            sku: "TS-WHT-S",
            quantity: 2,
            unitPrice: 2999,
            total: 5998
          }
        ],
        subtotal: 5998,
        discountTotal: 0,
        total: 5998,
        promotionCode: null
      }
      expect(res.body).toMatchObject({ success: true, data: expected })
      expect(bodyOf(res, "cart.update").data.items[0]?.id).toMatch(/^cli_/)
      expect(await getCart(cartId)).toMatchObject(expected)
    })

    it("deletes a cart and its lines", async () => {
      const { productId } = await tShirt()
      const cartId = await createCart()
      await add(cartId, { productId, quantity: 1 })
      const res = await api.request("DELETE", cartPath(cartId), { key: keyA })
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ success: true, deleted: true })
      expect((await api.request("GET", cartPath(cartId), { key: keyA })).status).toBe(404)
      expect((await api.request("DELETE", cartPath(cartId), { key: keyA })).status).toBe(404)
      expect(await query("select 1 from cart_lines where cart_id = $1", [cartId])).toHaveLength(0)
    })
  })

  describe("creating", () => {
    it("defaults to the site's currency and keeps the customer and email", async () => {
      const res = await api.request("POST", cartPath(), {
        key: keyA,
        body: { customerId: "cust_123", email: "ada@example.com" }
      })
      expect(res.status).toBe(201)
      expect(bodyOf(res, "cart.create").data).toMatchObject({
        currency: "EUR",
        sessionId: null,
        customerId: "cust_123",
        email: "ada@example.com"
      })
    })

    it("refuses a customer the site does not have with customer_not_found, creating nothing", async () => {
      const before = await query<{ n: number }>("select count(*)::int as n from carts")
      const res = await api.request("POST", cartPath(), { key: keyA, body: { customerId: "cust_missing" } })
      expect(res.status).toBe(422)
      expect(res.body).toMatchObject({ code: "customer_not_found", error: "Customer cust_missing not found" })
      expect(await query<{ n: number }>("select count(*)::int as n from carts")).toEqual(before)
    })

    it("refuses a currency the site does not sell in, creating nothing", async () => {
      const before = await query<{ n: number }>("select count(*)::int as n from carts")
      const res = await api.request("POST", cartPath(), { key: keyA, body: { sessionId: "s", currency: "USD" } })
      expect(res.status).toBe(422)
      expect(res.body).toEqual({ error: "This site does not sell in USD", code: "currency_not_supported" })
      expect(await query<{ n: number }>("select count(*)::int as n from carts")).toEqual(before)
    })
  })

  describe("pricing", () => {
    it("ignores the name and price a client sends: the variant's price, else the product's", async () => {
      const productId = await insertProduct({ name: "Hoodie", price: 5900 })
      const priced = await insertVariant(productId, { name: "M", sku: "HD-M", price: 6400, isDefault: true })
      const unpriced = await insertVariant(productId, { name: "S", sku: "HD-S", price: null })
      const cartId = await createCart()
      await add(cartId, { productId, variantId: priced, quantity: 1, price: 1, name: "Free hoodie" })
      const res = await add(cartId, { productId, variantId: unpriced, quantity: 2, price: 0 })
      expect(res.status).toBe(200)
      expect(bodyOf(res, "cart.update").data.items).toMatchObject([
        { variantId: priced, name: "Hoodie — M", unitPrice: 6400, total: 6400 },
        { variantId: unpriced, name: "Hoodie — S", unitPrice: 5900, total: 11800 }
      ])
      expect(bodyOf(res, "cart.update").data).toMatchObject({ subtotal: 18200, total: 18200 })
    })

    it("prices lines at the catalogue's current price when read", async () => {
      const productId = await insertProduct({ price: 1000, sku: "MUG-1" })
      const cartId = await createCart()
      await add(cartId, { productId, quantity: 3 })
      await query("update products set price = 1200 where id = $1", [productId])
      expect(await getCart(cartId)).toMatchObject({
        items: [{ productId, variantId: null, sku: "MUG-1", unitPrice: 1200, total: 3600 }],
        total: 3600
      })
    })

    it("totals several lines exactly as @shopvo/pricing computes them", async () => {
      const { productId: shirt, small } = await tShirt()
      const mug = await insertProduct({ price: 1250 })
      const sticker = await insertProduct({ price: 99 })
      const cartId = await createCart()
      await add(cartId, { productId: shirt, variantId: small, quantity: 2 })
      await add(cartId, { productId: mug, quantity: 3 })
      const res = await add(cartId, { productId: sticker, quantity: 7 })
      const cart = bodyOf(res, "cart.update").data
      const totals = await api.run(
        Totals.compute({
          currency: "EUR",
          taxMode: "EXCLUSIVE",
          lines: cart.items.map(
            (item: { id: string; productId: string; variantId: string | null; quantity: number }) => ({
              id: PricingIds.LineId.make(item.id),
              productId: PricingIds.ProductId.make(item.productId),
              variantId: item.variantId === null ? null : PricingIds.VariantId.make(item.variantId),
              quantity: item.quantity,
              productPrice: {
                amount: item.productId === shirt ? 3499 : item.productId === mug ? 1250 : 99,
                currency: "EUR"
              },
              variantPrice: item.variantId === null ? null : { amount: 2999, currency: "EUR" },
              taxRate: Rate.zero
            })
          )
        })
      )
      expect(cart.items.map((item: { total: number }) => item.total)).toEqual(
        totals.lines.map((line) => line.subtotal.amount)
      )
      expect(cart.subtotal).toBe(totals.subtotal.amount)
      expect(cart.discountTotal).toBe(totals.discountTotal.amount)
      expect(cart.total).toBe(totals.total.amount)
      expect(cart.total).toBe(2 * 2999 + 3 * 1250 + 7 * 99)
    })

    it("refuses a product priced in another currency than the cart's", async () => {
      const productId = await insertProduct({ currency: "USD" })
      const cartId = await createCart()
      const res = await add(cartId, { productId, quantity: 1 })
      expect(res.status).toBe(422)
      expect(errorOf(res).code).toBe("currency_not_supported")
      expect(errorOf(res).error).toContain(productId)
    })

    it("refuses a line whose total would be beyond the largest amount, changing nothing", async () => {
      const productId = await insertProduct({ price: 9007199254740991, stock: 10 })
      const cartId = await createCart()
      expect((await add(cartId, { productId, quantity: 1 })).status).toBe(200)
      const res = await add(cartId, { productId, quantity: 1 })
      expect(res.status).toBe(422)
      expect(errorOf(res).code).toBe("amount_out_of_range")
      expect((await getCart(cartId)).items).toMatchObject([{ quantity: 1 }])
    })
  })

  describe("catalogue checks", () => {
    it("names an unknown or inactive product or variant, and leaves the cart unchanged", async () => {
      const { productId, small } = await tShirt()
      const other = await tShirt()
      const draft = await insertProduct({ status: "DRAFT" })
      const archived = await insertProduct({ status: "ARCHIVED" })
      const plain = await insertProduct()
      const foreign = await insertProduct({ site: siteB })
      const live = await insertProduct({ livemode: true })
      const cartId = await createCart()
      await add(cartId, { productId, variantId: small, quantity: 1 })
      const before = await getCart(cartId)

      const refusals: Array<[Record<string, unknown>, string, string]> = [
        [{ productId: "prd_missing", quantity: 1 }, "product_not_found", "prd_missing"],
        [{ productId: foreign, quantity: 1 }, "product_not_found", foreign],
        [{ productId: live, quantity: 1 }, "product_not_found", live],
        [{ productId, variantId: "var_missing", quantity: 1 }, "variant_not_found", "var_missing"],
        [{ productId, variantId: other.small, quantity: 1 }, "variant_not_found", other.small],
        [{ productId: plain, variantId: small, quantity: 1 }, "variant_not_found", small],
        [{ productId: draft, quantity: 1 }, "product_unavailable", draft],
        [{ productId: archived, quantity: 1 }, "product_unavailable", archived]
      ]
      for (const [item, code, named] of refusals) {
        const res = await add(cartId, item)
        expect(res.status, `${code} ${JSON.stringify(item)}`).toBe(422)
        expect(errorOf(res).code).toBe(code)
        expect(errorOf(res).error).toContain(named)
      }
      expect(await getCart(cartId)).toEqual(before)
    })

    it("adds the default variant when none is given", async () => {
      const productId = await insertProduct({ name: "Cap" })
      await insertVariant(productId, { name: "Blue", price: 1500 })
      const red = await insertVariant(productId, { name: "Red", price: 1700, isDefault: true })
      const cartId = await createCart()
      const res = await add(cartId, { productId, quantity: 1 })
      expect(bodyOf(res, "cart.update").data.items).toMatchObject([
        { variantId: red, name: "Cap — Red", unitPrice: 1700 }
      ])
    })

    it("drops a line whose product is deleted from the catalogue", async () => {
      const productId = await insertProduct()
      const cartId = await createCart()
      await add(cartId, { productId, quantity: 1 })
      await query("delete from products where id = $1", [productId])
      expect((await getCart(cartId)).items).toEqual([])
    })
  })

  describe("lines", () => {
    it("merges an add into the existing line, then updates and removes by line, variant or product", async () => {
      const { productId, small } = await tShirt()
      const mug = await insertProduct()
      const cartId = await createCart()
      await add(cartId, { productId, variantId: small, quantity: 1 })
      await add(cartId, { productId, quantity: 2 })
      let cart = bodyOf(await add(cartId, { productId: mug, quantity: 1 }), "cart.update").data
      expect(cart.items).toMatchObject([
        { variantId: small, quantity: 3 },
        { productId: mug, quantity: 1 }
      ])

      cart = bodyOf(
        await patch(cartId, { action: "update", item: { lineId: cart.items[0]?.id, quantity: 5 } }),
        "cart.update"
      ).data
      expect(cart.items[0]).toMatchObject({ quantity: 5, total: 5 * 2999 })
      cart = bodyOf(
        await patch(cartId, { action: "update", item: { variantId: small, quantity: 4 } }),
        "cart.update"
      ).data
      expect(cart.items[0]?.quantity).toBe(4)
      cart = bodyOf(
        await patch(cartId, { action: "update", item: { productId: mug, quantity: 2 } }),
        "cart.update"
      ).data
      expect(cart.items[1]?.quantity).toBe(2)
      cart = bodyOf(
        await patch(cartId, { action: "update", item: { productId: mug, quantity: 0 } }),
        "cart.update"
      ).data
      expect(cart.items).toHaveLength(1)
      cart = bodyOf(await patch(cartId, { action: "remove", item: { variantId: small } }), "cart.update").data
      expect(cart).toMatchObject({ items: [], subtotal: 0, total: 0 })
    })

    it("refuses a change to a line the cart does not have", async () => {
      const { productId } = await tShirt()
      const cartId = await createCart()
      for (const body of [
        { action: "remove", item: { lineId: "cli_missing" } },
        { action: "update", item: { productId, quantity: 1 } },
        { action: "remove", item: { variantId: "var_missing" } }
      ]) {
        const res = await patch(cartId, body)
        expect(res.status).toBe(422)
        expect(errorOf(res).code).toBe("cart_line_not_found")
      }
    })

    it("answers 404 for an unknown cart", async () => {
      const { productId } = await tShirt()
      expect((await add("cart_missing", { productId, quantity: 1 })).status).toBe(404)
      expect((await api.request("GET", cartPath("cart_missing"), { key: keyA })).status).toBe(404)
    })
  })

  describe("quantity bounds", () => {
    it("takes 1 to 9999 units per line, counting what an add merges into", async () => {
      const productId = await insertProduct({ stock: 50_000 })
      const cartId = await createCart()
      for (const quantity of [0, -1, 10_000, 1.5]) {
        expect((await add(cartId, { productId, quantity })).status).toBe(400)
      }
      expect((await add(cartId, { productId, quantity: 9999 })).status).toBe(200)
      const over = await add(cartId, { productId, quantity: 1 })
      expect(over.status).toBe(422)
      expect(errorOf(over).code).toBe("quantity_limit_exceeded")
      expect((await patch(cartId, { action: "update", item: { productId, quantity: 10_000 } })).status).toBe(400)
      expect((await getCart(cartId)).items).toMatchObject([{ quantity: 9999 }])
    })

    it("refuses more than the stock available with 409 insufficient_stock, changing nothing", async () => {
      const { productId, small } = await tShirt()
      await query("update variants set inventory_count = 1 where id = $1", [small])
      const cartId = await createCart()
      await add(cartId, { productId, variantId: small, quantity: 1 })
      const res = await add(cartId, { productId, variantId: small, quantity: 1 })
      expect(res.status).toBe(409)
      expect(res.body).toEqual({ error: "Only 1 of TS-WHT-S left in stock, 2 requested", code: "insufficient_stock" })
      const update = await patch(cartId, { action: "update", item: { variantId: small, quantity: 3 } })
      expect(update.status).toBe(409)
      expect((await getCart(cartId)).items).toMatchObject([{ quantity: 1 }])
    })
  })

  describe("activity and status", () => {
    it("records the last activity on every change and brings an abandoned cart back", async () => {
      const productId = await insertProduct()
      const cartId = await createCart()
      const activity = async () =>
        (await query<{ at: Date }>("select last_activity_at as at from carts where id = $1", [cartId]))[0]!.at
      let last = await activity()
      const changes = [
        { action: "add", item: { productId, quantity: 2 } },
        { action: "update", item: { productId, quantity: 1 } },
        { action: "remove", item: { productId } }
      ]
      for (const change of changes) {
        await query("update carts set status = 'ABANDONED' where id = $1", [cartId])
        const res = await patch(cartId, change)
        expect(res.status).toBe(200)
        expect(bodyOf(res, "cart.update").data.status).toBe("ACTIVE")
        const now = await activity()
        expect(now.getTime()).toBeGreaterThan(last.getTime())
        last = now
      }
    })
  })

  describe("for checkout", () => {
    it("snapshots the priced lines and totals, then converts the cart, which no longer changes", async () => {
      const { productId, small } = await tShirt()
      const mug = await insertProduct({ price: 1250 })
      const cartId = await createCart()
      await add(cartId, { productId, variantId: small, quantity: 2 })
      await add(cartId, { productId: mug, quantity: 1 })

      const snapshot = await api.run(Cart.snapshot(tenantA(), cartId))
      expect(
        snapshot.lines.map((line) => [line.productId, line.quantity, line.unitPrice.amount, line.total.amount])
      ).toEqual([
        [productId, 2, 2999, 5998],
        [mug, 1, 1250, 1250]
      ])
      expect(snapshot.totals.total).toEqual({ amount: 7248, currency: "EUR" })
      expect(snapshot.pricing.lines).toHaveLength(2)

      const converted = await api.run(Cart.convert(tenantA(), cartId, "order_1"))
      expect(converted).toMatchObject({ status: "CONVERTED", orderId: "order_1" })
      const res = await add(cartId, { productId: mug, quantity: 1 })
      expect(res.status).toBe(422)
      expect(errorOf(res).code).toBe("cart_converted")
      expect((await getCart(cartId)).status).toBe("CONVERTED")
      const again = await api.run(Effect.either(Cart.convert(tenantA(), cartId, "order_2")))
      expect(Either.isLeft(again) && again.left._tag).toBe("CartConverted")
      const snapshotAgain = await api.run(Effect.either(Cart.snapshot(tenantA(), cartId)))
      expect(Either.isLeft(snapshotAgain) && snapshotAgain.left._tag).toBe("CartConverted")
    })

    it("refuses to snapshot an empty cart or one holding a product no longer active", async () => {
      const productId = await insertProduct()
      const cartId = await createCart()
      const empty = await api.run(Effect.either(Cart.snapshot(tenantA(), cartId)))
      expect(Either.isLeft(empty) && empty.left._tag).toBe("CartEmpty")
      await add(cartId, { productId, quantity: 1 })
      await query("update products set status = 'DRAFT' where id = $1", [productId])
      const inactive = await api.run(Effect.either(Cart.snapshot(tenantA(), cartId)))
      expect(Either.isLeft(inactive) && inactive.left).toMatchObject({ _tag: "ProductUnavailable", productId })
      const missing = await api.run(Effect.either(Cart.snapshot(tenantA(), "cart_missing")))
      expect(Either.isLeft(missing) && missing.left._tag).toBe("CartNotFound")
    })

    it("converts inside the caller's transaction: rolled back with it", async () => {
      const cartId = await createCart()
      const failed = await api.run(
        Effect.either(
          Effect.flatMap(SqlClient.SqlClient, (sql) =>
            sql.withTransaction(
              Effect.zipRight(Cart.convert(tenantA(), cartId, "order_3"), Effect.fail("order failed" as const))
            )
          )
        )
      )
      expect(Either.isLeft(failed)).toBe(true)
      expect((await getCart(cartId)).status).toBe("ACTIVE")
    })
  })

  describe("demo", () => {
    it("seeds a guest cart with one unit of each product, priced from the catalogue", async () => {
      const { productId, small } = await tShirt()
      const mug = await insertProduct({ price: 1250 })
      const seeded = await api.run(seedDemoCart(tenantA(), [productId, mug]))
      const cart = await getCart(seeded.cart.id)
      expect(cart).toMatchObject({ sessionId: "sess_demo", total: 2999 + 1250 })
      expect(cart.items).toMatchObject([
        { variantId: small, quantity: 1 },
        { productId: mug, quantity: 1 }
      ])
    })
  })

  describe("tenancy", () => {
    it("hides a cart from other sites and from the other mode, which cannot change it either", async () => {
      const { productId } = await tShirt()
      const cartId = await createCart()
      await add(cartId, { productId, quantity: 1 })
      const before = await getCart(cartId)

      const otherSite = cartPath(cartId, siteB)
      expect((await api.request("GET", otherSite, { key: keyB })).status).toBe(404)
      expect((await patch(cartId, { action: "remove", item: { productId } }, keyB, siteB)).status).toBe(404)
      expect((await api.request("DELETE", otherSite, { key: keyB })).status).toBe(404)
      expect((await api.request("GET", cartPath(cartId), { key: liveKeyA })).status).toBe(404)
      expect((await add(cartId, { productId, quantity: 1 }, liveKeyA)).status).toBe(404)
      expect((await api.request("DELETE", cartPath(cartId), { key: liveKeyA })).status).toBe(404)
      // Site A's key on site B's path is not a key of that site.
      expect((await api.request("GET", cartPath(cartId, siteB), { key: keyA })).status).toBe(401)

      expect(await getCart(cartId)).toEqual(before)
    })
  })

  describe("scopes", () => {
    it("reads with read:cart and changes with write:cart", async () => {
      const productId = await insertProduct()
      const reader = (await api.createKey(siteA, { scopes: ["read:cart"] })).key
      const writer = (await api.createKey(siteA, { scopes: ["write:cart"] })).key
      const catalogue = (await api.createKey(siteA, { scopes: ["read:catalog"] })).key

      const cartId = await createCart({}, writer)
      expect((await add(cartId, { productId, quantity: 1 }, writer)).status).toBe(200)
      expect((await api.request("GET", cartPath(cartId), { key: reader })).status).toBe(200)

      for (const key of [reader, catalogue]) {
        const res = await api.request("POST", cartPath(), { key, body: {} })
        expect(res.status).toBe(403)
        expect(errorOf(res).error).toBe("Missing required scope: write:cart")
        expect((await add(cartId, { productId, quantity: 1 }, key)).status).toBe(403)
        expect((await api.request("DELETE", cartPath(cartId), { key })).status).toBe(403)
      }
      for (const key of [writer, catalogue]) {
        const res = await api.request("GET", cartPath(cartId), { key })
        expect(res.status).toBe(403)
        expect(errorOf(res).error).toBe("Missing required scope: read:cart")
      }
      expect((await getCart(cartId)).items).toMatchObject([{ quantity: 1 }])
    })
  })

  describe("concurrency", () => {
    it("applies concurrent changes to one cart one after the other", async () => {
      const { productId, small } = await tShirt()
      const others = await Promise.all([1, 2, 3, 4, 5].map((i) => insertProduct({ price: 100 * i })))
      const cartId = await createCart()
      const results = await Promise.all([
        ...Array.from({ length: 30 }, () => add(cartId, { productId, variantId: small, quantity: 1 })),
        ...others.map((other) => add(cartId, { productId: other, quantity: 2 }))
      ])
      expect(results.map((res) => res.status)).toEqual(results.map(() => 200))
      const cart = await getCart(cartId)
      expect(cart.items).toHaveLength(6)
      expect(cart.items.find((item) => item.variantId === small)?.quantity).toBe(30)
      expect(cart.total).toBe(30 * 2999 + 2 * (100 + 200 + 300 + 400 + 500))
      expect(cart.subtotal).toBe(cart.items.reduce((sum: number, item: { total: number }) => sum + item.total, 0))
    })

    it("lets exactly the stock through when concurrent adds race for it", async () => {
      const productId = await insertProduct({ stock: 10 })
      const cartId = await createCart()
      const results = await Promise.all(Array.from({ length: 25 }, () => add(cartId, { productId, quantity: 1 })))
      expect(results.filter((res) => res.status === 200)).toHaveLength(10)
      expect(results.filter((res) => res.status === 409 && errorOf(res).code === "insufficient_stock")).toHaveLength(15)
      expect((await getCart(cartId)).items).toMatchObject([{ quantity: 10, total: 12_500 }])
    })

    it("keeps one line per item and consistent totals under concurrent updates and removals", async () => {
      const productId = await insertProduct({ price: 700 })
      const cartId = await createCart()
      await add(cartId, { productId, quantity: 1 })
      const changes = Array.from({ length: 24 }, (_, i) =>
        i % 3 === 0
          ? { action: "remove", item: { productId } }
          : i % 3 === 1
            ? { action: "add", item: { productId, quantity: 2 } }
            : { action: "update", item: { productId, quantity: i } }
      )
      const results = await Promise.all(changes.map((change) => patch(cartId, change)))
      for (const res of results) expect([200, 422]).toContain(res.status)
      const lines = await query<{ quantity: number }>("select quantity from cart_lines where cart_id = $1", [cartId])
      expect(lines.length).toBeLessThanOrEqual(1)
      const cart = await getCart(cartId)
      expect(cart.items.map((item: { quantity: number }) => item.quantity)).toEqual(lines.map((line) => line.quantity))
      expect(cart.total).toBe(700 * (lines[0]?.quantity ?? 0))
    })
  })
})
