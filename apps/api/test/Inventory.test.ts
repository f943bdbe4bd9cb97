import { Validator } from "@shopvo/contract"
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { bodyOf, errorOf, offsetPage, start, type TestApi } from "./support/TestApi.js"

const validator = new Validator()

describe("Inventory", () => {
  let api: TestApi
  let siteA: string
  let siteB: string
  let keyA: string
  let keyIdA: string
  let liveKeyA: string
  let keyB: string

  /** Inserts a product directly (the products endpoints are another aggregate's). */
  const insertProduct = (
    siteId: string,
    livemode: boolean,
    fields: { name: string; sku?: string | null; inventoryCount?: number; inventoryStatus?: string }
  ): Promise<string> =>
    api.run(
      Effect.flatMap(SqlClient.SqlClient, (sql) => {
        const id = `prd_${Math.random().toString(36).slice(2, 14)}`
        return sql`insert into products (id, site_id, livemode, name, slug, price, currency, sku, inventory_count, inventory_status)
                   values (${id}, ${siteId}, ${livemode}, ${fields.name}, ${id.replace("_", "-")}, 2999, 'EUR', ${fields.sku ?? null},
                           ${fields.inventoryCount ?? 0}, ${fields.inventoryStatus ?? "OUT_OF_STOCK"})`.pipe(
          Effect.as(id)
        )
      })
    )

  const query = <A extends object>(text: string, params: ReadonlyArray<unknown> = []) =>
    api.run(Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe<A>(text, params)))

  const addVariant = async (productId: string, body: Record<string, unknown>, key = keyA, site = siteA) => {
    const res = await api.request("POST", `/api/v1/${site}/products/${productId}/variants`, { key, body })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return bodyOf(res, "products.createVariant").data.id
  }

  const adjustPath = (productId: string, site = siteA) => `/api/v1/${site}/inventory/${productId}`
  const adjust = (productId: string, body: Record<string, unknown>, key = keyA, site = siteA) =>
    api.request("POST", adjustPath(productId, site), { key, body })

  const count = async (table: "variants" | "products", id: string) =>
    (await query<{ inventory_count: number }>(`select inventory_count from ${table} where id = $1`, [id]))[0]!
      .inventory_count

  const audit = (productId: string) =>
    query<{
      variant_id: string | null
      operation: string
      quantity: number
      previous_count: number
      new_count: number
      reason: string | null
      api_key_id: string | null
    }>(
      "select variant_id, operation, quantity, previous_count, new_count, reason, api_key_id from inventory_adjustments where product_id = $1 order by created_at, id",
      [productId]
    )

  const lowEvents = (itemId: string) =>
    query<{ payload: Record<string, unknown> }>(
      "select payload from events where type = 'inventory.low' and payload->>'id' = $1 order by created_at",
      [itemId]
    )

  beforeAll(async () => {
    api = await start()
    siteA = (await api.createSite({ name: "A", plan: "enterprise" })).id
    siteB = (await api.createSite({ name: "B" })).id
    const key = await api.createKey(siteA)
    keyA = key.key
    keyIdA = key.id
    liveKeyA = (await api.createKey(siteA, { mode: "live" })).key
    keyB = (await api.createKey(siteB)).key
  })
  afterAll(() => api.close())

  describe("reference examples", () => {
    it("lists stock levels as the example shows: variants, and products without variants", async () => {
      const site = (await api.createSite({ name: "Example store" })).id
      const key = (await api.createKey(site)).key
      const tee = await insertProduct(site, false, { name: "Classic White T-Shirt", sku: "TS-WHT" })
      const small = await addVariant(tee, { name: "Small / White", sku: "TS-WHT-S", inventoryCount: 42 }, key, site)
      const mug = await insertProduct(site, false, {
        name: "Enamel Mug",
        sku: "MUG-ENM",
        inventoryCount: 2,
        inventoryStatus: "LOW_STOCK"
      })
      const res = await api.request("GET", `/api/v1/${site}/inventory`, { key })
      expect(res.status).toBe(200)
      expect(bodyOf(res, "inventory.list")).toEqual({
        success: true,
        items: [
          {
            id: small,
            productId: tee,
            variantId: small,
            name: "Classic White T-Shirt — Small / White",
            sku: "TS-WHT-S",
            inventoryCount: 42,
            inventoryStatus: "IN_STOCK",
            lowStockThreshold: 5
          },
          {
            id: mug,
            productId: mug,
            variantId: null,
            name: "Enamel Mug",
            sku: "MUG-ENM",
            inventoryCount: 2,
            inventoryStatus: "LOW_STOCK",
            lowStockThreshold: 5
          }
        ],
        pagination: { page: 1, limit: 20, total: 2, totalPages: 1 }
      })
      // The SKU filter finds one item, a variant's or a product's.
      const bySku = await api.request("GET", `/api/v1/${site}/inventory?sku=TS-WHT-S`, { key })
      expect(bodyOf(bySku, "inventory.list").items.map((i: { id: string }) => i.id)).toEqual([small])
      expect(offsetPage(bodyOf(bySku, "inventory.list")).pagination.total).toBe(1)
      expect(
        bodyOf(await api.request("GET", `/api/v1/${site}/inventory?sku=MUG-ENM`, { key }), "inventory.list").items[0]
          ?.id
      ).toBe(mug)
      // A product with variants is not itself an item, so its own SKU finds nothing.
      expect(
        bodyOf(await api.request("GET", `/api/v1/${site}/inventory?sku=TS-WHT`, { key }), "inventory.list").items
      ).toEqual([])
    })

    it("adjusts a variant with the example request", async () => {
      const product = await insertProduct(siteA, false, { name: "Classic White T-Shirt" })
      const small = await addVariant(product, { name: "Small / White", sku: "EX-ADJ-S", inventoryCount: 42 })
      const res = await adjust(product, {
        operation: "increment",
        quantity: 10,
        variantId: small,
        reason: "Restock from supplier PO-1234"
      })
      expect(res.status).toBe(200)
      expect(bodyOf(res, "inventory.adjust")).toEqual({
        success: true,
        data: { id: small, productId: product, variantId: small, inventoryCount: 52, inventoryStatus: "IN_STOCK" }
      })
      expect(await audit(product)).toEqual([
        {
          variant_id: small,
          operation: "increment",
          quantity: 10,
          previous_count: 42,
          new_count: 52,
          reason: "Restock from supplier PO-1234",
          api_key_id: keyIdA
        }
      ])
    })
  })

  describe("adjustments", () => {
    it("sets, increments and decrements, recomputing the status from the count", async () => {
      const product = await insertProduct(siteA, false, { name: "Ops" })
      const v = await addVariant(product, { name: "V", inventoryCount: 20 })
      const step = async (body: Record<string, unknown>) => {
        const res = await adjust(product, { variantId: v, ...body })
        expect(res.status, JSON.stringify(res.body)).toBe(200)
        return [
          bodyOf(res, "inventory.adjust").data.inventoryCount,
          bodyOf(res, "inventory.adjust").data.inventoryStatus
        ]
      }
      expect(await step({ operation: "decrement", quantity: 15 })).toEqual([5, "LOW_STOCK"])
      expect(await step({ operation: "increment", quantity: 1 })).toEqual([6, "IN_STOCK"])
      expect(await step({ operation: "set", quantity: 0 })).toEqual([0, "OUT_OF_STOCK"])
      expect(await step({ operation: "set", quantity: 3 })).toEqual([3, "LOW_STOCK"])
      expect(await step({ operation: "decrement", quantity: 3 })).toEqual([0, "OUT_OF_STOCK"])
      expect(
        (await audit(product)).map((a) => [a.operation, a.quantity, a.previous_count, a.new_count, a.reason])
      ).toEqual([
        ["decrement", 15, 20, 5, null],
        ["increment", 1, 5, 6, null],
        ["set", 0, 6, 0, null],
        ["set", 3, 0, 3, null],
        ["decrement", 3, 3, 0, null]
      ])
      // The variant itself reflects the last adjustment.
      const listed = await api.request("GET", `/api/v1/${siteA}/products/${product}/variants`, { key: keyA })
      expect(bodyOf(listed, "products.listVariants").data[0]).toMatchObject({
        inventoryCount: 0,
        inventoryStatus: "OUT_OF_STOCK"
      })
    })

    it("adjusts the stock of a product without variants", async () => {
      const product = await insertProduct(siteA, false, {
        name: "Poster",
        sku: "POSTER-1",
        inventoryCount: 7,
        inventoryStatus: "IN_STOCK"
      })
      const res = await adjust(product, { operation: "decrement", quantity: 2 })
      expect(bodyOf(res, "inventory.adjust").data).toEqual({
        id: product,
        productId: product,
        variantId: null,
        inventoryCount: 5,
        inventoryStatus: "LOW_STOCK"
      })
      expect(await count("products", product)).toBe(5)
      expect((await audit(product))[0]).toMatchObject({ variant_id: null, previous_count: 7, new_count: 5 })
    })

    it("refuses a decrement below zero with 409 insufficient_stock and changes nothing", async () => {
      const product = await insertProduct(siteA, false, { name: "Scarce" })
      const v = await addVariant(product, { name: "V", inventoryCount: 3 })
      const res = await adjust(product, { operation: "decrement", quantity: 4, variantId: v, reason: "Sale" })
      expect(res.status).toBe(409)
      expect(errorOf(res).code).toBe("insufficient_stock")
      expect(await count("variants", v)).toBe(3)
      expect(await audit(product)).toEqual([])
      expect(await lowEvents(v)).toEqual([])
    })

    it("refuses a count past the column's range with 409 and changes nothing", async () => {
      const product = await insertProduct(siteA, false, { name: "Huge" })
      const v = await addVariant(product, { name: "V" })
      expect((await adjust(product, { operation: "set", quantity: 2147483647, variantId: v })).status).toBe(200)
      const res = await adjust(product, { operation: "increment", quantity: 1, variantId: v })
      expect(res.status).toBe(409)
      expect(errorOf(res).code).toBe("inventory_limit_exceeded")
      expect(await count("variants", v)).toBe(2147483647)
    })

    it("answers 400 for an increment or decrement of 0 and for what the spec refuses", async () => {
      const product = await insertProduct(siteA, false, { name: "Zero", inventoryCount: 5 })
      for (const operation of ["increment", "decrement"]) {
        const res = await adjust(product, { operation, quantity: 0 })
        expect(res.status).toBe(400)
        expect(errorOf(res)).toMatchObject({ code: "validation_error", details: [{ path: "/quantity" }] })
      }
      for (const body of [
        { operation: "add", quantity: 1 },
        { operation: "set", quantity: -1 },
        { operation: "set" },
        { operation: "set", quantity: 1.5 },
        { operation: "set", quantity: 1, note: "unknown field" }
      ]) {
        expect((await adjust(product, body)).status, JSON.stringify(body)).toBe(400)
      }
      expect(await audit(product)).toEqual([])
    })

    it("needs variantId when the product has variants (422) and refuses a variant of another product (404)", async () => {
      const product = await insertProduct(siteA, false, { name: "Varied" })
      await addVariant(product, { name: "V" })
      const missing = await adjust(product, { operation: "increment", quantity: 1 })
      expect(missing.status).toBe(422)
      expect(errorOf(missing).code).toBe("variant_required")
      const other = await insertProduct(siteA, false, { name: "Other" })
      const otherVariant = await addVariant(other, { name: "W" })
      const wrong = await adjust(product, { operation: "increment", quantity: 1, variantId: otherVariant })
      expect(wrong.status).toBe(404)
      const plain = await insertProduct(siteA, false, { name: "Plain" })
      expect((await adjust(plain, { operation: "increment", quantity: 1, variantId: otherVariant })).status).toBe(404)
      expect((await adjust(product, { operation: "increment", quantity: 1, variantId: "var_unknown" })).status).toBe(
        404
      )
    })
  })

  describe("inventory.low", () => {
    it("is recorded once when the count crosses into the low range, and again only after leaving it", async () => {
      const product = await insertProduct(siteA, false, { name: "Signal Tee" })
      const v = await addVariant(product, { name: "M", sku: "SIG-M", inventoryCount: 10 })
      const dec = (quantity: number) => adjust(product, { operation: "decrement", quantity, variantId: v })
      await dec(4) // 6: still above the threshold (5)
      expect(await lowEvents(v)).toHaveLength(0)
      await dec(1) // 5: crossed
      await dec(2) // 3: already low
      await dec(3) // 0: already low
      const events = await lowEvents(v)
      expect(events.map((e) => e.payload)).toEqual([
        {
          id: v,
          productId: product,
          variantId: v,
          name: "Signal Tee — M",
          sku: "SIG-M",
          inventoryCount: 5,
          inventoryStatus: "LOW_STOCK",
          lowStockThreshold: 5
        }
      ])
      expect(validator.validate({ $ref: "#/components/schemas/InventoryLevel" }, events[0]!.payload).ok).toBe(true)
      // Restocked, then sold down again: a new crossing.
      await adjust(product, { operation: "set", quantity: 30, variantId: v })
      await adjust(product, { operation: "set", quantity: 2, variantId: v })
      expect((await lowEvents(v)).map((e) => e.payload["inventoryCount"])).toEqual([5, 2])
    })

    it("is recorded for a product without variants, in its site and mode", async () => {
      const product = await insertProduct(siteA, false, {
        name: "Lamp",
        inventoryCount: 9,
        inventoryStatus: "IN_STOCK"
      })
      await adjust(product, { operation: "set", quantity: 0 })
      const rows = await query<{ site_id: string; livemode: boolean; payload: Record<string, unknown> }>(
        "select site_id, livemode, payload from events where type = 'inventory.low' and payload->>'id' = $1",
        [product]
      )
      expect(rows).toEqual([
        {
          site_id: siteA,
          livemode: false,
          payload: {
            id: product,
            productId: product,
            variantId: null,
            name: "Lamp",
            sku: null,
            inventoryCount: 0,
            inventoryStatus: "OUT_OF_STOCK",
            lowStockThreshold: 5
          }
        }
      ])
    })
  })

  describe("concurrency", () => {
    it("lets exactly 10 of 100 simultaneous decrements of 1 on a stock of 10 succeed", async () => {
      const product = await insertProduct(siteA, false, { name: "Rush" })
      const v = await addVariant(product, { name: "Hot item", inventoryCount: 10 })
      const results = await Promise.all(
        Array.from({ length: 100 }, () =>
          adjust(product, { operation: "decrement", quantity: 1, variantId: v, reason: "flash sale" })
        )
      )
      const statuses = results.map((r) => r.status)
      expect(statuses.filter((s) => s === 200)).toHaveLength(10)
      expect(statuses.filter((s) => s === 409)).toHaveLength(90)
      expect(results.filter((r) => r.status === 409).every((r) => errorOf(r).code === "insufficient_stock")).toBe(true)
      expect(await count("variants", v)).toBe(0)
      const rows = await audit(product)
      expect(rows).toHaveLength(10)
      // Each success saw the previous one's result: the audit trail is an unbroken chain 10 → 0.
      expect(rows.map((r) => r.previous_count).sort((a, b) => b - a)).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1])
      expect(rows.every((r) => r.new_count === r.previous_count - 1)).toBe(true)
      expect(
        results
          .filter((r) => r.status === 200)
          .map((r) => bodyOf(r, "inventory.adjust").data.inventoryCount)
          .sort((a, b) => a - b)
      ).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
      // The one crossing of the threshold (6 → 5) was recorded once.
      expect(await lowEvents(v)).toHaveLength(1)
    })

    it("applies concurrent mixed adjustments of a product's own stock without losing any", async () => {
      const product = await insertProduct(siteA, false, {
        name: "Mixed",
        inventoryCount: 100,
        inventoryStatus: "IN_STOCK"
      })
      const results = await Promise.all([
        ...Array.from({ length: 20 }, () => adjust(product, { operation: "increment", quantity: 3 })),
        ...Array.from({ length: 20 }, () => adjust(product, { operation: "decrement", quantity: 2 }))
      ])
      expect(results.every((r) => r.status === 200)).toBe(true)
      expect(await count("products", product)).toBe(100 + 60 - 40)
      expect(await audit(product)).toHaveLength(40)
    })
  })

  describe("listing", () => {
    it("orders by product name, each product's default variant first, and pages with totals", async () => {
      const site = (await api.createSite({ name: "Paging" })).id
      const key = (await api.createKey(site)).key
      const zebra = await insertProduct(site, false, { name: "Zebra" })
      const apple = await insertProduct(site, false, { name: "Apple", inventoryCount: 1 })
      const z1 = await addVariant(zebra, { name: "One" }, key, site)
      const z2 = await addVariant(zebra, { name: "Two", isDefault: true }, key, site)
      const mango = await insertProduct(site, false, { name: "Mango" })
      const all = await api.request("GET", `/api/v1/${site}/inventory`, { key })
      expect(bodyOf(all, "inventory.list").items.map((i: { id: string }) => i.id)).toEqual([apple, mango, z2, z1])
      const page2 = await api.request("GET", `/api/v1/${site}/inventory?limit=3&page=2`, { key })
      expect(bodyOf(page2, "inventory.list").items.map((i: { id: string }) => i.id)).toEqual([z1])
      expect(offsetPage(bodyOf(page2, "inventory.list")).pagination).toEqual({
        page: 2,
        limit: 3,
        total: 4,
        totalPages: 2
      })
      const past = await api.request("GET", `/api/v1/${site}/inventory?limit=3&page=5`, { key })
      expect(bodyOf(past, "inventory.list")).toEqual({
        success: true,
        items: [],
        pagination: { page: 5, limit: 3, total: 4, totalPages: 2 }
      })
      const pastSku = await api.request("GET", `/api/v1/${site}/inventory?limit=3&page=5&sku=nothing`, { key })
      expect(offsetPage(bodyOf(pastSku, "inventory.list")).pagination.total).toBe(0)
    })

    it("shows the site's own threshold", async () => {
      const site = (await api.createSite({ name: "Threshold" })).id
      const key = (await api.createKey(site)).key
      await query("update sites set low_stock_threshold = 12 where id = $1", [site])
      await insertProduct(site, false, { name: "Item", inventoryCount: 1 })
      const res = await api.request("GET", `/api/v1/${site}/inventory`, { key })
      expect(bodyOf(res, "inventory.list").items[0]?.lowStockThreshold).toBe(12)
    })
  })

  describe("tenancy and scopes", () => {
    it("keeps other sites' and the other mode's stock out of lists and adjustments (404)", async () => {
      const theirs = await insertProduct(siteB, false, { name: "Theirs", sku: "SHARED-SKU", inventoryCount: 5 })
      const live = await insertProduct(siteA, true, { name: "Live", sku: "SHARED-SKU", inventoryCount: 5 })
      const liveVariantProduct = await insertProduct(siteA, true, { name: "Live variants" })
      const liveVariant = await addVariant(liveVariantProduct, { name: "LV", inventoryCount: 5 }, liveKeyA)
      const mine = await insertProduct(siteA, false, { name: "Mine", sku: "SHARED-SKU", inventoryCount: 5 })

      for (const [product, variantId] of [
        [theirs, undefined],
        [live, undefined],
        [liveVariantProduct, liveVariant],
        ["prd_doesnotexist", undefined]
      ] as const) {
        const res = await adjust(product, { operation: "set", quantity: 1, ...(variantId ? { variantId } : {}) })
        expect(res.status, product).toBe(404)
        expect(errorOf(res).code).toBe("not_found")
      }
      expect(await count("products", theirs)).toBe(5)
      expect(await count("products", live)).toBe(5)
      expect(await count("variants", liveVariant)).toBe(5)

      const listed = await api.request("GET", `/api/v1/${siteA}/inventory?sku=SHARED-SKU`, { key: keyA })
      expect(bodyOf(listed, "inventory.list").items.map((i: { id: string }) => i.id)).toEqual([mine])
      const liveListed = await api.request("GET", `/api/v1/${siteA}/inventory?sku=SHARED-SKU`, { key: liveKeyA })
      expect(bodyOf(liveListed, "inventory.list").items.map((i: { id: string }) => i.id)).toEqual([live])
      const theirList = await api.request("GET", `/api/v1/${siteB}/inventory?sku=SHARED-SKU`, { key: keyB })
      expect(bodyOf(theirList, "inventory.list").items.map((i: { id: string }) => i.id)).toEqual([theirs])
    })

    it("needs read:inventory to list and write:inventory to adjust", async () => {
      const product = await insertProduct(siteA, false, { name: "Scoped", inventoryCount: 5 })
      const reader = (await api.createKey(siteA, { scopes: ["read:inventory"] })).key
      const writer = (await api.createKey(siteA, { scopes: ["write:inventory"] })).key
      const catalog = (await api.createKey(siteA, { scopes: ["read:catalog", "write:catalog"] })).key
      expect((await api.request("GET", `/api/v1/${siteA}/inventory`, { key: reader })).status).toBe(200)
      expect((await api.request("GET", `/api/v1/${siteA}/inventory`, { key: catalog })).status).toBe(403)
      for (const key of [reader, catalog]) {
        const res = await adjust(product, { operation: "increment", quantity: 1 }, key)
        expect(res.status).toBe(403)
        expect(errorOf(res).error).toContain("write:inventory")
      }
      expect((await adjust(product, { operation: "increment", quantity: 1 }, writer)).status).toBe(200)
      expect(await count("products", product)).toBe(6)
    })

    it("replays an adjustment sent again with the same Idempotency-Key instead of applying it twice", async () => {
      const product = await insertProduct(siteA, false, { name: "Once", inventoryCount: 5 })
      const send = () =>
        api.request("POST", adjustPath(product), {
          key: keyA,
          body: { operation: "decrement", quantity: 2 },
          headers: { "idempotency-key": `adjust-${product}` }
        })
      const first = await send()
      const second = await send()
      expect(bodyOf(first, "inventory.adjust").data.inventoryCount).toBe(3)
      expect(second.body).toEqual(first.body)
      expect(second.headers.get("idempotent-replayed")).toBe("true")
      expect(await count("products", product)).toBe(3)
      expect(await audit(product)).toHaveLength(1)
    })
  })
})
