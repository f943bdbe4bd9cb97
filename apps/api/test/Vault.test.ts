import { SqlClient } from "@effect/sql"
import { Ids } from "@shopvo/kernel"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Orders } from "../src/Orders/Service.js"
import { bodyOf, errorOf, offsetPage, start, type TestApi } from "./support/TestApi.js"

describe("Vault", () => {
  let api: TestApi
  let site: string
  let key: string
  let otherKey: string
  let otherSite: string
  let customerId: string

  const query = <A extends object>(text: string, params: ReadonlyArray<unknown> = []) =>
    api.run(Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe<A>(text, params)))
  const base = () => `/api/v1/${site}`

  const addCustomer = async (email: string) => {
    const id = Ids.make("cust")
    await query(
      `insert into customers (id, site_id, livemode, email, first_name, last_name, phone, default_address)
       values ($1, $2, false, $3, 'Jane', 'Smith', '+30 210 1234567',
               '{"firstName":"Jane","lastName":"Smith","company":null,"line1":"Ermou 12","line2":null,"city":"Athens","region":null,"postalCode":"10563","country":"GR","phone":null}')`,
      [id, site, email]
    )
    return id
  }

  beforeAll(async () => {
    process.env["VAULT_KEY"] = "ab".repeat(32)
    api = await start()
    site = (await api.createSite()).id
    key = (await api.createKey(site)).key
    otherSite = (await api.createSite()).id
    otherKey = (await api.createKey(otherSite)).key
    customerId = await addCustomer("jane@example.com")
  })
  afterAll(() => api?.close())

  it("stores a record encrypted at rest and reads it back; another site does not see it", async () => {
    const res = await api.request("POST", `${base()}/vault/records`, {
      key,
      body: { class: "names", subjectType: "customer", subjectId: customerId, content: "Jane Q. Smith" }
    })
    expect(res.status).toBe(201)
    const record = bodyOf(res, "vault.createRecord").data
    expect(record).toMatchObject({ class: "names", subjectId: customerId, size: 13, expiresAt: null })
    const [row] = await query<{ sealed: Uint8Array }>("select sealed from vault_records where id = $1", [record.id])
    expect(Buffer.from(row!.sealed).includes(Buffer.from("Jane Q. Smith"))).toBe(false)
    const read = await api.request("GET", `${base()}/vault/records/${record.id}`, { key })
    expect(bodyOf(read, "vault.getRecord").data.content).toBe("Jane Q. Smith")
    const elsewhere = await api.request("GET", `/api/v1/${otherSite}/vault/records/${record.id}`, { key: otherKey })
    expect(elsewhere.status).toBe(404)
    const listed = await api.request("GET", `${base()}/vault/records?subjectType=customer&subjectId=${customerId}`, {
      key
    })
    expect(offsetPage(bodyOf(listed, "vault.listRecords")).items.map((r) => r.id)).toContain(record.id)
  })

  it("per-class TTLs: a class's TTL sets its records' expiry; a site defines its own classes", async () => {
    const put = await api.request("PUT", `${base()}/vault/classes/id_scans`, { key, body: { ttlSeconds: 3600 } })
    expect(bodyOf(put, "vault.putClass").data).toEqual({ name: "id_scans", ttlSeconds: 3600, builtIn: false })
    const classes = bodyOf(await api.request("GET", `${base()}/vault/classes`, { key }), "vault.listClasses").items
    expect(classes.map((c) => c.name)).toEqual(["names", "photos", "video", "id_scans"])
    const made = await api.request("POST", `${base()}/vault/records`, {
      key,
      body: { class: "id_scans", subjectType: "customer", subjectId: customerId, content: "scan" }
    })
    const record = bodyOf(made, "vault.createRecord").data
    expect(Date.parse(record.expiresAt!) - Date.parse(record.createdAt)).toBe(3_600_000)
  })

  it("refuses bad input with 4xx and stores nothing", async () => {
    const before = await query<{ n: number }>("select count(*)::int as n from vault_records")
    const unknownClass = await api.request("POST", `${base()}/vault/records`, {
      key,
      body: { class: "tattoos", subjectType: "customer", subjectId: customerId, content: "x" }
    })
    expect(unknownClass.status).toBe(422)
    const unknownSubject = await api.request("POST", `${base()}/vault/records`, {
      key,
      body: { class: "names", subjectType: "customer", subjectId: "cust_nobody", content: "x" }
    })
    expect(errorOf(unknownSubject).code).toBe("customer_not_found")
    const badTtl = await api.request("PUT", `${base()}/vault/classes/photos`, { key, body: { ttlSeconds: 0 } })
    expect(badTtl.status).toBe(400)
    const badName = await api.request("PUT", `${base()}/vault/classes/Bad-Name`, { key, body: { ttlSeconds: 5 } })
    expect(badName.status).toBe(400)
    expect(await query<{ n: number }>("select count(*)::int as n from vault_records")).toEqual(before)
  })

  it("erasure deletes vault records and anonymises the customer and their orders, keeping totals", async () => {
    const id = await addCustomer("erase.me@example.com")
    const tenant = { siteId: site, livemode: false }
    const address = {
      firstName: "Erase",
      lastName: "Me",
      company: null,
      line1: "Street 1",
      line2: null,
      city: "Athens",
      region: null,
      postalCode: "10563",
      country: "GR",
      phone: null
    }
    const placed = await api.run(
      Orders.place(tenant, {
        status: "CONFIRMED",
        paymentStatus: "PAID",
        customerId: id,
        email: "erase.me@example.com",
        currency: "EUR",
        items: [{ productId: "prd_abc123", variantId: null, name: "Mug", sku: "MUG-1", quantity: 2, unitPrice: 1000 }],
        subtotal: 2000,
        discountTotal: 0,
        shippingTotal: 499,
        taxTotal: 0,
        giftCardTotal: 0,
        storeCreditTotal: 0,
        total: 2499,
        shippingAddress: address,
        billingAddress: address,
        promotionCode: null,
        checkoutSessionId: "cs_erase1",
        cartId: "cart_erase1",
        paymentMethod: "card",
        paymentReference: null
      })
    )
    if (placed._tag === "None") throw new Error("not placed")
    for (const [subjectType, subjectId] of [
      ["customer", id],
      ["order", placed.value.id]
    ]) {
      const res = await api.request("POST", `${base()}/vault/records`, {
        key,
        body: { class: "photos", subjectType, subjectId, content: "a face" }
      })
      expect(res.status).toBe(201)
    }

    const elsewhere = await api.request("POST", `/api/v1/${otherSite}/customers/${id}/erasure`, { key: otherKey })
    expect(elsewhere.status).toBe(404)
    const res = await api.request("POST", `${base()}/customers/${id}/erasure`, { key })
    const receipt = bodyOf(res, "vault.eraseCustomer").data
    expect(receipt).toMatchObject({ customerId: id, vaultRecordsDeleted: 2, addressesCleared: 3, ordersAnonymised: 1 })
    expect(receipt.id).toMatch(/^era_/)

    const [customer] = await query<Record<string, unknown>>(
      "select email, first_name, last_name, phone, default_address from customers where id = $1",
      [id]
    )
    expect(customer).toEqual({
      email: `erased+${id.toLowerCase()}@erased.invalid`,
      first_name: null,
      last_name: null,
      phone: null,
      default_address: null
    })
    const [order] = await query<Record<string, unknown>>(
      "select email, shipping_address, billing_address, total, subtotal from orders where id = $1",
      [placed.value.id]
    )
    expect(order).toEqual({
      email: `erased+${id.toLowerCase()}@erased.invalid`,
      shipping_address: null,
      billing_address: null,
      total: "2499",
      subtotal: "2000"
    })
    const left = await query("select id from vault_records where subject_id in ($1, $2)", [id, placed.value.id])
    expect(left).toEqual([])
    // The other customer's data is untouched.
    const [jane] = await query<{ email: string }>("select email from customers where id = $1", [customerId])
    expect(jane!.email).toBe("jane@example.com")
  })
})
