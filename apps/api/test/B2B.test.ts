import { SqlClient } from "@effect/sql"
import { Ids } from "@shopvo/kernel"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { addCustomers } from "./support/Customers.js"
import { bodyOf, cursorPage, errorOf, offsetPage, start, type TestApi } from "./support/TestApi.js"

const address = {
  firstName: "Nikos",
  lastName: "Papadopoulos",
  line1: "Ermou 25",
  city: "Athens",
  postalCode: "10563",
  country: "GR"
}

describe("B2B", () => {
  let api: TestApi
  let site: string
  let key: string
  let otherSite: string
  let otherKey: string
  let retailSite: string
  let retailKey: string
  /** A product at 3000 with a variant at 4000 (`priced`) and one at the product's price (`plain`). */
  let product: { productId: string; priced: string; plain: string }

  const query = <A extends object>(text: string, params: ReadonlyArray<unknown> = []) =>
    api.run(Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe<A>(text, params)))

  const insertProduct = async (siteId: string) => {
    const productId = Ids.make("prd")
    await query(
      `insert into products (id, site_id, livemode, name, slug, price, currency, inventory_count, inventory_status)
       values ($1, $2, false, 'Espresso Cup', $3, 3000, 'EUR', 0, 'OUT_OF_STOCK')`,
      [productId, siteId, productId.replace("_", "-").toLowerCase()]
    )
    const variant = async (name: string, price: number | null, isDefault: boolean) => {
      const id = Ids.make("var")
      await query(
        `insert into variants (id, site_id, livemode, product_id, name, price, inventory_count, inventory_status, is_default)
         values ($1, $2, false, $3, $4, $5, 1000, 'IN_STOCK', $6)`,
        [id, siteId, productId, name, price, isDefault]
      )
      return id
    }
    return { productId, priced: await variant("Large", 4000, true), plain: await variant("Small", null, false) }
  }

  const b2b = (path: string, siteId = site) => `/api/v1/${siteId}/b2b${path}`

  const createPriceList = async (body: Record<string, unknown>) => {
    const res = await api.request("POST", b2b("/price-lists"), { key, body })
    expect(res.status, res.text).toBe(201)
    return bodyOf(res, "b2b.createPriceList").data
  }

  const createAccount = async (body: Record<string, unknown>) => {
    const res = await api.request("POST", b2b("/accounts"), { key, body })
    expect(res.status, res.text).toBe(201)
    return bodyOf(res, "b2b.createAccount").data
  }

  const updateAccount = (accountId: string, body: Record<string, unknown>) =>
    api.request("PATCH", b2b(`/accounts/${accountId}`), { key, body })

  let customerCount = 0
  const newCustomers = async (n: number) => {
    const ids = Array.from({ length: n }, () => `cust_b2b${++customerCount}x${Math.random().toString(36).slice(2, 8)}`)
    await addCustomers(api, site, ids)
    return ids
  }

  /** A cart of `customerId` holding 2 of each variant of the product. */
  const cartOf = async (customerId: string) => {
    const created = await api.request("POST", `/api/v1/${site}/cart`, { key, body: { customerId } })
    expect(created.status, created.text).toBe(201)
    const cartId = bodyOf(created, "cart.create").data.id
    for (const variantId of [product.priced, product.plain]) {
      const res = await api.request("PATCH", `/api/v1/${site}/cart?cartId=${cartId}`, {
        key,
        body: { action: "add", item: { productId: product.productId, variantId, quantity: 2 } }
      })
      expect(res.status, res.text).toBe(200)
    }
    return cartId
  }

  const readCart = async (cartId: string) => {
    const res = await api.request("GET", `/api/v1/${site}/cart?cartId=${cartId}`, { key })
    expect(res.status).toBe(200)
    const cart = bodyOf(res, "cart.get").data
    const unit = (variantId: string) => cart.items.find((item) => item.variantId === variantId)!.unitPrice
    return { cart, priced: unit(product.priced), plain: unit(product.plain) }
  }

  const advance = (body: Record<string, unknown>) => api.request("PATCH", `/api/v1/${site}/checkout`, { key, body })

  /** A checkout of the cart, moved to `payment` (email, address and shipping known). */
  const checkoutAtPayment = async (cartId: string) => {
    const res = await api.request("POST", `/api/v1/${site}/checkout`, { key, body: { cartId } })
    expect(res.status, res.text).toBe(201)
    const sessionId = bodyOf(res, "checkout.create").data.id
    for (const body of [
      { state: "contact" },
      { state: "shipping" },
      { state: "payment", shippingAddress: address, shippingOptionId: "ship_standard" }
    ]) {
      const moved = await advance({ sessionId, ...body })
      expect(moved.status, moved.text).toBe(200)
    }
    return sessionId
  }

  beforeAll(async () => {
    api = await start()
    site = (await api.createSite({ plan: "growth" })).id
    key = (await api.createKey(site)).key
    otherSite = (await api.createSite({ plan: "enterprise" })).id
    otherKey = (await api.createKey(otherSite)).key
    retailSite = (await api.createSite({ plan: "starter" })).id
    retailKey = (await api.createKey(retailSite)).key
    await query("update sites set checkout_limit_rpm = 100000, rate_limit_rpm = 1000 where id = $1", [site])
    product = await insertProduct(site)
  })

  afterAll(() => api.close())

  it("a site whose plan has no B2B answers 403 b2b_not_enabled and creates nothing", async () => {
    for (const [method, path, body] of [
      ["GET", "/accounts", undefined],
      ["POST", "/accounts", { companyName: "Acme" }],
      ["POST", "/price-lists", { name: "Wholesale" }],
      ["GET", "/price-lists/pl_x", undefined]
    ] as const) {
      const res = await api.request(method, b2b(path, retailSite), { key: retailKey, body })
      expect(res.status, `${method} ${path}`).toBe(403)
      expect(errorOf(res).code).toBe("b2b_not_enabled")
    }
    const rows = await query<{ n: number }>(
      "select (select count(*) from b2b_accounts where site_id = $1) + (select count(*) from price_lists where site_id = $1) as n",
      [retailSite]
    )
    expect(Number(rows[0]!.n)).toBe(0)
  })

  it("price lists: create, get, list, replace entries, refuse bad entries, delete", async () => {
    const list = await createPriceList({
      name: "Wholesale 2026",
      entries: [
        { variantId: product.priced, currency: "EUR", price: 2500 },
        { variantId: product.plain, currency: "EUR", percentOff: "12.5" },
        { variantId: product.priced, currency: "USD", price: 2700 }
      ]
    })
    expect(list).toMatchObject({ name: "Wholesale 2026" })
    expect(list.id).toMatch(/^pl_/)
    expect(list.entries).toEqual([
      { variantId: product.priced, currency: "EUR", price: 2500 },
      { variantId: product.plain, currency: "EUR", percentOff: "12.5" },
      { variantId: product.priced, currency: "USD", price: 2700 }
    ])

    const got = await api.request("GET", b2b(`/price-lists/${list.id}`), { key })
    expect(bodyOf(got, "b2b.getPriceList").data).toEqual(list)
    const listed = offsetPage(bodyOf(await api.request("GET", b2b("/price-lists"), { key }), "b2b.listPriceLists"))
    expect(listed.items.map((item) => item.id)).toContain(list.id)
    const newer = await createPriceList({ name: "Newer" })
    const firstPage = cursorPage(
      bodyOf(await api.request("GET", b2b("/price-lists?limit=1&cursor=") + newer.id, { key }), "b2b.listPriceLists")
    )
    expect(firstPage.items.map((item) => item.id)).toEqual([list.id]) // the one created before `newer`

    const replaced = await api.request("PATCH", b2b(`/price-lists/${list.id}`), {
      key,
      body: { name: "Wholesale 2027", entries: [{ variantId: product.plain, currency: "EUR", price: 100 }] }
    })
    expect(replaced.status, replaced.text).toBe(200)
    expect(bodyOf(replaced, "b2b.updatePriceList").data).toMatchObject({
      name: "Wholesale 2027",
      entries: [{ variantId: product.plain, currency: "EUR", price: 100 }]
    })

    // Refusals change nothing.
    const duplicate = await api.request("PATCH", b2b(`/price-lists/${list.id}`), {
      key,
      body: {
        entries: [
          { variantId: product.plain, currency: "EUR", price: 100 },
          { variantId: product.plain, currency: "EUR", percentOff: "10" }
        ]
      }
    })
    expect(duplicate.status).toBe(400)
    expect(errorOf(duplicate).details).toEqual([
      { path: "/entries/1", message: expect.stringContaining("second entry") }
    ])
    const unknownVariant = await api.request("PATCH", b2b(`/price-lists/${list.id}`), {
      key,
      body: { entries: [{ variantId: "var_missing", currency: "EUR", price: 100 }] }
    })
    expect(unknownVariant.status).toBe(422)
    expect(errorOf(unknownVariant).code).toBe("variant_not_found")
    const tooMuch = await api.request("POST", b2b("/price-lists"), {
      key,
      body: { name: "Too much", entries: [{ variantId: product.plain, currency: "EUR", percentOff: "150" }] }
    })
    expect(tooMuch.status).toBe(400)
    const notCurrency = await api.request("POST", b2b("/price-lists"), {
      key,
      body: { name: "Odd", entries: [{ variantId: product.plain, currency: "XYZ", price: 1 }] }
    })
    expect(notCurrency.status).toBe(422)
    expect(errorOf(notCurrency).code).toBe("currency_not_supported")
    const after = bodyOf(await api.request("GET", b2b(`/price-lists/${list.id}`), { key }), "b2b.getPriceList").data
    expect(after.entries).toEqual([{ variantId: product.plain, currency: "EUR", price: 100 }])

    // Another site's price list does not exist here.
    const foreign = await api.request("GET", b2b(`/price-lists/${list.id}`, otherSite), { key: otherKey })
    expect(foreign.status).toBe(404)

    // Deleting leaves its accounts without one.
    const account = await createAccount({ companyName: "Soon Retail", priceListId: list.id })
    const removed = await api.request("DELETE", b2b(`/price-lists/${list.id}`), { key })
    expect(removed.status).toBe(200)
    expect(bodyOf(removed, "b2b.deletePriceList")).toEqual({ success: true, deleted: true })
    expect((await api.request("GET", b2b(`/price-lists/${list.id}`), { key })).status).toBe(404)
    expect((await api.request("DELETE", b2b(`/price-lists/${list.id}`), { key })).status).toBe(404)
    const detached = await api.request("GET", b2b(`/accounts/${account.id}`), { key })
    expect(bodyOf(detached, "b2b.getAccount").data.priceListId).toBeNull()
  })

  it("accounts: create with contacts, get, update status and terms; refusals change nothing", async () => {
    const [first, second, stranger] = await newCustomers(3)
    const list = await createPriceList({ name: "Gold" })
    const account = await createAccount({
      companyName: "Acme Corp",
      taxId: "EL123456789",
      paymentTerms: "NET_30",
      priceListId: list.id,
      contactCustomerIds: [first, second]
    })
    expect(account).toMatchObject({
      companyName: "Acme Corp",
      taxId: "EL123456789",
      status: "ACTIVE",
      paymentTerms: "NET_30",
      priceListId: list.id,
      contacts: [
        { id: first, email: `${first}@example.com`, isPrimary: true },
        { id: second, email: `${second}@example.com`, isPrimary: false }
      ]
    })
    const defaults = await createAccount({ companyName: "Defaults Ltd" })
    expect(defaults).toMatchObject({
      status: "ACTIVE",
      paymentTerms: "DUE_ON_RECEIPT",
      priceListId: null,
      contacts: []
    })

    const taken = await api.request("POST", b2b("/accounts"), {
      key,
      body: { companyName: "Copycat", contactCustomerIds: [stranger, second] }
    })
    expect(taken.status).toBe(409)
    expect(errorOf(taken)).toMatchObject({ code: "contact_in_other_account" })
    expect(errorOf(taken).error).toContain(account.id)
    const unknownCustomer = await api.request("POST", b2b("/accounts"), {
      key,
      body: { companyName: "Ghost", contactCustomerIds: ["cust_nobody"] }
    })
    expect(errorOf(unknownCustomer)).toMatchObject({ code: "customer_not_found" })
    const unknownList = await api.request("POST", b2b("/accounts"), {
      key,
      body: { companyName: "Ghost", priceListId: "pl_nothing" }
    })
    expect(unknownList.status).toBe(422)
    expect(errorOf(unknownList).code).toBe("price_list_not_found")
    // A blank name reached the database's check and answered 500 (found by `pnpm proof`).
    for (const companyName of [" ", "\t\n"]) {
      const blank = await api.request("POST", b2b("/accounts"), { key, body: { companyName } })
      expect(blank.status, blank.text).toBe(400)
      expect(errorOf(blank).details).toEqual([expect.objectContaining({ path: "/companyName" })])
    }
    const ghosts = await query<{ n: number }>(
      "select count(*)::int as n from b2b_accounts where site_id = $1 and company_name in ('Copycat', 'Ghost', ' ', '\t\n')",
      [site]
    )
    expect(ghosts[0]!.n).toBe(0)

    const suspended = await updateAccount(account.id, { status: "SUSPENDED", paymentTerms: "NET_60" })
    expect(suspended.status, suspended.text).toBe(200)
    expect(bodyOf(suspended, "b2b.updateAccount").data).toMatchObject({
      status: "SUSPENDED",
      paymentTerms: "NET_60",
      priceListId: list.id,
      taxId: "EL123456789"
    })
    const cleared = await updateAccount(account.id, { priceListId: null, taxId: null, status: "ACTIVE" })
    expect(bodyOf(cleared, "b2b.updateAccount").data).toMatchObject({
      status: "ACTIVE",
      priceListId: null,
      taxId: null
    })
    const badList = await updateAccount(account.id, { priceListId: "pl_nothing" })
    expect(errorOf(badList).code).toBe("price_list_not_found")
    const got = await api.request("GET", b2b(`/accounts/${account.id}`), { key })
    expect(bodyOf(got, "b2b.getAccount").data).toMatchObject({ id: account.id, status: "ACTIVE", priceListId: null })

    // read:b2b reads; changing needs write:b2b.
    const readOnly = (await api.createKey(site, { scopes: ["read:b2b"] })).key
    expect((await api.request("GET", b2b(`/accounts/${account.id}`), { key: readOnly })).status).toBe(200)
    const forbidden = await api.request("PATCH", b2b(`/accounts/${account.id}`), {
      key: readOnly,
      body: { status: "SUSPENDED" }
    })
    expect(forbidden.status).toBe(403)
    expect(errorOf(forbidden).code).toBe("forbidden")
  })

  it("another site's (or mode's) account is 404", async () => {
    const account = await createAccount({ companyName: "Private Co" })
    for (const res of [
      await api.request("GET", b2b(`/accounts/${account.id}`, otherSite), { key: otherKey }),
      await api.request("PATCH", b2b(`/accounts/${account.id}`, otherSite), {
        key: otherKey,
        body: { status: "SUSPENDED" }
      })
    ]) {
      expect(res.status).toBe(404)
      expect(errorOf(res).code).toBe("not_found")
    }
    const listed = offsetPage(
      bodyOf(await api.request("GET", b2b("/accounts", otherSite), { key: otherKey }), "b2b.listAccounts")
    )
    expect(listed.items.map((item) => item.id)).not.toContain(account.id)
    const liveKey = (await api.createKey(site, { mode: "live" })).key
    expect((await api.request("GET", b2b(`/accounts/${account.id}`), { key: liveKey })).status).toBe(404)
    // Unchanged by the foreign attempts.
    const got = await api.request("GET", b2b(`/accounts/${account.id}`), { key })
    expect(bodyOf(got, "b2b.getAccount").data.status).toBe("ACTIVE")
  })

  it("lists accounts by search (company or contact email) and status, in offset and cursor pages", async () => {
    const [contact] = await newCustomers(1)
    const tag = Math.random().toString(36).slice(2, 8)
    const made = []
    for (let i = 0; i < 5; i++) {
      made.push(
        await createAccount({
          companyName: `Kafeneio ${tag} ${i}`,
          ...(i === 2 ? { contactCustomerIds: [contact] } : {})
        })
      )
    }
    await updateAccount(made[1]!.id, { status: "SUSPENDED" })
    await updateAccount(made[3]!.id, { status: "SUSPENDED" })

    const search = async (params: string) =>
      offsetPage(bodyOf(await api.request("GET", b2b(`/accounts?${params}`), { key }), "b2b.listAccounts"))

    const all = await search(`search=${tag.toUpperCase()}`)
    expect(all.items.map((item) => item.id)).toEqual(made.map((a) => a.id).reverse()) // newest first
    expect(all.pagination).toEqual({ page: 1, limit: 20, total: 5, totalPages: 1 })
    const byEmail = await search(`search=${encodeURIComponent(contact!.toUpperCase())}`)
    expect(byEmail.items.map((item) => item.id)).toEqual([made[2]!.id])
    const suspended = await search(`search=${tag}&status=SUSPENDED`)
    expect(suspended.items.map((item) => item.id)).toEqual([made[3]!.id, made[1]!.id])
    expect(suspended.items.every((item) => item.status === "SUSPENDED")).toBe(true)
    expect((await search(`search=${tag}%25`)).items).toEqual([]) // `%` is a literal character

    const page2 = await search(`search=${tag}&limit=2&page=2`)
    expect(page2.items.map((item) => item.id)).toEqual([made[2]!.id, made[1]!.id])
    expect(page2.pagination).toEqual({ page: 2, limit: 2, total: 5, totalPages: 3 })

    // Cursor pages walk the same order without repeats, from the id of the last account seen.
    const bogus = await api.request("GET", b2b(`/accounts?search=${tag}&cursor=start`), { key })
    expect(bogus.status).toBe(400)
    const seen: Array<string> = [made[4]!.id]
    let cursor: string | null = made[4]!.id
    while (cursor !== null) {
      const res = await api.request("GET", b2b(`/accounts?search=${tag}&limit=2&cursor=${cursor}`), { key })
      const page = cursorPage(bodyOf(res, "b2b.listAccounts"))
      expect(page.items.length).toBeLessThanOrEqual(2)
      seen.push(...page.items.map((item) => item.id))
      cursor = page.cursor
    }
    expect(seen).toEqual(made.map((a) => a.id).reverse())

    const badStatus = await api.request("GET", b2b("/accounts?status=CLOSED"), { key })
    expect(badStatus.status).toBe(400)
  })

  it("a B2B contact's cart is priced from the price list; retail and suspended contacts pay catalogue prices", async () => {
    const [buyer, retail] = await newCustomers(2)
    const list = await createPriceList({
      name: "Cafés",
      entries: [
        { variantId: product.priced, currency: "EUR", price: 2500 },
        // 15% off the product's 3000 (the variant has no price of its own).
        { variantId: product.plain, currency: "EUR", percentOff: "15" }
      ]
    })
    const account = await createAccount({ companyName: "Café Ena", priceListId: list.id, contactCustomerIds: [buyer] })

    const b2bCart = await readCart(await cartOf(buyer!))
    expect([b2bCart.priced, b2bCart.plain]).toEqual([2500, 2550])
    expect(b2bCart.cart).toMatchObject({ subtotal: 2 * 2500 + 2 * 2550, total: 2 * 2500 + 2 * 2550 })
    const retailCart = await readCart(await cartOf(retail!))
    expect([retailCart.priced, retailCart.plain]).toEqual([4000, 3000])

    // The list's changes show on the next read; a suspended account buys at catalogue prices.
    await api.request("PATCH", b2b(`/price-lists/${list.id}`), {
      key,
      body: { entries: [{ variantId: product.priced, currency: "EUR", percentOff: "33.33" }] }
    })
    const again = await readCart(b2bCart.cart.id)
    expect([again.priced, again.plain]).toEqual([2667, 3000]) // 4000 × 0.6667 = 2666.8 → 2667
    await updateAccount(account.id, { status: "SUSPENDED" })
    const suspended = await readCart(b2bCart.cart.id)
    expect([suspended.priced, suspended.plain]).toEqual([4000, 3000])
  })

  it("a contact on NET_30 orders on terms: list prices, payment PENDING, a due date, listed by account", async () => {
    const [buyer, colleague] = await newCustomers(2)
    const list = await createPriceList({
      name: "Hotels",
      entries: [{ variantId: product.priced, currency: "EUR", price: 2000 }]
    })
    const account = await createAccount({
      companyName: "Hotel Dio",
      paymentTerms: "NET_30",
      priceListId: list.id,
      contactCustomerIds: [buyer, colleague]
    })
    const sessionId = await checkoutAtPayment(await cartOf(buyer!))
    const review = await advance({ sessionId, state: "review", payment: { method: "terms" } })
    expect(review.status, review.text).toBe(200)
    expect(bodyOf(review, "checkout.advance").data.payment).toEqual({
      method: "terms",
      status: "pending",
      paymentSessionId: null
    })
    const complete = await advance({ sessionId, state: "complete" })
    expect(complete.status, complete.text).toBe(200)
    const orderId = bodyOf(complete, "checkout.advance").data.orderId!

    const order = bodyOf(await api.request("GET", `/api/v1/${site}/orders/${orderId}`, { key }), "orders.get").data
    const due = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10)
    expect(order).toMatchObject({
      status: "CONFIRMED",
      paymentStatus: "PENDING",
      customerId: buyer,
      b2bAccountId: account.id,
      paymentTerms: "NET_30",
      dueDate: due,
      subtotal: 2 * 2000 + 2 * 3000
    })
    expect(order.items.map((item) => item.unitPrice).sort()).toEqual([2000, 3000])
    // Nothing was captured, so no payment.confirmed was recorded.
    const events = await query<{ type: string }>(
      "select type from events where site_id = $1 and (payload->>'id' = $2 or payload->>'orderId' = $2)",
      [site, orderId]
    )
    expect(events.map((e) => e.type)).toEqual(["order.created", "order.placed"]) // placed, not paid

    // A card order of a colleague is the account's too, paid now and without terms.
    const cardSession = await checkoutAtPayment(await cartOf(colleague!))
    expect(
      (await advance({ sessionId: cardSession, state: "review", payment: { method: "card", token: "tok_visa" } }))
        .status
    ).toBe(200)
    const cardOrderId = bodyOf(await advance({ sessionId: cardSession, state: "complete" }), "checkout.advance").data
      .orderId!
    const cardOrder = bodyOf(
      await api.request("GET", `/api/v1/${site}/orders/${cardOrderId}`, { key }),
      "orders.get"
    ).data
    expect(cardOrder).toMatchObject({
      paymentStatus: "PAID",
      b2bAccountId: account.id,
      paymentTerms: null,
      dueDate: null
    })
    // The paid order earned loyalty points; the one on terms (not paid yet) did not.
    const earned = await query<{ order_id: string }>(
      "select order_id from loyalty_transactions where site_id = $1 and type = 'EARN' and order_id in ($2, $3)",
      [site, orderId, cardOrderId]
    )
    expect(earned.map((row) => row.order_id)).toEqual([cardOrderId])

    const [retail] = await newCustomers(1)
    const retailSession = await checkoutAtPayment(await cartOf(retail!))
    await advance({ sessionId: retailSession, state: "review", payment: { method: "card", token: "tok_visa" } })
    const retailOrderId = bodyOf(await advance({ sessionId: retailSession, state: "complete" }), "checkout.advance")
      .data.orderId!
    const retailOrder = bodyOf(
      await api.request("GET", `/api/v1/${site}/orders/${retailOrderId}`, { key }),
      "orders.get"
    ).data
    expect(retailOrder).toMatchObject({ b2bAccountId: null, paymentTerms: null, dueDate: null })

    const byAccount = offsetPage(
      bodyOf(await api.request("GET", `/api/v1/${site}/orders?b2bAccountId=${account.id}`, { key }), "orders.list")
    )
    expect(byAccount.items.map((item) => item.id)).toEqual([cardOrderId, orderId])
    expect(byAccount.pagination.total).toBe(2)
  })

  it("an order on terms is marked paid once: PAID, its points earned, on the timeline, with events; again is 422", async () => {
    const [buyer] = await newCustomers(1)
    await createAccount({ companyName: "Bakery Pente", paymentTerms: "NET_60", contactCustomerIds: [buyer] })
    const sessionId = await checkoutAtPayment(await cartOf(buyer!))
    expect((await advance({ sessionId, state: "review", payment: { method: "terms" } })).status).toBe(200)
    const orderId = bodyOf(await advance({ sessionId, state: "complete" }), "checkout.advance").data.orderId!
    const markPaid = (body: Record<string, unknown>, id = orderId) =>
      api.request("POST", `/api/v1/${site}/orders/${id}/mark-paid`, { key, body })

    // Refused inputs change nothing.
    expect((await markPaid({ reference: " " })).status).toBe(400)
    expect((await markPaid({ amount: 100 })).status).toBe(400)
    expect((await markPaid({}, "order_nothing")).status).toBe(404)

    const paid = await markPaid({ reference: "SEPA RF18 5390", note: "Invoice INV-0142" })
    expect(paid.status, paid.text).toBe(200)
    const order = bodyOf(paid, "orders.markPaid").data
    expect(order).toMatchObject({ id: orderId, status: "CONFIRMED", paymentStatus: "PAID", paymentTerms: "NET_60" })
    const timeline = bodyOf(
      await api.request("GET", `/api/v1/${site}/orders/${orderId}/timeline`, { key }),
      "orders.getTimeline"
    ).data
    expect(timeline.at(-1)).toMatchObject({
      type: "paid",
      paymentStatus: "PAID",
      amount: order.total,
      message: `Paid ${order.total} EUR outside the API (reference SEPA RF18 5390; Invoice INV-0142)`
    })
    const earned = await query<{ n: number }>(
      "select count(*)::int as n from loyalty_transactions where site_id = $1 and type = 'EARN' and order_id = $2",
      [site, orderId]
    )
    expect(earned[0]!.n).toBe(1)
    const events = await query<{ type: string }>(
      "select type from events where site_id = $1 and (payload->>'id' = $2 or payload->>'orderId' = $2) order by created_at, id",
      [site, orderId]
    )
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(["order.updated", "payment.confirmed", "order.paid"])
    )

    // Paid is paid: a second call (or a race of several) records nothing more.
    const again = await Promise.all([markPaid({}), markPaid({})])
    for (const res of again) {
      expect(res.status, res.text).toBe(422)
      expect(errorOf(res).code).toBe("illegal_payment_transition")
    }
    const paidEntries = await query<{ n: number }>(
      "select count(*)::int as n from order_timeline where site_id = $1 and order_id = $2 and type = 'paid'",
      [site, orderId]
    )
    expect(paidEntries[0]!.n).toBe(1)

    // The provider never held this money: it goes back as store credit, not through the provider.
    const refund = (body: Record<string, unknown>) =>
      api.request("POST", `/api/v1/${site}/orders/${orderId}/refunds`, { key, body })
    const throughProvider = await refund({ amount: 100 })
    expect([throughProvider.status, errorOf(throughProvider).code]).toEqual([422, "payment_failed"])
    const asCredit = await refund({ amount: 100, method: "STORE_CREDIT" })
    expect(asCredit.status, asCredit.text).toBe(201)
    expect(bodyOf(asCredit, "orders.refund").data).toMatchObject({
      paymentStatus: "PARTIALLY_REFUNDED",
      refundedTotal: 100
    })
  })

  it("a suspended account cannot order on terms, and a retail customer has none", async () => {
    const [buyer, retail] = await newCustomers(2)
    const account = await createAccount({
      companyName: "Taverna Tria",
      paymentTerms: "NET_60",
      contactCustomerIds: [buyer]
    })

    // Suspended after the checkout reached review on terms: completing is refused, no order is placed.
    const sessionId = await checkoutAtPayment(await cartOf(buyer!))
    expect((await advance({ sessionId, state: "review", payment: { method: "terms" } })).status).toBe(200)
    await updateAccount(account.id, { status: "SUSPENDED" })
    const refused = await advance({ sessionId, state: "complete" })
    expect(refused.status).toBe(422)
    expect(errorOf(refused)).toMatchObject({ code: "b2b_account_suspended" })
    expect(errorOf(refused).error).toContain(account.id)
    const orders = await query<{ n: number }>("select count(*)::int as n from orders where b2b_account_id = $1", [
      account.id
    ])
    expect(orders[0]!.n).toBe(0)
    const session = bodyOf(
      await api.request("GET", `/api/v1/${site}/checkout?sessionId=${sessionId}`, { key }),
      "checkout.get"
    )
    expect(session.data).toMatchObject({ state: "review", orderId: null })

    // And from the start: a suspended contact cannot pick terms.
    const again = await checkoutAtPayment(await cartOf(buyer!))
    const atReview = await advance({ sessionId: again, state: "review", payment: { method: "terms" } })
    expect(errorOf(atReview).code).toBe("b2b_account_suspended")

    // A retail customer, or a contact of an account due on receipt, has no terms.
    const retailSession = await checkoutAtPayment(await cartOf(retail!))
    const noTerms = await advance({ sessionId: retailSession, state: "review", payment: { method: "terms" } })
    expect(noTerms.status).toBe(422)
    expect(errorOf(noTerms).code).toBe("payment_terms_unavailable")
    await updateAccount(account.id, { status: "ACTIVE", paymentTerms: "DUE_ON_RECEIPT" })
    const onReceipt = await advance({ sessionId: again, state: "review", payment: { method: "terms" } })
    expect(errorOf(onReceipt).code).toBe("payment_terms_unavailable")
  })

  it("two accounts created at once with the same contact: exactly one gets it", async () => {
    const [contact] = await newCustomers(1)
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        api.request("POST", b2b("/accounts"), {
          key,
          body: { companyName: `Race ${i}`, contactCustomerIds: [contact] }
        })
      )
    )
    expect(results.filter((res) => res.status === 201)).toHaveLength(1)
    expect(
      results.filter((res) => res.status === 409).every((res) => errorOf(res).code === "contact_in_other_account")
    ).toBe(true)
    expect(results.filter((res) => res.status === 409)).toHaveLength(7)
    const contacts = await query<{ n: number }>("select count(*)::int as n from b2b_contacts where customer_id = $1", [
      contact
    ])
    expect(contacts[0]!.n).toBe(1)
  })
})
