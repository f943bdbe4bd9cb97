import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { bodyOf, errorOf, offsetPage, start, type TestApi } from "./support/TestApi.js"

describe("Webhook subscriptions", () => {
  let api: TestApi
  let siteA: string
  let siteB: string
  let keyA: string
  let liveKeyA: string
  let keyB: string

  beforeAll(async () => {
    api = await start()
    siteA = (await api.createSite({ name: "A" })).id
    siteB = (await api.createSite({ name: "B" })).id
    keyA = (await api.createKey(siteA)).key
    liveKeyA = (await api.createKey(siteA, { mode: "live" })).key
    keyB = (await api.createKey(siteB)).key
  })
  afterAll(() => api.close())

  it("creates, reads, lists and deletes a subscription; the secret is shown once", async () => {
    const created = await api.request("POST", `/api/v1/${siteA}/webhooks`, {
      key: keyA,
      body: {
        url: "https://hooks.example.com/erp",
        events: ["order.created", "payment.confirmed"],
        description: "ERP sync"
      }
    })
    expect(created.status).toBe(201)
    expect(bodyOf(created, "webhooks.create").data).toMatchObject({
      url: "https://hooks.example.com/erp",
      livemode: false,
      description: "ERP sync"
    })
    expect(bodyOf(created, "webhooks.create").data.secret).toMatch(/^whsec_/)
    const id = bodyOf(created, "webhooks.create").data.id

    const got = await api.request("GET", `/api/v1/${siteA}/webhooks/${id}`, { key: keyA })
    expect(got.status).toBe(200)
    expect(bodyOf(got, "webhooks.get").data).not.toHaveProperty("secret")

    const list = await api.request("GET", `/api/v1/${siteA}/webhooks`, { key: keyA })
    expect(bodyOf(list, "webhooks.list").items.map((w: { id: string }) => w.id)).toContain(id)

    expect(
      bodyOf(await api.request("DELETE", `/api/v1/${siteA}/webhooks/${id}`, { key: keyA }), "webhooks.delete")
    ).toEqual({
      success: true,
      deleted: true
    })
    expect((await api.request("GET", `/api/v1/${siteA}/webhooks/${id}`, { key: keyA })).status).toBe(404)
  })

  it("hides another site's subscriptions: 404 on every probe, never 403", async () => {
    const theirs = await api.request("POST", `/api/v1/${siteB}/webhooks`, {
      key: keyB,
      body: { url: "https://hooks.example.com/b", events: ["order.created"] }
    })
    const id = bodyOf(theirs, "webhooks.create").data.id
    for (const [method, path] of [
      ["GET", `/api/v1/${siteA}/webhooks/${id}`],
      ["DELETE", `/api/v1/${siteA}/webhooks/${id}`]
    ] as const) {
      const res = await api.request(method, path, { key: keyA })
      expect(res.status, `${method} ${path}`).toBe(404)
    }
    expect(
      bodyOf(await api.request("GET", `/api/v1/${siteA}/webhooks`, { key: keyA }), "webhooks.list").items.map(
        (w) => w.id
      )
    ).not.toContain(id)
    // Still there for its owner.
    expect((await api.request("GET", `/api/v1/${siteB}/webhooks/${id}`, { key: keyB })).status).toBe(200)
  })

  it("keeps test and live data apart within a site", async () => {
    const testHook = await api.request("POST", `/api/v1/${siteA}/webhooks`, {
      key: keyA,
      body: { url: "http://localhost:9999/test-only", events: ["order.created"] }
    })
    expect(testHook.status).toBe(201)
    const id = bodyOf(testHook, "webhooks.create").data.id
    expect((await api.request("GET", `/api/v1/${siteA}/webhooks/${id}`, { key: liveKeyA })).status).toBe(404)
    const liveList = await api.request("GET", `/api/v1/${siteA}/webhooks`, { key: liveKeyA })
    expect(bodyOf(liveList, "webhooks.list").items.map((w: { id: string }) => w.id)).not.toContain(id)
  })

  it("requires public https endpoints in live mode", async () => {
    const res = await api.request("POST", `/api/v1/${siteA}/webhooks`, {
      key: liveKeyA,
      body: { url: "http://localhost:9999/hook", events: ["order.created"] }
    })
    expect(res.status).toBe(422)
    expect(errorOf(res).code).toBe("invalid_webhook_url")
  })

  it.each([
    ["https://169.254.169.254/latest/meta-data/", "169.254.169.254 is not a public address (link-local)"],
    ["https://[::ffff:127.0.0.1]/", "(loopback, embedded IPv4 127.0.0.1)"],
    ["https://[::ffff:7f00:1]/", "(loopback, embedded IPv4 127.0.0.1)"],
    ["https://100.64.0.1/", "(carrier-grade NAT)"],
    ["https://metadata.google.internal/computeMetadata/v1/", "metadata.google.internal is a local host name"],
    ["https://127.0.0.1/", "(loopback)"],
    ["https://10.0.0.1/", "(private)"],
    ["https://[::1]/", "(loopback)"],
    ["https://localhost/", "localhost is a local host name"],
    ["https://2130706433/", "127.0.0.1 is not a public address (loopback)"],
    ["https://[64:ff9b::a9fe:a9fe]/", "(link-local, embedded IPv4 169.254.169.254)"],
    ["http://hooks.example.com/x", "must use https, not http"]
  ])("live mode refuses %s with 422 naming why, and creates nothing", async (url, why) => {
    const before = offsetPage(
      bodyOf(await api.request("GET", `/api/v1/${siteA}/webhooks`, { key: liveKeyA }), "webhooks.list")
    ).pagination.total
    const res = await api.request("POST", `/api/v1/${siteA}/webhooks`, {
      key: liveKeyA,
      body: { url, events: ["order.created"] }
    })
    expect(res.status).toBe(422)
    expect(errorOf(res).code).toBe("invalid_webhook_url")
    expect(errorOf(res).error).toContain(why)
    expect(
      offsetPage(bodyOf(await api.request("GET", `/api/v1/${siteA}/webhooks`, { key: liveKeyA }), "webhooks.list"))
        .pagination.total
    ).toBe(before)
  })

  it.each([
    "https://93.184.215.14/hooks",
    "https://[2606:4700:4700::1111]/hooks",
    // A name that does not resolve (yet) is accepted: every delivery attempt resolves and checks it again.
    "https://hooks.shopvo-test.example/erp"
  ])("live mode accepts the public destination %s", async (url) => {
    const res = await api.request("POST", `/api/v1/${siteA}/webhooks`, {
      key: liveKeyA,
      body: { url, events: ["order.created"] }
    })
    expect(res.status).toBe(201)
    expect(bodyOf(res, "webhooks.create").data).toMatchObject({ url, livemode: true })
  })

  it("test mode still accepts http and local hosts", async () => {
    for (const url of ["http://127.0.0.1:8080/hook", "http://10.0.0.5/hook", "http://receiver/hook"]) {
      const res = await api.request("POST", `/api/v1/${siteA}/webhooks`, {
        key: keyA,
        body: { url, events: ["order.created"] }
      })
      expect(res.status, url).toBe(201)
    }
  })

  it("refuses a URL without a host in both modes", async () => {
    for (const key of [keyA, liveKeyA]) {
      for (const url of ["https://", "http://", "https:///path"]) {
        const res = await api.request("POST", `/api/v1/${siteA}/webhooks`, {
          key,
          body: { url, events: ["order.created"] }
        })
        expect(res.status, url).toBe(400)
        expect(errorOf(res).code).toBe("validation_error")
      }
    }
  })

  it("stops at 20 subscriptions per site and mode, even under concurrent creates", async () => {
    const site = (await api.createSite()).id
    const key = (await api.createKey(site)).key
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        api.request("POST", `/api/v1/${site}/webhooks`, {
          key,
          body: { url: `https://hooks.example.com/${i}`, events: ["order.created"] }
        })
      )
    )
    expect(results.filter((r) => r.status === 201)).toHaveLength(20)
    expect(results.filter((r) => r.status === 422).every((r) => errorOf(r).code === "webhook_limit_reached")).toBe(true)
  })

  it("checks scopes: webhooks:read cannot create", async () => {
    const reader = (await api.createKey(siteA, { scopes: ["webhooks:read"] })).key
    expect((await api.request("GET", `/api/v1/${siteA}/webhooks`, { key: reader })).status).toBe(200)
    const res = await api.request("POST", `/api/v1/${siteA}/webhooks`, {
      key: reader,
      body: { url: "https://hooks.example.com/x", events: ["order.created"] }
    })
    expect(res.status).toBe(403)
    expect(errorOf(res).error).toContain("webhooks:write")
  })
})

/** A resolver that knows only `names`; any other lookup is a test bug and dies loudly. */
