import { SqlClient } from "@effect/sql"
import { Duration, Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Config from "../src/Config.js"
import { Keys } from "../src/Keys/Service.js"
import * as Auth from "../src/Platform/Auth.js"
import { bodyOf, errorOf, start, type TestApi } from "./support/TestApi.js"

describe("Auth", () => {
  let api: TestApi
  let siteId: string
  let otherSiteId: string
  let admin: string

  beforeAll(async () => {
    api = await start()
    siteId = (await api.createSite({ name: "Site A" })).id
    otherSiteId = (await api.createSite({ name: "Site B" })).id
    admin = (await api.createKey(siteId)).key
  })
  afterAll(() => api.close())

  it("serves GET /site to a key with read:content", async () => {
    const key = (await api.createKey(siteId, { scopes: ["read:content"] })).key
    const res = await api.request("GET", `/api/v1/${siteId}/site`, { key })
    expect(res.status).toBe(200)
    expect(bodyOf(res, "site.get")).toMatchObject({
      success: true,
      data: { id: siteId, name: "Site A", currency: "EUR", locale: "en" }
    })
  })

  it("answers 401 without a key, with a malformed key, and with an unknown key", async () => {
    for (const key of [undefined, "not-a-key", "sk_test_" + "x".repeat(64)]) {
      const res = await api.request("GET", `/api/v1/${siteId}/site`, key === undefined ? {} : { key })
      expect(res.status, String(key)).toBe(401)
      expect(errorOf(res).code).toMatch(/missing_api_key|invalid_api_key/)
    }
  })

  it("answers 401 for a revoked key", async () => {
    const created = await api.createKey(siteId)
    expect((await api.request("GET", `/api/v1/${siteId}/site`, { key: created.key })).status).toBe(200)
    expect(await api.run(Keys.revoke(created.id))).toBe(true)
    const res = await api.request("GET", `/api/v1/${siteId}/site`, { key: created.key })
    expect(res.status).toBe(401)
    expect(errorOf(res).code).toBe("revoked_api_key")
  })

  it("answers 401 when a key is used on another site's path", async () => {
    const res = await api.request("GET", `/api/v1/${otherSiteId}/site`, { key: admin })
    expect(res.status).toBe(401)
  })

  it("answers 403 naming the missing scope", async () => {
    const key = (await api.createKey(siteId, { scopes: ["read:catalog"] })).key
    const res = await api.request("GET", `/api/v1/${siteId}/site`, { key })
    expect(res.status).toBe(403)
    expect(errorOf(res)).toEqual({ error: "Missing required scope: read:content", code: "forbidden" })
  })

  it("lets admin:* call every operation's scope", async () => {
    const res = await api.request("GET", `/api/v1/${siteId}/webhooks`, { key: admin })
    expect(res.status).toBe(200)
  })

  it("stores keys only as hashes and records when they were last used", async () => {
    const created = await api.createKey(siteId)
    await api.request("GET", `/api/v1/${siteId}/site`, { key: created.key })
    const rows = await api.run(
      Effect.flatMap(
        SqlClient.SqlClient,
        (sql) =>
          sql<{
            key_hash: string
            last_used_at: Date | null
          }>`select key_hash, last_used_at from api_keys where id = ${created.id}`
      )
    )
    expect(rows[0]!.key_hash).toMatch(/^[0-9a-f]{64}$/)
    expect(rows[0]!.key_hash).not.toContain(created.key.slice(8))
    // The touch is asynchronous: give it a moment.
    await new Promise((r) => setTimeout(r, 200))
    const after = await api.run(
      Effect.flatMap(
        SqlClient.SqlClient,
        (sql) => sql<{ last_used_at: Date | null }>`select last_used_at from api_keys where id = ${created.id}`
      )
    )
    expect(after[0]!.last_used_at).toBeInstanceOf(Date)
  })

  it("takes a site's limits from its plan, unless the site overrides them", async () => {
    const site = await api.createSite({ plan: "growth" })
    const key = (await api.createKey(site.id)).key
    const sql = (statement: (sql: SqlClient.SqlClient) => Effect.Effect<unknown, unknown>) =>
      api.run(Effect.flatMap(SqlClient.SqlClient, statement))
    const authenticate = () =>
      api.run(
        Effect.flatMap(Auth.Keys, (keys) => keys.authenticate(`Bearer ${key}`, site.id)).pipe(
          Effect.provide(Auth.layer),
          Effect.provide(Config.layerWith({ keyCacheTtl: Duration.zero }))
        )
      )
    const limitHeader = async () =>
      (await api.request("GET", `/api/v1/${site.id}/site`, { key })).headers.get("x-ratelimit-limit")

    expect(await authenticate()).toMatchObject({
      rateLimitRpm: 300,
      checkoutLimitRpm: 10,
      ordersLimitRpm: 30,
      productSearchLimitRpm: 60
    })
    expect(await limitHeader()).toBe("300")

    await sql((sql) => sql`update sites set rate_limit_rpm = 40, product_search_limit_rpm = 200 where id = ${site.id}`)
    expect(await authenticate()).toMatchObject({
      rateLimitRpm: 40,
      checkoutLimitRpm: 10,
      ordersLimitRpm: 30,
      productSearchLimitRpm: 200
    })
    expect(await limitHeader()).toBe("40")

    await sql((sql) => sql`update sites set rate_limit_rpm = null, plan = 'enterprise' where id = ${site.id}`)
    expect(await limitHeader()).toBe("1000")
  })
})
