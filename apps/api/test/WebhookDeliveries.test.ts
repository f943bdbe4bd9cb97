import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { bodyOf, errorOf, offsetPage, start, type TestApi } from "./support/TestApi.js"

describe("Webhook delivery operations", () => {
  let api: TestApi
  let site: string
  let key: string
  let otherSite: string
  let otherKey: string
  let webhookId: string

  beforeAll(async () => {
    api = await start()
    site = (await api.createSite()).id
    key = (await api.createKey(site)).key
    otherSite = (await api.createSite()).id
    otherKey = (await api.createKey(otherSite)).key
    const res = await api.request("POST", `/api/v1/${site}/webhooks`, {
      key,
      body: { url: "http://127.0.0.1:9/hooks", events: ["order.paid"] }
    })
    webhookId = bodyOf(res, "webhooks.create").data.id
  })
  afterAll(() => api?.close())

  it("a new subscription is enabled, without a rotation in progress, with an empty delivery log", async () => {
    const shown = bodyOf(
      await api.request("GET", `/api/v1/${site}/webhooks/${webhookId}`, { key }),
      "webhooks.get"
    ).data
    expect(shown).toMatchObject({ status: "enabled", disabledAt: null, previousSecretExpiresAt: null })
    const page = await api.request("GET", `/api/v1/${site}/webhooks/${webhookId}/deliveries`, { key })
    expect(offsetPage(bodyOf(page, "webhooks.listDeliveries")).items).toEqual([])
  })

  it("refuses bad input with 400 and another site's subscription with 404", async () => {
    const badSince = await api.request("POST", `/api/v1/${site}/webhooks/${webhookId}/replay`, {
      key,
      body: { since: "yesterday" }
    })
    expect(errorOf(badSince).code).toBe("validation_error")
    const badOverlap = await api.request("POST", `/api/v1/${site}/webhooks/${webhookId}/rotate-secret`, {
      key,
      body: { overlapSeconds: -1 }
    })
    expect(badOverlap.status).toBe(400)
    const badRetention = await api.request("PUT", `/api/v1/${site}/webhook-settings`, {
      key,
      body: { eventRetentionDays: 0 }
    })
    expect(badRetention.status).toBe(400)
    for (const [method, path] of [
      ["GET", "deliveries"],
      ["POST", "enable"],
      ["POST", "rotate-secret"]
    ] as const) {
      const res = await api.request(method, `/api/v1/${otherSite}/webhooks/${webhookId}/${path}`, {
        key: otherKey,
        ...(path === "rotate-secret" ? { body: {} } : {})
      })
      expect(res.status, path).toBe(404)
    }
    const missing = await api.request("POST", `/api/v1/${site}/webhooks/${webhookId}/deliveries/whd_nope/redeliver`, {
      key
    })
    expect(missing.status).toBe(404)
  })

  it("the site's event retention is set and read back", async () => {
    const read = await api.request("GET", `/api/v1/${site}/webhook-settings`, { key })
    expect(bodyOf(read, "webhooks.getSettings").data.eventRetentionDays).toBe(30)
    const set = await api.request("PUT", `/api/v1/${site}/webhook-settings`, { key, body: { eventRetentionDays: 7 } })
    expect(bodyOf(set, "webhooks.updateSettings").data.eventRetentionDays).toBe(7)
    const other = await api.request("GET", `/api/v1/${otherSite}/webhook-settings`, { key: otherKey })
    expect(bodyOf(other, "webhooks.getSettings").data.eventRetentionDays).toBe(30)
  })
})
