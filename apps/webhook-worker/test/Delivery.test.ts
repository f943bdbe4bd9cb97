import { SqlClient } from "@effect/sql"
import type { WebhookDelivery, WebhookDeliveryAttempt, WebhookSubscriptionWithSecret } from "@shopvo/contract"
import { eventTypes, Ids, Outbox, type EventType } from "@shopvo/kernel"
import { Signature } from "@shopvo/signing"
import { Duration, Effect, Either } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  type Bench,
  eventually,
  exampleData,
  payloadIssues,
  type Receiver,
  receiver,
  start
} from "./support/Harness.js"

type Data<T> = { readonly data: T }
type Page<T> = { readonly items: ReadonlyArray<T> }

/** Events the catalogue test causes for real (through the API or the worker), not from the spec's examples. */
const producedForReal: ReadonlyArray<EventType> = ["product.created", "cart.abandoned", "vault.record.expired"]

describe("webhook delivery", () => {
  let bench: Bench
  let hooks: Receiver
  let site: string
  let key: string

  const sql = <A extends object>(text: string, params: ReadonlyArray<unknown> = []) =>
    bench.runtime.runPromise(Effect.flatMap(SqlClient.SqlClient, (client) => client.unsafe<A>(text, params)))
  const emit = (type: EventType, data: Record<string, unknown>, livemode = false) =>
    bench.runtime.runPromise(Effect.orDie(Outbox.emit({ siteId: site, livemode }, type, data)))
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

  beforeAll(async () => {
    process.env["VAULT_KEY"] = "42".repeat(32)
    // Time compressed 6,000×: the five fixed attempts take 1.6 s, the 24-hour window 14.4 s.
    bench = await start({ worker: { cartAbandonedAfter: Duration.seconds(1), timeScale: 1 / 6000 } })
    hooks = await receiver()
    site = (await bench.createSite()).id
    key = (await bench.createKey(site)).key
  })
  afterAll(async () => {
    await bench?.close()
    await hooks?.close()
  })

  it("delivers every event type of the catalogue, signed, with a payload valid against its schema", async () => {
    const subscription = await subscribe(hooks.url, eventTypes)
    // The real producers: a product through the API, an abandoned cart and an expired vault record through the worker.
    const product = await bench.call<Data<{ id: string }>>("products.create", "POST", `/api/v1/${site}/products`, key, {
      name: "Mug",
      price: 1200
    })
    expect(product.status).toBe(201)
    await sql("update products set inventory_count = 100 where id = $1", [product.body.data.id])
    const cart = await bench.call<Data<{ id: string }>>("cart.create", "POST", `/api/v1/${site}/cart`, key, {})
    const added = await bench.call("cart.update", "PATCH", `/api/v1/${site}/cart?cartId=${cart.body.data.id}`, key, {
      action: "add",
      item: { productId: product.body.data.id, quantity: 2 }
    })
    expect(added.status).toBe(200)
    const customerId = Ids.make("cust")
    await sql("insert into customers (id, site_id, livemode, email) values ($1, $2, false, 'jane@example.com')", [
      customerId,
      site
    ])
    expect(
      (await bench.call("vault.putClass", "PUT", `/api/v1/${site}/vault/classes/photos`, key, { ttlSeconds: 1 })).status
    ).toBe(200)
    const record = await bench.call("vault.createRecord", "POST", `/api/v1/${site}/vault/records`, key, {
      class: "photos",
      subjectType: "customer",
      subjectId: customerId,
      content: "a photo"
    })
    expect(record.status).toBe(201)
    // Every other event with its spec example's data, as its producer would record it.
    for (const type of eventTypes.filter((t) => !producedForReal.includes(t))) {
      await emit(type, exampleData(type))
    }

    await eventually("one delivery of every event type", () =>
      eventTypes.every((type) => hooks.received.some((r) => r.headers["x-shopvo-event"] === type))
    )
    for (const type of eventTypes) {
      const request = hooks.received.find((r) => r.headers["x-shopvo-event"] === type)!
      const body = JSON.parse(request.body) as { id: string; event: string; siteId: string; livemode: boolean }
      expect(payloadIssues(type, body), type).toEqual([])
      expect(body).toMatchObject({ event: type, siteId: site, livemode: false })
      expect(request.headers["idempotency-key"]).toBe(body.id)
      const verified = Signature.verify({
        body: request.body,
        header: request.headers["x-shopvo-signature"] as string,
        secrets: subscription.secret,
        now: Math.floor(Date.now() / 1000)
      })
      expect(Either.isRight(verified), `${type} signature`).toBe(true)
    }
    // The check is real: a payload of another shape, or under another event's name, is refused.
    const paid = JSON.parse(hooks.received.find((r) => r.headers["x-shopvo-event"] === "order.paid")!.body) as object
    expect(payloadIssues("order.paid", { ...paid, data: { id: 1 } })).not.toEqual([])
    expect(payloadIssues("customer.created", { ...paid, event: "customer.created" })).not.toEqual([])
    // The vault record is gone from the database, and its cart left a single event.
    expect(await sql("select id from vault_records where site_id = $1", [site])).toEqual([])
    expect(hooks.received.filter((r) => r.headers["x-shopvo-event"] === "cart.abandoned")).toHaveLength(1)
    await sql("delete from webhook_subscriptions where id = $1", [subscription.id])
  })

  it("retries a receiver that is down for the whole fixed schedule, then delivers every event, same id each time", async () => {
    const down = await receiver()
    try {
      const subscription = await subscribe(down.url, ["order.paid"])
      const attemptsOf = new Map<string, number>()
      // Down (503) until an event has been tried the five fixed times; up afterwards.
      down.answer((request) => {
        const id = (JSON.parse(request.body) as { id: string }).id
        const n = (attemptsOf.get(id) ?? 0) + 1
        attemptsOf.set(id, n)
        return { status: n <= 5 ? 503 : 200 }
      })
      const order = exampleData("order.paid")
      const ids = await Promise.all(Array.from({ length: 20 }, () => emit("order.paid", order)))
      await eventually("every event delivered", () => ids.every((id) => (attemptsOf.get(id) ?? 0) >= 6), 30_000)
      for (const id of ids) {
        const bodies = down.bodiesOf(id)
        expect(bodies.length).toBe(6)
        expect(new Set(bodies.map((b) => (JSON.parse(b.body) as { id: string }).id))).toEqual(new Set([id]))
        expect(new Set(bodies.map((b) => b.headers["idempotency-key"]))).toEqual(new Set([id]))
        // The fixed schedule, compressed: 0, 1 min, 5 min, 30 min, 2 h apart (10 ms, 50 ms, 300 ms, 1.2 s).
        const gaps = bodies.slice(1, 5).map((b, i) => b.at - bodies[i]!.at)
        expect(gaps[3]!).toBeGreaterThanOrEqual(gaps[2]!)
        expect(gaps[2]!).toBeGreaterThanOrEqual(250)
      }
      // The delivery log through the API: six attempts, five 503s then a 200, each timed and excerpted.
      const deliveries = await bench.call<Page<WebhookDelivery>>(
        "webhooks.listDeliveries",
        "GET",
        `/api/v1/${site}/webhooks/${subscription.id}/deliveries?limit=100`,
        key
      )
      expect(deliveries.body.items).toHaveLength(20)
      expect(deliveries.body.items.every((d) => d.status === "succeeded" && d.attempts === 6)).toBe(true)
      const delivery = deliveries.body.items[0]!
      const log = await bench.call<Page<WebhookDeliveryAttempt>>(
        "webhooks.listDeliveryAttempts",
        "GET",
        `/api/v1/${site}/webhooks/${subscription.id}/deliveries/${delivery.id}/attempts`,
        key
      )
      expect(log.body.items.map((a) => a.statusCode)).toEqual([200, 503, 503, 503, 503, 503])
      expect(log.body.items[1]!.responseExcerpt).toBe("down (503)")
      expect(log.body.items.every((a) => a.durationMs >= 0 && a.error === null)).toBe(true)
      await sql("delete from webhook_subscriptions where id = $1", [subscription.id])
    } finally {
      await down.close()
    }
  })
})
