/**
 * The delivery pipeline's SQL and rules, for any number of workers side by side:
 * - `dispatch` fans events out once: each undispatched event (claimed with SKIP LOCKED) gets one
 *   delivery per enabled subscription of its site and mode that lists its type;
 * - `claim` leases due deliveries (SKIP LOCKED, then `claimed_until`): a worker that dies mid-batch
 *   leaves them due again when the lease lapses, so nothing is lost (a receiver may then see an
 *   event twice, with the same id: deliveries are at least once);
 * - `record` writes a batch's outcomes, the delivery log and the subscriptions' health, and
 *   disables a subscription that failed for a whole window (sending `webhook.disabled`).
 */
import { SqlClient } from "@effect/sql"
import { Database, DeliverySchedule, Ids, Outbox } from "@shopvo/kernel"
import { Effect, Option, Random } from "effect"
import type { Outcome } from "./Sender.js"

/** A leased delivery with what an attempt needs. */
export interface Claimed {
  readonly id: string
  readonly siteId: string
  readonly livemode: boolean
  readonly subscriptionId: string
  readonly eventId: string
  readonly eventType: string
  /** The event's `data`, as JSON text. */
  readonly payload: string
  readonly eventCreatedAt: Date
  readonly attempts: number
  readonly windowEndsAt: Date
  readonly url: string
  readonly secret: string
  readonly previousSecret: string | null
  readonly previousSecretExpiresAt: Date | null
}

export interface Result {
  readonly delivery: Claimed
  readonly attemptedAt: Date
  readonly outcome: Outcome
}

const millis = (ms: number) => `${Math.round(ms)} milliseconds`

/** Creates the deliveries of up to `limit` undispatched events; returns how many events it took. */
export const dispatch = (limit: number, windowMs: number) =>
  Database.transaction(
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const events = yield* sql<{ readonly id: string }>`
        select id from events where dispatched_at is null
        order by created_at, id limit ${limit} for update skip locked`
      if (events.length === 0) return 0
      const ids = events.map((e) => e.id)
      const pairs = yield* sql<{ readonly eventId: string; readonly subscriptionId: string }>`
        select e.id as "eventId", s.id as "subscriptionId"
        from events e join webhook_subscriptions s
          on s.site_id = e.site_id and s.livemode = e.livemode and e.type = any(s.events) and s.disabled_at is null
        where e.id = any(${ids}::text[])`
      if (pairs.length > 0) {
        yield* sql`
          insert into webhook_deliveries
            (id, site_id, livemode, subscription_id, event_id, event_type, next_attempt_at, window_ends_at)
          select u.id, e.site_id, e.livemode, u.subscription_id, e.id, e.type, now(),
                 e.created_at + ${millis(windowMs)}::interval
          from unnest(${pairs.map(() => Ids.make("whd"))}::text[], ${pairs.map((p) => p.eventId)}::text[],
                      ${pairs.map((p) => p.subscriptionId)}::text[]) as u(id, event_id, subscription_id)
          join events e on e.id = u.event_id
          on conflict (site_id, subscription_id, event_id) do nothing`
      }
      yield* sql`update events set dispatched_at = now() where id = any(${ids}::text[])`
      return events.length
    })
  )

/** Leases up to `limit` due deliveries for `leaseMs`. */
export const claim = (limit: number, leaseMs: number) =>
  Database.boundary(
    Effect.flatMap(
      SqlClient.SqlClient,
      (sql) => sql<Claimed>`
        with due as (
          select id from webhook_deliveries
          where status = 'pending' and next_attempt_at <= now() and (claimed_until is null or claimed_until <= now())
          order by next_attempt_at
          limit ${limit}
          for update skip locked
        ), claimed as (
          update webhook_deliveries d set claimed_until = now() + ${millis(leaseMs)}::interval
          from due where d.id = due.id
          returning d.*
        )
        select c.id, c.site_id as "siteId", c.livemode, c.subscription_id as "subscriptionId",
               c.event_id as "eventId", e.type as "eventType", e.payload::text as payload,
               e.created_at as "eventCreatedAt", c.attempts, c.window_ends_at as "windowEndsAt",
               s.url, s.secret, s.previous_secret as "previousSecret",
               s.previous_secret_expires_at as "previousSecretExpiresAt"
        from claimed c
        join events e on e.id = c.event_id
        join webhook_subscriptions s on s.id = c.subscription_id`
    )
  )

/** Milliseconds until the next delivery is due (0 when one is due now); none when nothing is pending. */
export const nextDueIn = Database.boundary(
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) => sql<{ readonly ms: number | null }>`
      select greatest(0, extract(epoch from min(greatest(next_attempt_at, coalesce(claimed_until, next_attempt_at))) - now()) * 1000)::float8 as ms
      from webhook_deliveries where status = 'pending'`
  )
).pipe(Effect.map((rows) => Option.fromNullable(rows[0]?.ms)))

/** The subscription as the spec's `WebhookSubscription` (the `webhook.disabled` payload). */
interface SubscriptionRow {
  readonly id: string
  readonly siteId: string
  readonly livemode: boolean
  readonly url: string
  readonly events: ReadonlyArray<string>
  readonly description: string | null
  readonly disabledAt: Date
  readonly previousSecretExpiresAt: Date | null
  readonly createdAt: Date
  readonly updatedAt: Date
}

/**
 * Writes a batch's outcomes: the delivery log, each delivery's next state (succeeded, pending
 * with its next attempt, or failed when its window ended), and the health of the subscriptions;
 * a subscription whose failures ran for a whole window is disabled and `webhook.disabled` sent.
 */
export const record = (results: ReadonlyArray<Result>, options: { readonly scale: number }) =>
  Database.transaction(
    Effect.gen(function* () {
      if (results.length === 0) return
      const sql = yield* SqlClient.SqlClient
      const rows: Array<{ id: string; status: string; next: Date | null }> = []
      for (const { delivery, attemptedAt, outcome } of results) {
        if (outcome.ok) {
          rows.push({ id: delivery.id, status: "succeeded", next: null })
          continue
        }
        const next = DeliverySchedule.nextAttemptAt({
          failedAttempts: delivery.attempts + 1,
          lastAttemptAt: attemptedAt.getTime(),
          windowEndsAt: delivery.windowEndsAt.getTime(),
          jitter: yield* Random.next,
          scale: options.scale
        })
        rows.push(
          Option.match(next, {
            onNone: () => ({ id: delivery.id, status: "failed", next: null }),
            onSome: (at) => ({ id: delivery.id, status: "pending", next: new Date(at) })
          })
        )
      }
      const attemptedAt = results.map((r) => r.attemptedAt.toISOString())
      yield* sql`
        update webhook_deliveries d
        set status = u.status, attempts = d.attempts + 1, last_status_code = u.status_code, last_error = u.error,
            last_attempt_at = u.attempted_at, next_attempt_at = u.next_attempt_at, claimed_until = null
        from unnest(${rows.map((r) => r.id)}::text[], ${rows.map((r) => r.status)}::text[],
                    ${results.map((r) => r.outcome.statusCode)}::int[], ${results.map((r) => r.outcome.error)}::text[],
                    ${attemptedAt}::timestamptz[], ${rows.map((r) => r.next?.toISOString() ?? null)}::timestamptz[])
             as u(id, status, status_code, error, attempted_at, next_attempt_at)
        where d.id = u.id and d.status = 'pending'`
      yield* sql`
        insert into webhook_delivery_attempts
          (id, site_id, livemode, delivery_id, attempted_at, status_code, error, duration_ms, response_excerpt)
        select * from unnest(${results.map(() => Ids.make("wha"))}::text[], ${results.map((r) => r.delivery.siteId)}::text[],
                             ${results.map((r) => r.delivery.livemode)}::boolean[], ${results.map((r) => r.delivery.id)}::text[],
                             ${attemptedAt}::timestamptz[], ${results.map((r) => r.outcome.statusCode)}::int[],
                             ${results.map((r) => r.outcome.error)}::text[], ${results.map((r) => r.outcome.durationMs)}::int[],
                             ${results.map((r) => r.outcome.responseExcerpt)}::text[])`

      // Health: a failure starts (or continues) a run of failures; a success ends it.
      const failing = new Map<string, string>()
      const healthy = new Set<string>()
      for (const { delivery, attemptedAt: at, outcome } of results) {
        if (outcome.ok) healthy.add(delivery.subscriptionId)
        else if (!failing.has(delivery.subscriptionId)) failing.set(delivery.subscriptionId, at.toISOString())
      }
      for (const id of healthy) failing.delete(id)
      if (failing.size > 0) {
        yield* sql`
          update webhook_subscriptions s set failing_since = coalesce(s.failing_since, u.at)
          from unnest(${[...failing.keys()]}::text[], ${[...failing.values()]}::timestamptz[]) as u(id, at)
          where s.id = u.id`
      }
      if (healthy.size > 0) {
        yield* sql`update webhook_subscriptions set failing_since = null
                   where id = any(${[...healthy]}::text[]) and failing_since is not null`
      }

      // A delivery that failed for its whole window disables its subscription when the subscription's
      // run of failures began no later than that window's first attempt: nothing succeeded meanwhile.
      const exhausted = rows.flatMap((r) => (r.status === "failed" ? [r.id] : []))
      if (exhausted.length === 0) return
      const windowMs = DeliverySchedule.window * options.scale
      const disabled = yield* sql<SubscriptionRow>`
        update webhook_subscriptions s set disabled_at = now()
        from (
          select d.subscription_id, min(a.attempted_at) as first_attempt
          from webhook_deliveries d
          join webhook_delivery_attempts a on a.site_id = d.site_id and a.delivery_id = d.id
          where d.id = any(${exhausted}::text[])
            and a.attempted_at >= d.window_ends_at - ${millis(windowMs)}::interval
          group by d.subscription_id
        ) f
        where s.id = f.subscription_id and s.disabled_at is null and s.failing_since <= f.first_attempt
        returning s.id, s.site_id as "siteId", s.livemode, s.url, s.events, s.description,
                  s.disabled_at as "disabledAt", s.previous_secret_expires_at as "previousSecretExpiresAt",
                  s.created_at as "createdAt", s.updated_at as "updatedAt"`
      for (const s of disabled) {
        // Nothing more is sent to it: what was pending is failed (a replay can send it later).
        yield* sql`update webhook_deliveries set status = 'failed', next_attempt_at = null, claimed_until = null
                   where subscription_id = ${s.id} and status = 'pending'`
        yield* Outbox.emit({ siteId: s.siteId, livemode: s.livemode }, "webhook.disabled", {
          id: s.id,
          url: s.url,
          events: s.events,
          description: s.description,
          livemode: s.livemode,
          status: "disabled",
          disabledAt: s.disabledAt.toISOString(),
          previousSecretExpiresAt:
            s.previousSecretExpiresAt !== null && s.previousSecretExpiresAt.getTime() > Date.now()
              ? s.previousSecretExpiresAt.toISOString()
              : null,
          createdAt: s.createdAt.toISOString(),
          updatedAt: s.updatedAt.toISOString()
        })
        yield* Effect.logWarning(`Webhook subscription ${s.id} disabled after failing for its whole retry window`)
      }
    })
  )
