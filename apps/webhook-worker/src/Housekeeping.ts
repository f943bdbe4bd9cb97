/**
 * The worker's periodic chores, each safe to run on several workers at once:
 * - expired idempotency keys and request-signature replay records are deleted;
 * - events are pruned once every delivery of theirs is settled and the site's retention
 *   (`event_retention_days`) has passed, with their deliveries and delivery log;
 * - vault records past their class's TTL are deleted and `vault.record.expired` is sent;
 * - carts left with items for `cartAbandonedAfter` are abandoned (`cart.abandoned`).
 */
import { SqlClient } from "@effect/sql"
import { CartAbandonment } from "@shopvo/api"
import { Database, Outbox } from "@shopvo/kernel"
import { type Duration, Effect } from "effect"

// Rows deleted per statement, so one chore never holds long locks or a long transaction.
const chunk = 5000

const deleteExpired = (table: "idempotency_keys" | "signature_replays") =>
  Database.boundary(
    Effect.flatMap(
      SqlClient.SqlClient,
      (sql) => sql`
        delete from ${sql(table)} where ctid in (select ctid from ${sql(table)} where expires_at <= now() limit ${chunk})
        returning 1`
    )
  ).pipe(Effect.map((rows) => rows.length))

export const pruneEvents = Database.boundary(
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) => sql`
      delete from events where id in (
        select e.id from events e join sites s on s.id = e.site_id
        where e.dispatched_at is not null
          and e.created_at < now() - s.event_retention_days * interval '1 day'
          and not exists (select 1 from webhook_deliveries d where d.event_id = e.id and d.status = 'pending')
        limit ${chunk})
      returning 1`
  )
).pipe(Effect.map((rows) => rows.length))

/** Deletes expired vault records and sends `vault.record.expired` for each, in one transaction. */
export const expireVaultRecords = Database.transaction(
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const expired = yield* sql<{
      readonly id: string
      readonly siteId: string
      readonly livemode: boolean
      readonly class: string
      readonly subjectType: string
      readonly subjectId: string
      readonly createdAt: Date
    }>`
      delete from vault_records r where r.id in (
        select r2.id from vault_records r2
        join vault_classes c on c.site_id = r2.site_id and c.livemode = r2.livemode and c.name = r2.class
        where c.ttl_seconds is not null and r2.created_at + c.ttl_seconds * interval '1 second' <= now()
        limit 500
        for update of r2 skip locked)
      returning r.id, r.site_id as "siteId", r.livemode, r.class, r.subject_type as "subjectType",
                r.subject_id as "subjectId", r.created_at as "createdAt"`
    const expiredAt = new Date().toISOString()
    for (const record of expired) {
      yield* Outbox.emit({ siteId: record.siteId, livemode: record.livemode }, "vault.record.expired", {
        id: record.id,
        class: record.class,
        subjectType: record.subjectType,
        subjectId: record.subjectId,
        createdAt: record.createdAt.toISOString(),
        expiredAt
      })
    }
    return expired.length
  })
)

/** One round of every chore; returns what each did, for the log. */
export const run = (options: { readonly cartAbandonedAfter: Duration.Duration }) =>
  Effect.gen(function* () {
    const idempotencyKeys = yield* deleteExpired("idempotency_keys")
    const signatureReplays = yield* deleteExpired("signature_replays")
    const events = yield* pruneEvents
    const vaultRecords = yield* expireVaultRecords
    const carts = yield* CartAbandonment.sweep(options.cartAbandonedAfter)
    return { idempotencyKeys, signatureReplays, events, vaultRecords, carts }
  })
