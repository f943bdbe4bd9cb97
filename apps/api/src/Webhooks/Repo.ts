/**
 * SQL for webhook subscriptions. Every query is scoped by site and mode: a subscription of
 * another site or mode does not exist for the caller.
 */
import { type EventType, eventTypes } from "@shopvo/contract"
import { SqlClient } from "@effect/sql"
import { Effect, Option, Schema } from "effect"
import { Ids } from "@shopvo/kernel"
import type { Tenant } from "@shopvo/kernel"

export interface Subscription {
  readonly id: string
  readonly url: string
  readonly events: ReadonlyArray<EventType>
  readonly description: string | null
  readonly livemode: boolean
  readonly createdAt: Date
  readonly updatedAt: Date
}

export type { Tenant } from "@shopvo/kernel"

/** Most subscriptions one site may have per mode. */
export const maxPerSite = 20

interface Row {
  readonly id: string
  readonly url: string
  readonly events: ReadonlyArray<string>
  readonly description: string | null
  readonly livemode: boolean
  readonly secret: string
  readonly created_at: Date
  readonly updated_at: Date
}

// Only the API writes this column, from validated input: a name outside the catalogue is a bug (a defect).
const decodeEvents = Schema.decodeUnknownSync(Schema.Array(Schema.Literal(...eventTypes)))

const toSubscription = (row: Row): Subscription => ({
  id: row.id,
  url: row.url,
  events: decodeEvents(row.events),
  description: row.description,
  livemode: row.livemode,
  createdAt: row.created_at,
  updatedAt: row.updated_at
})

export const list = (tenant: Tenant, page: { readonly limit: number; readonly offset: number }) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    // One round trip: the page and the total via a window function.
    const rows = yield* sql<Row & { total: number }>`
      select *, count(*) over ()::int as total from webhook_subscriptions
      where site_id = ${tenant.siteId} and livemode = ${tenant.livemode}
      order by created_at, id
      limit ${page.limit} offset ${page.offset}`
    const total =
      rows[0]?.total ??
      (yield* sql<{ total: number }>`select count(*)::int as total from webhook_subscriptions
        where site_id = ${tenant.siteId} and livemode = ${tenant.livemode}`)[0]!.total
    return { items: rows.map(toSubscription), total }
  })

export const find = (tenant: Tenant, id: string) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) =>
      sql<Row>`select * from webhook_subscriptions where id = ${id} and site_id = ${tenant.siteId} and livemode = ${tenant.livemode}`
  ).pipe(Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toSubscription)))

/**
 * Creates a subscription unless the site already has `maxPerSite` (None then). The count and
 * the insert run under a per-site advisory lock so two concurrent creates cannot both pass.
 */
export const create = (
  tenant: Tenant,
  input: {
    readonly url: string
    readonly events: ReadonlyArray<EventType>
    readonly description: string | null
    readonly secret: string
  }
) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return yield* sql.withTransaction(
      Effect.gen(function* () {
        yield* sql`select pg_advisory_xact_lock(hashtext(${`webhooks:${tenant.siteId}:${tenant.livemode}`}))`
        const [{ count }] = (yield* sql<{ count: number }>`select count(*)::int as count from webhook_subscriptions
          where site_id = ${tenant.siteId} and livemode = ${tenant.livemode}`) as [{ count: number }]
        if (count >= maxPerSite) return Option.none<Subscription & { secret: string }>()
        const rows = yield* sql<Row>`
          insert into webhook_subscriptions (id, site_id, livemode, url, events, description, secret)
          values (${Ids.make("wh")}, ${tenant.siteId}, ${tenant.livemode}, ${input.url}, ${[...input.events]}::text[],
                  ${input.description}, ${input.secret})
          returning *`
        return Option.some({ ...toSubscription(rows[0]!), secret: rows[0]!.secret })
      })
    )
  })

/** Deletes a subscription; false when the caller has none with this id. */
export const remove = (tenant: Tenant, id: string) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) =>
      sql`delete from webhook_subscriptions where id = ${id} and site_id = ${tenant.siteId} and livemode = ${tenant.livemode} returning id`
  ).pipe(Effect.map((rows) => rows.length > 0))
