import { SqlClient } from "@effect/sql"
import { Ids, Outbox } from "@shopvo/kernel"
import { Duration, Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Housekeeping from "../src/Housekeeping.js"
import { type Bench, start } from "./support/Harness.js"

describe("housekeeping", () => {
  let bench: Bench
  let site: string

  const sql = <A extends object>(text: string, params: ReadonlyArray<unknown> = []) =>
    bench.runtime.runPromise(Effect.flatMap(SqlClient.SqlClient, (client) => client.unsafe<A>(text, params)))

  beforeAll(async () => {
    bench = await start({ worker: false })
    site = (await bench.createSite()).id
  })
  afterAll(() => bench?.close())

  it("prunes settled events past the site's retention with their deliveries, and keeps the rest", async () => {
    const emit = () =>
      bench.runtime.runPromise(
        Effect.orDie(Outbox.emit({ siteId: site, livemode: false }, "product.deleted", { id: "prd_1" }))
      )
    const [old, pending, recent] = [await emit(), await emit(), await emit()]
    const webhook = Ids.make("wh")
    await sql(
      `insert into webhook_subscriptions (id, site_id, livemode, url, events, secret)
       values ($1, $2, false, 'http://127.0.0.1:9/', '{product.deleted}', 'whsec_' || repeat('c', 48))`,
      [webhook, site]
    )
    await sql("update sites set event_retention_days = 7 where id = $1", [site])
    await sql("update events set dispatched_at = now(), created_at = now() - interval '8 days' where id = any($1)", [
      [old, pending]
    ])
    await sql("update events set dispatched_at = now() where id = $1", [recent])
    for (const [event, status] of [
      [old, "succeeded"],
      [pending, "pending"]
    ] as const) {
      await sql(
        `insert into webhook_deliveries (id, site_id, livemode, subscription_id, event_id, event_type, status,
                                         next_attempt_at, window_ends_at)
         values ($1, $2, false, $3, $4, 'product.deleted', $5, $6, now())`,
        [Ids.make("whd"), site, webhook, event, status, status === "pending" ? new Date() : null]
      )
    }
    expect(await bench.runtime.runPromise(Housekeeping.pruneEvents)).toBe(1)
    const left = await sql<{ id: string }>("select id from events where site_id = $1 order by id", [site])
    expect(left.map((e) => e.id).sort()).toEqual([pending, recent].sort())
    expect(await sql("select id from webhook_deliveries where event_id = $1", [old])).toEqual([])
  })

  it("deletes expired signature replays and keeps live ones", async () => {
    await sql(
      `insert into signature_replays (signature_hash, expires_at)
       values (repeat('a', 64), now() - interval '1 second'), (repeat('b', 64), now() + interval '1 hour')`
    )
    await bench.runtime.runPromise(Housekeeping.run({ cartAbandonedAfter: Duration.hours(1) }))
    const left = await sql<{ signature_hash: string }>("select signature_hash from signature_replays")
    expect(left.map((r) => r.signature_hash)).toEqual(["b".repeat(64)])
  })
})
