import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { bodyOf, errorOf, offsetPage, start, type TestApi } from "./support/TestApi.js"

describe("Errors", () => {
  let api: TestApi
  let siteId: string
  let key: string

  beforeAll(async () => {
    api = await start()
    siteId = (await api.createSite()).id
    key = (await api.createKey(siteId)).key
  })
  afterAll(() => api.close())

  it("answers 404 with the error envelope for an unknown route", async () => {
    const res = await api.request("GET", `/api/v1/${siteId}/nothing-here`, { key })
    expect(res.status).toBe(404)
    expect(res.body).toMatchObject({ code: "not_found" })
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/)
  })

  it("answers 405 with Allow for a known path and a wrong method", async () => {
    const res = await api.request("PUT", `/api/v1/${siteId}/site`, { key, body: {} })
    expect(res.status).toBe(405)
    expect(res.headers.get("allow")).toBe("GET")
    expect(errorOf(res).code).toBe("method_not_allowed")
  })

  it("answers 400 malformed_json for a body that is not JSON, and changes nothing", async () => {
    const res = await api.request("POST", `/api/v1/${siteId}/webhooks`, { key, rawBody: '{"url": ' })
    expect(res.status).toBe(400)
    expect(errorOf(res).code).toBe("malformed_json")
    const list = await api.request("GET", `/api/v1/${siteId}/webhooks`, { key })
    expect(offsetPage(bodyOf(list, "webhooks.list")).pagination.total).toBe(0)
  })

  it("answers 400 with field-level details from the spec's schema", async () => {
    const res = await api.request("POST", `/api/v1/${siteId}/webhooks`, {
      key,
      body: { url: "ftp://example.com", events: ["order.exploded"], extra: true }
    })
    expect(res.status).toBe(400)
    expect(errorOf(res).code).toBe("validation_error")
    const paths = (errorOf(res).details ?? []).map((d: { path: string }) => d.path)
    expect(paths).toEqual(expect.arrayContaining(["/url", "/events/0", "/extra"]))
  })

  it("refuses NUL characters in bodies and URLs with 400, never a database error", async () => {
    const body = await api.request("POST", `/api/v1/${siteId}/webhooks`, {
      key,
      rawBody: '{"url":"https://hooks.example.com/x","events":["order.created"],"description":"a\\u0000b"}'
    })
    expect(body.status).toBe(400)
    expect(errorOf(body).details).toEqual([
      { path: "/description", message: "must not contain NUL characters or unpaired surrogates" }
    ])
    for (const path of [`/api/v1/${siteId}/webhooks/wh_%00`, `/api/v1/${siteId}/pages?slug=a%00b`]) {
      const url = await api.request("GET", path, { key })
      expect(url.status, path).toBe(400)
      expect(errorOf(url).code).toBe("validation_error")
    }
  })

  // Found by `pnpm proof`: jsonb refused the lone surrogate with a database error (a 500), and a
  // text column would have stored U+FFFD in its place.
  it("refuses unpaired UTF-16 surrogates in any string or key with 400, storing nothing", async () => {
    const sends = [
      ['{"url":"https://hooks.example.com/x","events":["order.created"],"description":"caf\\ud800"}', "/description"],
      ['{"url":"https://hooks.example.com/x","events":["order.created"],"\\udc00":"x"}', "/\udc00"]
    ] as const
    for (const [rawBody, path] of sends) {
      const res = await api.request("POST", `/api/v1/${siteId}/webhooks`, { key, rawBody })
      expect(res.status, res.text).toBe(400)
      expect(errorOf(res)).toMatchObject({
        code: "validation_error",
        details: [{ path, message: "must not contain NUL characters or unpaired surrogates" }]
      })
    }
    // A pair is a character (an emoji), and is stored as one.
    const emoji = await api.request("POST", `/api/v1/${siteId}/webhooks`, {
      key,
      rawBody: '{"url":"https://hooks.example.com/x","events":["order.created"],"description":"\\ud83c\\udf89"}'
    })
    expect(emoji.status, emoji.text).toBe(201)
    expect(bodyOf(emoji, "webhooks.create").data.description).toBe("🎉")
  })

  it("validates and coerces query parameters", async () => {
    const tooMany = await api.request("GET", `/api/v1/${siteId}/webhooks?limit=500`, { key })
    expect(tooMany.status).toBe(400)
    expect(errorOf(tooMany).details).toEqual([{ path: "query.limit", message: "must be <= 100" }])
    const unknown = await api.request("GET", `/api/v1/${siteId}/webhooks?colour=red`, { key })
    expect(unknown.status).toBe(400)
    const ok = await api.request("GET", `/api/v1/${siteId}/webhooks?limit=5&page=2`, { key })
    expect(ok.status).toBe(200)
    expect(offsetPage(bodyOf(ok, "webhooks.list")).pagination).toMatchObject({ page: 2, limit: 5 })
  })

  it("echoes X-Request-Id, or makes one", async () => {
    const echoed = await api.request("GET", `/api/v1/${siteId}/site`, { key, headers: { "x-request-id": "req-123" } })
    expect(echoed.headers.get("x-request-id")).toBe("req-123")
    const made = await api.request("GET", `/api/v1/${siteId}/site`, { key })
    expect(made.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/)
    // Not echoed into logs and headers as is: too long, or not plain.
    for (const bad of ["x".repeat(500), "a b<script>"]) {
      const replaced = await api.request("GET", `/api/v1/${siteId}/site`, { key, headers: { "x-request-id": bad } })
      expect(replaced.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/)
    }
  })

  it("reports liveness and readiness", async () => {
    expect((await fetch(`${api.baseUrl}/healthz`)).status).toBe(200)
    const ready = await fetch(`${api.baseUrl}/readyz`)
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({ status: "ready" })
  })
})
