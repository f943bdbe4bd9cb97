import { SqlClient } from "@effect/sql"
import { Deferred, Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startApiProcess } from "./support/Process.js"
import { bodyOf, start, type TestApi } from "./support/TestApi.js"

describe("Graceful shutdown", () => {
  let api: TestApi

  beforeAll(async () => {
    api = await start()
  })
  afterAll(() => api.close())

  it("finishes a request in flight on SIGTERM, then exits", async () => {
    const site = await api.createSite()
    const key = (await api.createKey(site.id)).key
    const { baseUrl, child } = await startApiProcess(api.databaseUrl)
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))

    // Hold the lock that webhook creation takes, so the request below stays in flight.
    const release = await api.run(Deferred.make<void>())
    const locked = await api.run(Deferred.make<void>())
    const holder = api.run(
      Effect.flatMap(SqlClient.SqlClient, (sql) =>
        sql.withTransaction(
          Effect.gen(function* () {
            yield* sql`select pg_advisory_xact_lock(hashtext(${`webhooks:${site.id}:false`}))`
            yield* Deferred.succeed(locked, undefined)
            yield* Deferred.await(release)
          })
        )
      )
    )
    await api.run(Deferred.await(locked))

    const inFlight = fetch(`${baseUrl}/api/v1/${site.id}/webhooks`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ url: "https://hooks.example.com/drain", events: ["order.created"] })
    })
    await new Promise((r) => setTimeout(r, 500))
    child.kill("SIGTERM")
    await new Promise((r) => setTimeout(r, 500))
    expect(child.exitCode).toBeNull() // still draining

    await api.run(Deferred.succeed(release, undefined))
    await holder
    const response = await inFlight
    expect(response.status).toBe(201)
    expect(await exited).toBe(0)

    const list = await api.request("GET", `/api/v1/${site.id}/webhooks`, { key })
    expect(bodyOf(list, "webhooks.list").items.map((w: { url: string }) => w.url)).toContain(
      "https://hooks.example.com/drain"
    )
  }, 60_000)
})
