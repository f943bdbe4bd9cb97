import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { afterAll, assert, beforeAll, describe, expect, it } from "vitest"
import { bodyOf, start, type TestApi } from "./support/TestApi.js"

const exec = promisify(execFile)
// The CLI as `pnpm shopvo` runs it: the build's single file (`pnpm build` makes it before tests run).
const cli = fileURLToPath(new URL("../dist/bundle/cli.mjs", import.meta.url))

describe("CLI", () => {
  let api: TestApi

  beforeAll(async () => {
    api = await start()
  })
  afterAll(() => api.close())

  const shopvo = async (...args: Array<string>) => {
    const { stdout } = await exec(process.execPath, [cli, ...args], {
      env: { ...process.env, DATABASE_URL: api.databaseUrl }
    })
    return stdout
  }
  const shopvoJson = async (...args: Array<string>) => {
    const stdout = await shopvo(...args, "--json")
    expect(stdout.trim().split("\n")).toHaveLength(1) // one JSON object, nothing else
    return JSON.parse(stdout)
  }

  it("creates a site and a key that the API accepts, with its scopes and signing secret", async () => {
    const site = await shopvoJson("sites", "create", "--name", "CLI Store", "--currency", "GBP", "--plan", "growth")
    expect(site).toMatchObject({ name: "CLI Store", currency: "GBP", plan: "growth", rateLimitRpm: 300 })
    expect(site.id).toMatch(/^site_/)

    const key = await shopvoJson(
      "keys",
      "create",
      "--site",
      site.id,
      "--scopes",
      "read:content,webhooks:read",
      "--signing"
    )
    expect(key).toMatchObject({ scopes: ["read:content", "webhooks:read"], mode: "test" })
    expect(key.key).toMatch(/^sk_test_/)
    expect(key.signingSecret).toMatch(/^sks_/)

    const res = await api.request("GET", `/api/v1/${site.id}/site`, { key: key.key, signWith: key.signingSecret })
    expect(res.status).toBe(200)
    expect(bodyOf(res, "site.get").data.name).toBe("CLI Store")
  }, 60_000)

  it("raises a site's own route limits, and the API enforces them", async () => {
    const site = await shopvoJson("sites", "create", "--name", "Busy Store", "--currency", "EUR", "--plan", "free")
    const limits = await shopvoJson("sites", "limits", "--site", site.id, "--checkout", "500", "--rpm", "1000")
    expect(limits).toEqual({
      siteId: site.id,
      rateLimitRpm: 1000,
      checkoutLimitRpm: 500,
      ordersLimitRpm: 30,
      productSearchLimitRpm: 60
    })
    const key = (await api.createKey(site.id)).key
    const res = await fetch(`${api.baseUrl}/api/v1/${site.id}/checkout?sessionId=cs_x`, {
      headers: { authorization: `Bearer ${key}` }
    })
    expect(res.headers.get("x-ratelimit-limit")).toBe("500")
    await expect(shopvo("sites", "limits", "--site", site.id, "--rpm", "5000")).rejects.toThrow(
      /--rpm must be 30 to 1000/
    )
    await expect(shopvo("sites", "limits", "--site", "site_missing", "--checkout", "50")).rejects.toThrow(
      /No site with id site_missing/
    )
  }, 60_000)

  it("lists keys without revealing them, and revokes", async () => {
    const site = await shopvoJson("sites", "create", "--name", "Revoke Store", "--currency", "EUR")
    const key = await shopvoJson("keys", "create", "--site", site.id, "--scopes", "admin:*", "--mode", "live")
    expect(key.key).toMatch(/^sk_live_/)
    expect(key.signingSecret).toBeNull()
    const { keys } = await shopvoJson("keys", "list", "--site", site.id)
    expect(keys).toHaveLength(1)
    expect(JSON.stringify(keys)).not.toContain(key.key)
    expect(keys[0].prefix).toBe(key.key.slice(0, 12))

    expect(await shopvoJson("keys", "revoke", key.id)).toEqual({ id: key.id, revoked: true })
    expect((await api.request("GET", `/api/v1/${site.id}/site`, { key: key.key })).status).toBe(401)
  }, 60_000)

  it("seeds a demo store with a catalogue, reviews, pages and orders, whose admin key works", async () => {
    const demo = await shopvoJson("seed", "--demo")
    expect(demo.siteId).toMatch(/^site_/)
    const res = await api.request("GET", `/api/v1/${demo.siteId}/site`, { key: demo.key })
    expect(bodyOf(res, "site.get").data.name).toBe("Shopvo Demo Store")
    const products = await api.request("GET", `/api/v1/${demo.siteId}/products?limit=5&expand[]=variants`, {
      key: demo.key
    })
    const page = bodyOf(products, "products.list")
    assert("pagination" in page)
    expect(page.pagination.total).toBeGreaterThanOrEqual(200)
    expect(page.items[0]?.variants?.length).toBeGreaterThan(0)
    const categories = await api.request("GET", `/api/v1/${demo.siteId}/categories`, { key: demo.key })
    expect(bodyOf(categories, "categories.list").data.length).toBeGreaterThan(0)
    const pages = await api.request("GET", `/api/v1/${demo.siteId}/pages`, { key: demo.key })
    expect(bodyOf(pages, "pages.list").data.map((p: { slug: string }) => p.slug)).toContain("about")
    const reviewed = await api.run(
      Effect.flatMap(
        SqlClient.SqlClient,
        (sql) =>
          sql<{
            n: number
          }>`select count(*)::int as n from reviews where site_id = ${demo.siteId} and status = 'PUBLISHED'`
      )
    )
    expect(reviewed[0]!.n).toBeGreaterThan(50)
    // Orders placed through checkout by demo customers, one with WELCOME10.
    const orders = await api.request("GET", `/api/v1/${demo.siteId}/orders`, { key: demo.key })
    expect(orders.status).toBe(200)
    expect(bodyOf(orders, "orders.list").items).toHaveLength(3)
    for (const order of bodyOf(orders, "orders.list").items) {
      expect(order).toMatchObject({ paymentStatus: "PAID", customerId: expect.stringMatching(/^cust_/) })
    }
    expect(
      bodyOf(orders, "orders.list").items.filter(
        (o: { promotionCode: string | null }) => o.promotionCode === "WELCOME10"
      )
    ).toHaveLength(1)
  }, 60_000)

  it("refuses bad input with a message and exit code 1", async () => {
    await expect(shopvo("sites", "create", "--name", "X", "--currency", "euro")).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("--currency")
    })
    await expect(shopvo("keys", "create", "--site", "site_nope", "--scopes", "read:catalog")).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("No site with id site_nope")
    })
    await expect(
      shopvo("sites", "create", "--name", "X", "--currency", "EUR", "--plan", "platinum")
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("Unknown plan platinum. Known: free, starter, growth, enterprise")
    })
  }, 60_000)

  it("checks scopes against the spec's: a typo is refused, a scope of any operation is accepted", async () => {
    const site = await api.createSite()
    await expect(
      shopvo("keys", "create", "--site", site.id, "--scopes", "read:catalog,read:catalogue")
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining("Unknown scope(s): read:catalogue. Known: ") })
    const key = await shopvoJson("keys", "create", "--site", site.id, "--scopes", "write:gift-cards,read:b2b")
    expect(key.scopes).toEqual(["write:gift-cards", "read:b2b"])
  }, 60_000)

  it("migrates idempotently", async () => {
    expect(await shopvoJson("migrate")).toEqual({ applied: [] })
  }, 60_000)
})
