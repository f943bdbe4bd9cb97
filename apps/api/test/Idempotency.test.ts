import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startApiProcess } from "./support/Process.js"
import { bodyOf, checkContract, errorOf, start, type TestApi } from "./support/TestApi.js"

describe("Idempotency-Key", () => {
  let api: TestApi
  let siteId: string
  let key: string

  beforeAll(async () => {
    api = await start()
    siteId = (await api.createSite()).id
    key = (await api.createKey(siteId)).key
  })
  afterAll(() => api.close())

  const hooks = async () =>
    bodyOf(await api.request("GET", `/api/v1/${siteId}/webhooks?limit=100`, { key }), "webhooks.list").items
  const create = (idempotencyKey: string, url: string) =>
    api.request("POST", `/api/v1/${siteId}/webhooks`, {
      key,
      body: { url, events: ["order.created"] },
      headers: { "idempotency-key": idempotencyKey }
    })

  it("replays the first response byte for byte and creates nothing more", async () => {
    const first = await create("idem-1", "https://hooks.example.com/one")
    expect(first.status).toBe(201)
    const second = await create("idem-1", "https://hooks.example.com/one")
    expect(second.status).toBe(201)
    expect(second.text).toBe(first.text) // same id, same secret, same timestamps
    expect(second.headers.get("idempotent-replayed")).toBe("true")
    expect((await hooks()).filter((h) => h.url === "https://hooks.example.com/one")).toHaveLength(1)
  })

  it("answers 422 when the key is reused with another body", async () => {
    await create("idem-2", "https://hooks.example.com/two")
    const reused = await create("idem-2", "https://hooks.example.com/other")
    expect(reused.status).toBe(422)
    expect(errorOf(reused).code).toBe("idempotency_key_reused")
  })

  it("creates one resource when the same request is retried concurrently", async () => {
    const url = "https://hooks.example.com/concurrent"
    const results = await Promise.all(Array.from({ length: 8 }, () => create("idem-3", url)))
    const statuses = results.map((r) => r.status).sort()
    // The winner creates; each other attempt either saw it running (409) or replays it (201).
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true)
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1)
    const created = results.filter((r) => r.status === 201).map((r) => bodyOf(r, "webhooks.create").data.id)
    expect(new Set(created).size).toBe(1)
    for (const conflict of results.filter((r) => r.status === 409))
      expect(errorOf(conflict).code).toBe("idempotency_request_in_progress")
    expect((await hooks()).filter((h) => h.url === url)).toHaveLength(1)
    // Once settled, a retry replays.
    const retry = await create("idem-3", url)
    expect(retry.status).toBe(201)
    expect(bodyOf(retry, "webhooks.create").data.id).toBe(created[0])
  })

  it("stores client errors too, so a retry gets the same answer", async () => {
    const first = await api.request("DELETE", `/api/v1/${siteId}/webhooks/wh_missing`, {
      key,
      headers: { "idempotency-key": "idem-4" }
    })
    expect(first.status).toBe(404)
    const again = await api.request("DELETE", `/api/v1/${siteId}/webhooks/wh_missing`, {
      key,
      headers: { "idempotency-key": "idem-4" }
    })
    expect(again.status).toBe(404)
    expect(again.headers.get("idempotent-replayed")).toBe("true")
  })

  it("keeps keys apart per API key", async () => {
    const otherKey = (await api.createKey(siteId)).key
    await create("idem-5", "https://hooks.example.com/five")
    const other = await api.request("POST", `/api/v1/${siteId}/webhooks`, {
      key: otherKey,
      body: { url: "https://hooks.example.com/five-b", events: ["order.created"] },
      headers: { "idempotency-key": "idem-5" }
    })
    expect(other.status).toBe(201)
    expect(other.headers.get("idempotent-replayed")).toBeNull()
  })

  it("does not store a request that failed validation", async () => {
    const bad = await api.request("POST", `/api/v1/${siteId}/webhooks`, {
      key,
      body: { url: "nope", events: [] },
      headers: { "idempotency-key": "idem-6" }
    })
    expect(bad.status).toBe(400)
    const good = await create("idem-6", "https://hooks.example.com/six")
    expect(good.status).toBe(201)
  })

  it("is honoured across API processes sharing one database: one resource, the second replays the first", async () => {
    // A second API as its own OS process: it shares nothing with this one but the database.
    const other = await startApiProcess(api.databaseUrl)
    try {
      const path = `/api/v1/${siteId}/products`
      const body = JSON.stringify({ name: "Cross-process lamp", price: 4200 })
      const send = async (baseUrl: string) => {
        const res = await fetch(`${baseUrl}${path}`, {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "idempotency-key": "idem-x" },
          body
        })
        const text = await res.text()
        checkContract("POST", path, res.status, JSON.parse(text))
        return { status: res.status, replayed: res.headers.get("idempotent-replayed"), text }
      }

      const first = await send(api.baseUrl)
      expect(first).toMatchObject({ status: 201, replayed: null })
      const second = await send(other.baseUrl)
      expect(second).toEqual({ status: 201, replayed: "true", text: first.text })

      const [row] = await api.run(
        Effect.flatMap(
          SqlClient.SqlClient,
          (sql) => sql<{ n: number }>`
            select count(*)::int as n from products where site_id = ${siteId} and name = 'Cross-process lamp'`
        )
      )
      expect(row!.n).toBe(1)
    } finally {
      other.child.kill("SIGTERM")
    }
  }, 60_000)
})
