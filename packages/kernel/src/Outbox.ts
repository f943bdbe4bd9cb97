/**
 * The transactional outbox: a state change records its webhook event in the same transaction, so
 * an event exists exactly when its change committed. The webhook worker delivers from here.
 *
 * Event names are the spec's catalogue (`EventType`, generated from its `webhooks:` section): a
 * name the spec lacks does not compile.
 */
import type { EventType } from "@shopvo/contract"
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import * as Ids from "./Ids.js"
import type { Tenant } from "./Tenant.js"

/** An event to record: its catalogue name and its payload. */
export interface Event {
  readonly type: EventType
  readonly data: Readonly<Record<string, unknown>>
}

/**
 * Records every event of a change in one statement and returns their ids, in order; call it
 * inside the transaction that makes the change. (A completed checkout records four at once.)
 */
export const emitAll = (tenant: Tenant, events: ReadonlyArray<Event>) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => {
    if (events.length === 0) return Effect.succeed<ReadonlyArray<string>>([])
    const rows = events.map(({ type, data }) => ({
      id: Ids.make("evt"),
      site_id: tenant.siteId,
      livemode: tenant.livemode,
      type,
      payload: JSON.stringify(data)
    }))
    return sql`insert into events ${sql.insert(rows)}`.pipe(Effect.as(rows.map((row) => row.id)))
  })

/** Records `type` with its `data` and returns the event id; call it inside the transaction that makes the change. */
export const emit = (tenant: Tenant, type: EventType, data: Readonly<Record<string, unknown>>) =>
  Effect.map(emitAll(tenant, [{ type, data }]), (ids) => ids[0]!)
