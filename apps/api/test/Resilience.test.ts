import { Duration } from "effect"
import { createServer, type Server, type Socket, connect } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { start, type TestApi } from "./support/TestApi.js"

/** A TCP proxy in front of PostgreSQL that the test can cut and restore, like a database outage. */
const makeProxy = (target: { host: string; port: number }) => {
  let server: Server | undefined
  const sockets = new Set<Socket>()
  let port = 0
  const up = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(target.port, target.host)
        for (const s of [client, upstream]) {
          sockets.add(s)
          s.on("close", () => sockets.delete(s))
          s.on("error", () => s.destroy())
        }
        client.pipe(upstream).pipe(client)
      })
      server.listen(port, "127.0.0.1", () => {
        port = (server!.address() as { port: number }).port
        resolve()
      })
    })
  const down = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy()
      server!.close(() => resolve())
    })
  return { up, down, port: () => port }
}

describe("Resilience", () => {
  let direct: TestApi
  let api: TestApi
  let proxy: ReturnType<typeof makeProxy>
  let siteId: string
  let key: string

  beforeAll(async () => {
    direct = await start()
    const url = new URL(direct.databaseUrl)
    proxy = makeProxy({ host: url.hostname, port: Number(url.port || 5432) })
    await proxy.up()
    url.host = `127.0.0.1:${proxy.port()}`
    api = await start(
      {},
      {
        shareDatabaseWith: { databaseUrl: url.toString(), databaseName: direct.databaseName },
        connectTimeout: Duration.seconds(1)
      }
    )
    siteId = (await direct.createSite()).id
    key = (await direct.createKey(siteId)).key
  })
  afterAll(async () => {
    await api.close()
    await direct.close()
  })

  it("answers 503 with Retry-After while PostgreSQL is down, never hangs, and recovers by itself", async () => {
    const acknowledged = await api.request("POST", `/api/v1/${siteId}/webhooks`, {
      key,
      body: { url: "https://hooks.example.com/before-outage", events: ["order.created"] }
    })
    expect(acknowledged.status).toBe(201)

    await proxy.down()
    const started = Date.now()
    const during = await api.request("GET", `/api/v1/${siteId}/site`, { key })
    expect(during.status).toBe(503)
    expect(during.body.code).toBe("service_unavailable")
    expect(Number(during.headers.get("retry-after"))).toBeGreaterThan(0)
    const write = await api.request("POST", `/api/v1/${siteId}/webhooks`, {
      key,
      body: { url: "https://hooks.example.com/during-outage", events: ["order.created"] }
    })
    expect(write.status).toBe(503)
    expect(Date.now() - started).toBeLessThan(15_000) // bounded by the connect timeout, not hanging
    expect((await fetch(`${api.baseUrl}/readyz`)).status).toBe(503)

    await proxy.up()
    let recovered = 0
    for (let i = 0; i < 20 && recovered !== 200; i++) {
      recovered = (await api.request("GET", `/api/v1/${siteId}/site`, { key })).status
      if (recovered !== 200) await new Promise((r) => setTimeout(r, 250))
    }
    expect(recovered).toBe(200)
    const urls = (await api.request("GET", `/api/v1/${siteId}/webhooks`, { key })).body.items.map(
      (w: { url: string }) => w.url
    )
    expect(urls).toContain("https://hooks.example.com/before-outage") // the acknowledged write survived
    expect(urls).not.toContain("https://hooks.example.com/during-outage") // the refused one left nothing
  }, 60_000)
})
