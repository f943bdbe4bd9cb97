import { startApiProcess } from "./support/Process.js"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { start, type TestApi } from "./support/TestApi.js"

describe("Rate limits", () => {
  let api: TestApi

  beforeAll(async () => {
    api = await start()
  })
  afterAll(() => api.close())

  it("puts X-RateLimit-* on every response and answers 429 with Retry-After past the plan limit", async () => {
    const site = await api.createSite({ plan: "free" }) // 30 requests per minute
    const key = (await api.createKey(site.id)).key
    for (let i = 1; i <= 30; i++) {
      const res = await api.request("GET", `/api/v1/${site.id}/site`, { key })
      expect(res.status).toBe(200)
      expect(res.headers.get("x-ratelimit-limit")).toBe("30")
      expect(res.headers.get("x-ratelimit-remaining")).toBe(String(30 - i))
      expect(Number(res.headers.get("x-ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000)
    }
    const limited = await api.request("GET", `/api/v1/${site.id}/site`, { key })
    expect(limited.status).toBe(429)
    expect(limited.body.code).toBe("rate_limited")
    const retryAfter = Number(limited.headers.get("retry-after"))
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(retryAfter).toBeLessThanOrEqual(60)
    expect(limited.headers.get("x-ratelimit-remaining")).toBe("0")
  })

  it("counts each key on its own", async () => {
    const site = await api.createSite({ plan: "free" })
    const a = (await api.createKey(site.id)).key
    const b = (await api.createKey(site.id)).key
    for (let i = 0; i < 30; i++) await api.request("GET", `/api/v1/${site.id}/site`, { key: a })
    expect((await api.request("GET", `/api/v1/${site.id}/site`, { key: a })).status).toBe(429)
    expect((await api.request("GET", `/api/v1/${site.id}/site`, { key: b })).status).toBe(200)
  })

  it("limits /checkout to 10 requests per minute whatever the plan", async () => {
    const site = await api.createSite({ plan: "enterprise" })
    const key = (await api.createKey(site.id)).key
    const statuses: Array<number> = []
    for (let i = 0; i < 11; i++) {
      const res = await fetch(`${api.baseUrl}/api/v1/${site.id}/checkout?sessionId=cs_x`, {
        headers: { authorization: `Bearer ${key}` }
      })
      statuses.push(res.status)
      if (i === 0) expect(res.headers.get("x-ratelimit-limit")).toBe("10")
    }
    expect(statuses.slice(0, 10).every((s) => s !== 429)).toBe(true)
    expect(statuses[10]).toBe(429)
    // The plan bucket is not exhausted: other routes still answer.
    expect((await api.request("GET", `/api/v1/${site.id}/site`, { key })).status).toBe(200)
  })

  it.skipIf(!process.env["REDIS_URL"])("shares one limit between two API processes through Redis", async () => {
    // A second API as its own OS process on the same database and Redis: nothing is shared
    // with this one but what goes through Redis.
    const { baseUrl, child } = await startApiProcess(api.databaseUrl)
    try {
      const site = await api.createSite({ plan: "free" })
      const key = (await api.createKey(site.id)).key
      const get = (base: string) =>
        fetch(`${base}/api/v1/${site.id}/site`, { headers: { authorization: `Bearer ${key}` } })
      const bases = [api.baseUrl, baseUrl]
      for (let i = 0; i < 30; i++) {
        const res = await get(bases[i % 2]!)
        expect(res.status).toBe(200)
        expect(res.headers.get("x-ratelimit-remaining")).toBe(String(29 - i))
      }
      expect((await get(bases[1]!)).status).toBe(429)
      expect((await get(bases[0]!)).status).toBe(429)
    } finally {
      child.kill("SIGTERM")
    }
  })
})
