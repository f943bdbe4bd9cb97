/**
 * @shopvo/sdk against the real API: the reference's snippet as written, signing with a signing key,
 * idempotent writes, typed errors, and iteration over every page of a list (offset and cursor).
 */
import { createClient, ShopvoError } from "@shopvo/sdk"
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { randomUUID } from "node:crypto"
import { pathToFileURL } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Demo from "../src/Demo.js"
import { fillSnippet, snippetExports } from "./support/Snippet.js"
import { start, type TestApi } from "./support/TestApi.js"

describe("@shopvo/sdk against the API", () => {
  let api: TestApi
  let demo: Demo.Demo
  let signing: { key: string; signingSecret: string }
  let client: ReturnType<typeof createClient>

  beforeAll(async () => {
    api = await start()
    demo = await api.run(Demo.seed)
    const created = await api.createKey(demo.siteId, { signing: true })
    signing = { key: created.key, signingSecret: created.signingSecret! }
    client = createClient({ apiKey: demo.key, siteId: demo.siteId, baseUrl: api.baseUrl })
  }, 300_000) // the demo store: 230 products, customers and orders placed through checkout
  afterAll(() => api?.close())

  it("runs the reference's snippet as written (placeholders filled in), signed", async () => {
    const tee = await client.products.create({ name: "Classic White T-Shirt", price: 2500 })
    const { items: placed } = await client.orders.list({ limit: 1 })
    const source = fillSnippet({
      apiKey: signing.key,
      signingSecret: signing.signingSecret,
      siteId: demo.siteId,
      baseUrl: api.baseUrl,
      productId: tee.data.id,
      orderNumber: placed[0]!.number
    })
    // Inside the package, so that `@shopvo/sdk` resolves as it does for an application.
    const dir = new URL("./.snippets/", import.meta.url)
    mkdirSync(dir, { recursive: true })
    const file = new URL(`snippet-${randomUUID()}.mjs`, dir)
    writeFileSync(file, source + snippetExports)
    try {
      const result = await import(pathToFileURL(file.pathname).href)
      expect(result.items).toHaveLength(20)
      for (const item of result.items) expect(Array.isArray(item.variants)).toBe(true)
      expect(result.product.data).toMatchObject({ id: tee.data.id, slug: "classic-white-t-shirt" })
      expect(result.variants.data).toEqual([])
      expect(result.variant.data).toMatchObject({
        productId: tee.data.id,
        name: "Large / Black",
        inventoryCount: 10,
        options: { Size: "Large", Color: "Black" }
      })
      expect(result.orders.length).toBeGreaterThan(0)
      for (const order of result.orders) expect(order.status).toBe("CONFIRMED")
      expect(result.order.data.number).toBe(placed[0]!.number)
      expect(result.customers.map((c: { email: string }) => c.email)).toContain("jane@example.com")
    } finally {
      rmSync(file, { force: true })
    }
  })

  it("signs every request for a signing key; a wrong or missing secret is a typed 401", async () => {
    const signed = createClient({
      apiKey: signing.key,
      signingSecret: signing.signingSecret,
      siteId: demo.siteId,
      baseUrl: api.baseUrl
    })
    // The same read several times at once: each carries its own signature (the API refuses a replay).
    const sites = await Promise.all([signed.site.get(), signed.site.get(), signed.site.get()])
    for (const site of sites) expect(site.data.id).toBe(demo.siteId)
    const created = await signed.promotions.list({ limit: 5 })
    expect(created.items.length).toBeGreaterThan(0)

    const wrong = createClient({
      apiKey: signing.key,
      signingSecret: "sks_wrong",
      siteId: demo.siteId,
      baseUrl: api.baseUrl
    })
    await expect(wrong.site.get()).rejects.toMatchObject({ status: 401, code: "signature_mismatch" })
    const unsigned = createClient({ apiKey: signing.key, siteId: demo.siteId, baseUrl: api.baseUrl })
    await expect(unsigned.site.get()).rejects.toMatchObject({ status: 401, code: "signature_missing" })
  })

  it("replays a write with the same Idempotency-Key, and makes a new key for every call otherwise", async () => {
    const { data: product } = await client.products.create({ name: "Idempotent Tee", price: 1900 })
    const body = { name: "Small / Red", inventoryCount: 3, options: { Size: "Small", Color: "Red" } }
    const first = await client.products.createVariant(product.id, body, { idempotencyKey: `variant-${product.id}` })
    const again = await client.products.createVariant(product.id, body, { idempotencyKey: `variant-${product.id}` })
    expect(again.data.id).toBe(first.data.id)
    const other = await client.products.createVariant(product.id, {
      ...body,
      name: "Small / Blue",
      options: { Size: "Small", Color: "Blue" }
    })
    expect(other.data.id).not.toBe(first.data.id)
    expect((await client.products.listVariants(product.id)).data).toHaveLength(2)
  })

  it("throws ShopvoError with status, code, details and request id", async () => {
    const missing = await client.products.get("no-such-product").catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(ShopvoError)
    expect(missing).toMatchObject({ status: 404 })
    expect((missing as ShopvoError).requestId).toMatch(/^[A-Za-z0-9._:-]{1,128}$/)

    const invalid = await client.products.create({ name: "", price: -1 }).catch((e: unknown) => e)
    expect(invalid).toMatchObject({ status: 400, code: "validation_error" })
    const paths = (invalid as ShopvoError).details.map((d) => d.path)
    expect(paths).toEqual(expect.arrayContaining([expect.stringContaining("name"), expect.stringContaining("price")]))
  })

  it("iterates every product across offset pages, and across cursor pages from a product id", async () => {
    const first = await client.products.list({ limit: 100 })
    assertOffset(first)
    const total = first.pagination.total
    expect(total).toBeGreaterThan(200)

    const ids: Array<string> = []
    for await (const product of client.products.list({ limit: 100 })) ids.push(product.id)
    expect(ids).toHaveLength(total)
    expect(new Set(ids).size).toBe(total)

    const afterFirst: Array<string> = []
    for await (const product of client.products.list({ limit: 40, cursor: ids[0]! })) afterFirst.push(product.id)
    expect(afterFirst).toHaveLength(total - 1)
    expect(new Set(afterFirst)).toEqual(new Set(ids.slice(1)))

    let pages = 0
    for await (const page of client.customers.list({ limit: 2 }).pages()) {
      pages++
      expect(page.items.length).toBeLessThanOrEqual(2)
    }
    const customers = await client.customers.list({ limit: 2 })
    assertOffset(customers)
    expect(pages).toBe(customers.pagination.totalPages)
  })
})

function assertOffset<P extends object>(page: P): asserts page is Extract<P, { pagination: unknown }> {
  if (!("pagination" in page)) throw new Error("expected an offset page")
}
