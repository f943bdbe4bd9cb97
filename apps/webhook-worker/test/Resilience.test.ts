import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { SqlClient } from "@effect/sql"
import type { WebhookDelivery, WebhookSubscription, WebhookSubscriptionWithSecret } from "@shopvo/contract"
import { Ids, Outbox } from "@shopvo/kernel"
import { Signature } from "@shopvo/signing"
import { Duration, Effect, Either } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Bench, eventually, payloadIssues, receiver, start, workerOn } from "./support/Harness.js"

type Data<T> = { readonly data: T }
type Page<T> = { readonly items: ReadonlyArray<T> }

const idOf = (body: string) => (JSON.parse(body) as { id: string }).id

describe("webhook delivery under failure", () => {
  let bench: Bench
  let site: string
  let key: string

  const sql = <A extends object>(text: string, params: ReadonlyArray<unknown> = []) =>
    bench.runtime.runPromise(
      Effect.flatMap(SqlClient.SqlClient, (client) => client.unsafe<A>(text, params)).pipe(
        Effect.mapError((error) => new Error(`${text}: ${String(Reflect.get(Object(error.cause), "message"))}`))
      )
    )
  const emit = (count: number, livemode = false) =>
    Promise.all(
      Array.from({ length: count }, (_, i) =>
        bench.runtime.runPromise(
          Effect.orDie(Outbox.emit({ siteId: site, livemode }, "product.deleted", { id: `prd_${i}`, slug: `p-${i}` }))
        )
      )
    )
  const subscribe = async (url: string, events: ReadonlyArray<string>) => {
    const res = await bench.call<Data<WebhookSubscriptionWithSecret>>(
      "webhooks.create",
      "POST",
      `/api/v1/${site}/webhooks`,
      key,
      { url, events }
    )
    expect(res.status).toBe(201)
    return res.body.data
  }
  // The worker may be updating the subscription's deliveries at that moment; PostgreSQL then picks
  // one of the two as a deadlock victim, and the cleanup simply tries again.
  const unsubscribe = async (id: string): Promise<unknown> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await sql("delete from webhook_subscriptions where id = $1", [id])
      } catch (error) {
        if (attempt >= 5 || !String(error).includes("deadlock detected")) throw error
      }
    }
  }

  beforeAll(async () => {
    // No worker in this process: each test starts the workers it needs.
    bench = await start({ worker: false })
    site = (await bench.createSite()).id
    key = (await bench.createKey(site)).key
  })
  afterAll(() => bench?.close())

  it("a receiver down for the whole window: deliveries fail, the subscription is disabled with an event; enabled and replayed, everything arrives", async () => {
    // 24 hours in 3 s.
    const worker = workerOn(bench.databaseUrl, { timeScale: 1 / 28_800 })
    const down = await receiver()
    const watcher = await receiver()
    try {
      down.answer(() => ({ status: 500 }))
      const failing = await subscribe(down.url, ["product.deleted"])
      const watching = await subscribe(watcher.url, ["webhook.disabled"])
      await worker.runtime()
      const ids = await emit(10)

      await eventually("the webhook.disabled event", () => watcher.received.length > 0, 30_000)
      const disabledEvent = JSON.parse(watcher.received[0]!.body) as {
        event: string
        data: { id: string; status: string }
      }
      expect(payloadIssues("webhook.disabled", disabledEvent)).toEqual([])
      expect(disabledEvent.data).toMatchObject({ id: failing.id, status: "disabled" })
      const shown = await bench.call<Data<WebhookSubscription>>(
        "webhooks.get",
        "GET",
        `/api/v1/${site}/webhooks/${failing.id}`,
        key
      )
      expect(shown.body.data.status).toBe("disabled")
      const deliveries = await bench.call<Page<WebhookDelivery>>(
        "webhooks.listDeliveries",
        "GET",
        `/api/v1/${site}/webhooks/${failing.id}/deliveries?status=failed&limit=100`,
        key
      )
      expect(deliveries.body.items).toHaveLength(10)
      // Tried through the fixed schedule and backoff until the window's end.
      expect(deliveries.body.items.every((d) => d.attempts >= 5 && d.nextAttemptAt === null)).toBe(true)
      const before = down.received.length

      // A disabled subscription takes nothing until enabled.
      const refused = await bench.call(
        "webhooks.replay",
        "POST",
        `/api/v1/${site}/webhooks/${failing.id}/replay`,
        key,
        {
          since: new Date(Date.now() - 60_000).toISOString()
        }
      )
      expect(refused.status).toBe(409)
      down.answer(() => ({ status: 204 }))
      expect(
        (await bench.call("webhooks.enable", "POST", `/api/v1/${site}/webhooks/${failing.id}/enable`, key)).status
      ).toBe(200)
      const replayed = await bench.call<Data<{ queued: number }>>(
        "webhooks.replay",
        "POST",
        `/api/v1/${site}/webhooks/${failing.id}/replay`,
        key,
        { since: new Date(Date.now() - 60_000).toISOString() }
      )
      expect(replayed.status).toBe(202)
      expect(replayed.body.data.queued).toBe(10)
      await eventually("every event delivered after the replay", () =>
        ids.every((id) => down.received.slice(before).some((r) => idOf(r.body) === id))
      )
      // Every attempt of an event, failed or not, carried its one id.
      for (const id of ids) {
        expect(down.bodiesOf(id).every((r) => r.headers["idempotency-key"] === id)).toBe(true)
      }

      // Manual redelivery of one delivery: one more POST of the same event.
      const one = deliveries.body.items[0]!
      await eventually("the replayed delivery settled", async () => {
        const page = await bench.call<Page<WebhookDelivery>>(
          "webhooks.listDeliveries",
          "GET",
          `/api/v1/${site}/webhooks/${failing.id}/deliveries?status=succeeded&limit=100`,
          key
        )
        return page.body.items.length === 10
      })
      const count = down.bodiesOf(one.eventId).length
      const redelivered = await bench.call<Data<WebhookDelivery>>(
        "webhooks.redeliver",
        "POST",
        `/api/v1/${site}/webhooks/${failing.id}/deliveries/${one.id}/redeliver`,
        key
      )
      expect(redelivered.status).toBe(202)
      expect(redelivered.body.data.status).toBe("pending")
      await eventually("the redelivery", () => down.bodiesOf(one.eventId).length === count + 1)
      await unsubscribe(failing.id)
      await unsubscribe(watching.id)
    } finally {
      await worker.dispose()
      await down.close()
      await watcher.close()
    }
  })

  it("two workers side by side deliver each event exactly once", async () => {
    const hooks = await receiver()
    const first = workerOn(bench.databaseUrl, {})
    const second = workerOn(bench.databaseUrl, {})
    try {
      const subscription = await subscribe(hooks.url, ["product.deleted"])
      await Promise.all([first.runtime(), second.runtime()])
      const ids = await emit(300)
      await eventually("every event delivered", () => new Set(hooks.received.map((r) => idOf(r.body))).size === 300)
      await new Promise((resolve) => setTimeout(resolve, 500))
      expect(hooks.received).toHaveLength(300)
      expect(new Set(hooks.received.map((r) => idOf(r.body)))).toEqual(new Set(ids))
      await unsubscribe(subscription.id)
    } finally {
      await first.dispose()
      await second.dispose()
      await hooks.close()
    }
  })

  it("kill -9 of a worker in the middle of a batch loses nothing", { timeout: 180_000 }, async () => {
    const hooks = await receiver()
    // Slow answers, so the worker is killed with requests in flight.
    hooks.answer(() => ({ status: 200, delayMs: 300 }))
    const subscription = await subscribe(hooks.url, ["product.deleted"])
    const ids = await emit(200)
    const child = spawn(
      process.execPath,
      ["--conditions=source", "--import", "tsx", fileURLToPath(new URL("../src/main.ts", import.meta.url))],
      {
        env: {
          ...process.env,
          DATABASE_URL: bench.databaseUrl,
          WEBHOOK_BATCH_SIZE: "20",
          WEBHOOK_LANES: "2",
          WEBHOOK_LEASE: "2 seconds",
          WEBHOOK_TIMEOUT: "2 seconds",
          // A timed-out attempt (a loaded machine) is retried in milliseconds, not a minute.
          WEBHOOK_TIME_SCALE: "0.0001",
          LOG_LEVEL: "ERROR"
        },
        stdio: ["ignore", "ignore", "pipe"]
      }
    )
    let childErrors = ""
    child.stderr?.on("data", (chunk: Buffer) => {
      childErrors += chunk.toString()
    })
    let survivor: ReturnType<typeof workerOn> | undefined
    try {
      await eventually(
        "the child worker delivering",
        () => {
          if (child.exitCode !== null) throw new Error(`The worker exited: ${childErrors}`)
          return hooks.received.length >= 20
        },
        90_000
      )
      child.kill("SIGKILL")
      await new Promise((resolve) => child.once("exit", resolve))
      const delivered = new Set(hooks.received.map((r) => idOf(r.body)))
      expect(delivered.size).toBeLessThan(200)
      // Claimed and never recorded: leased, and not settled.
      const inFlight = await sql<{ n: number }>(
        "select count(*)::int as n from webhook_deliveries where status = 'pending' and claimed_until > now()"
      )
      expect(inFlight[0]!.n).toBeGreaterThan(0)
      hooks.answer(() => ({ status: 200 }))
      survivor = workerOn(bench.databaseUrl, { lease: Duration.seconds(2), timeScale: 0.0001 })
      await survivor.runtime()
      await eventually(
        "every event delivered after the kill",
        () => ids.every((id) => hooks.received.some((r) => idOf(r.body) === id)),
        30_000
      )
      await eventually("every delivery recorded as succeeded", async () => {
        const settled = await sql<{ n: number }>(
          "select count(*)::int as n from webhook_deliveries where subscription_id = $1 and status = 'succeeded'",
          [subscription.id]
        )
        return settled[0]!.n === 200
      })
    } finally {
      child.kill("SIGKILL")
      await unsubscribe(subscription.id)
      await survivor?.dispose()
      await hooks.close()
    }
  })

  it("during a secret rotation deliveries carry both signatures; afterwards only the new one", async () => {
    const hooks = await receiver()
    const worker = workerOn(bench.databaseUrl, {})
    try {
      const subscription = await subscribe(hooks.url, ["product.deleted"])
      await worker.runtime()
      const rotated = await bench.call<Data<WebhookSubscriptionWithSecret>>(
        "webhooks.rotateSecret",
        "POST",
        `/api/v1/${site}/webhooks/${subscription.id}/rotate-secret`,
        key,
        { overlapSeconds: 3600 }
      )
      expect(rotated.status).toBe(200)
      expect(rotated.body.data.secret).not.toBe(subscription.secret)
      expect(rotated.body.data.previousSecretExpiresAt).not.toBeNull()
      await emit(1)
      await eventually("a delivery", () => hooks.received.length === 1)
      const request = hooks.received[0]!
      const header = request.headers["x-shopvo-signature"] as string
      expect(header.match(/sha256=/g)).toHaveLength(2)
      const now = Math.floor(Date.now() / 1000)
      for (const secret of [subscription.secret, rotated.body.data.secret]) {
        expect(Either.isRight(Signature.verify({ body: request.body, header, secrets: secret, now }))).toBe(true)
      }

      // Without overlap the old secret stops at once.
      const again = await bench.call<Data<WebhookSubscriptionWithSecret>>(
        "webhooks.rotateSecret",
        "POST",
        `/api/v1/${site}/webhooks/${subscription.id}/rotate-secret`,
        key,
        { overlapSeconds: 0 }
      )
      await emit(1)
      await eventually("a second delivery", () => hooks.received.length === 2)
      const last = hooks.received[1]!
      const lastHeader = last.headers["x-shopvo-signature"] as string
      expect(lastHeader.match(/sha256=/g)).toHaveLength(1)
      expect(
        Either.isRight(Signature.verify({ body: last.body, header: lastHeader, secrets: again.body.data.secret, now }))
      ).toBe(true)
      expect(
        Either.isLeft(Signature.verify({ body: last.body, header: lastHeader, secrets: rotated.body.data.secret, now }))
      ).toBe(true)
      await unsubscribe(subscription.id)
    } finally {
      await worker.dispose()
      await hooks.close()
    }
  })

  it("refuses a live destination on a loopback address at delivery time, unless the deployment allows private ones", async () => {
    const hooks = await receiver()
    // A live subscription whose URL is loopback (as after DNS rebinding): the API would refuse to save it.
    const id = Ids.make("wh")
    await sql(
      `insert into webhook_subscriptions (id, site_id, livemode, url, events, secret)
       values ($1, $2, true, $3, '{product.deleted}', 'whsec_' || repeat('a', 48))`,
      [id, site, hooks.url]
    )
    const strict = workerOn(bench.databaseUrl, {})
    try {
      await strict.runtime()
      await emit(1, true)
      await eventually("a refused attempt in the log", async () => {
        const rows = await sql<{ error: string | null }>(
          `select a.error from webhook_delivery_attempts a join webhook_deliveries d on d.id = a.delivery_id
           where d.subscription_id = $1`,
          [id]
        )
        return rows.some((row) => row.error?.startsWith("Webhook URL refused") === true)
      })
      expect(hooks.received).toHaveLength(0)
    } finally {
      await strict.dispose()
    }
    const permissive = workerOn(bench.databaseUrl, { allowPrivateDestinations: true })
    try {
      await permissive.runtime()
      await sql(
        "update webhook_deliveries set status = 'pending', next_attempt_at = now() where subscription_id = $1",
        [id]
      )
      await eventually("the delivery, allowed", () => hooks.received.length === 1)
      await unsubscribe(id)
    } finally {
      await permissive.dispose()
      await hooks.close()
    }
  })
})
