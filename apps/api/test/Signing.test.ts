import { Signature } from "@shopvo/signing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { bodyOf, errorOf, start, type TestApi } from "./support/TestApi.js"

describe("Request signing", () => {
  let api: TestApi
  let siteId: string
  let key: string
  let secret: string

  beforeAll(async () => {
    api = await start()
    siteId = (await api.createSite()).id
    const created = await api.createKey(siteId, { signing: true })
    key = created.key
    secret = created.signingSecret!
    expect(secret).toMatch(/^sks_/)
  })
  afterAll(() => api.close())

  const now = () => Math.floor(Date.now() / 1000)

  it("accepts a valid signature over the empty body of a GET", async () => {
    const res = await api.request("GET", `/api/v1/${siteId}/site`, { key, signWith: secret })
    expect(res.status).toBe(200)
  })

  it("accepts a valid signature over the exact raw body of a POST", async () => {
    // Unusual spacing on purpose: the signature covers the bytes sent, not a re-serialisation.
    const rawBody = '{ "url":"https://hooks.example.com/a",  "events":["order.created"] }'
    const res = await api.request("POST", `/api/v1/${siteId}/webhooks`, { key, rawBody, signWith: secret })
    expect(res.status).toBe(201)
  })

  it("refuses a missing signature with 401", async () => {
    const res = await api.request("GET", `/api/v1/${siteId}/site`, { key })
    expect(res.status).toBe(401)
    expect(errorOf(res).code).toBe("signature_missing")
  })

  it("refuses a signature over another body", async () => {
    const header = Signature.sign({
      body: '{"url":"https://a.example.com","events":["order.created"]}',
      secret,
      timestamp: now()
    })
    const res = await api.request("POST", `/api/v1/${siteId}/webhooks`, {
      key,
      rawBody: '{"url":"https://b.example.com","events":["order.created"]}',
      headers: { "x-shopvo-signature": header }
    })
    expect(res.status).toBe(401)
    expect(errorOf(res).code).toBe("signature_mismatch")
  })

  it("refuses a signature made with another secret, a malformed one, and an old one", async () => {
    const wrong = Signature.sign({ body: "", secret: "sks_other", timestamp: now() })
    expect(
      errorOf(await api.request("GET", `/api/v1/${siteId}/site`, { key, headers: { "x-shopvo-signature": wrong } }))
        .code
    ).toBe("signature_mismatch")
    expect(
      errorOf(
        await api.request("GET", `/api/v1/${siteId}/site`, { key, headers: { "x-shopvo-signature": "sha256=abc" } })
      ).code
    ).toBe("signature_malformed")
    const old = Signature.sign({ body: "", secret, timestamp: now() - 301 })
    const res = await api.request("GET", `/api/v1/${siteId}/site`, { key, headers: { "x-shopvo-signature": old } })
    expect(res.status).toBe(401)
    expect(errorOf(res).code).toBe("signature_expired")
  })

  it("refuses a replayed write, even on another path", async () => {
    const rawBody = JSON.stringify({ url: "https://hooks.example.com/replay", events: ["order.created"] })
    const header = Signature.sign({ body: rawBody, secret, timestamp: now() })
    const first = await api.request("POST", `/api/v1/${siteId}/webhooks`, {
      key,
      rawBody,
      headers: { "x-shopvo-signature": header }
    })
    expect(first.status).toBe(201)
    const again = await api.request("POST", `/api/v1/${siteId}/webhooks`, {
      key,
      rawBody,
      headers: { "x-shopvo-signature": header }
    })
    expect(again.status).toBe(401)
    expect(errorOf(again).code).toBe("signature_replayed")
    const list = await api.request("GET", `/api/v1/${siteId}/webhooks?limit=100`, { key, signWith: secret })
    expect(
      bodyOf(list, "webhooks.list").items.filter((w: { url: string }) => w.url === "https://hooks.example.com/replay")
    ).toHaveLength(1)
  })

  it("refuses a replayed read, but not different reads signed in the same second", async () => {
    const header = Signature.sign({ body: "", secret, timestamp: now() - 3 })
    const site = await api.request("GET", `/api/v1/${siteId}/site`, { key, headers: { "x-shopvo-signature": header } })
    const hooks = await api.request("GET", `/api/v1/${siteId}/webhooks?page=1`, {
      key,
      headers: { "x-shopvo-signature": header }
    })
    expect([site.status, hooks.status]).toEqual([200, 200])
    const again = await api.request("GET", `/api/v1/${siteId}/site`, { key, headers: { "x-shopvo-signature": header } })
    expect(again.status).toBe(401)
    expect(errorOf(again).code).toBe("signature_replayed")
  })

  it("recognises a replay whatever the spelling of the header", async () => {
    const rawBody = JSON.stringify({ url: "https://hooks.example.com/respelled", events: ["order.created"] })
    const header = Signature.sign({ body: rawBody, secret, timestamp: now() })
    expect(
      (
        await api.request("POST", `/api/v1/${siteId}/webhooks`, {
          key,
          rawBody,
          headers: { "x-shopvo-signature": header }
        })
      ).status
    ).toBe(201)
    const respelled = header
      .replace(/sha256=([0-9a-f]+)/, (_, hex: string) => `sha256=${hex.toUpperCase()}`)
      .replace(",", " , ")
    const again = await api.request("POST", `/api/v1/${siteId}/webhooks`, {
      key,
      rawBody,
      headers: { "x-shopvo-signature": respelled }
    })
    expect(again.status).toBe(401)
    expect(errorOf(again).code).toBe("signature_replayed")
  })

  it("does not ask keys without a signing secret for a signature", async () => {
    const plain = (await api.createKey(siteId)).key
    expect((await api.request("GET", `/api/v1/${siteId}/site`, { key: plain })).status).toBe(200)
  })
})
