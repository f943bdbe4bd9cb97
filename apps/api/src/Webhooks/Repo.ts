/**
 * SQL for webhook subscriptions. Every query is scoped by site and mode: a subscription of
 * another site or mode does not exist for the caller. Rows are decoded with `Subscription` at this
 * boundary, its `events` against the spec's catalogue (only the API writes that column, from
 * validated input, so a name outside it is a bug: a defect). The functions run inside whatever
 * transaction their caller opened.
 */
import { Database, eventTypes, Ids, type Tenant, TenantSchema } from "@shopvo/kernel"
import { SqlClient, SqlSchema } from "@effect/sql"
import { Effect, Option, Schema } from "effect"

export const EventType = Schema.Literal(...eventTypes)

export class Subscription extends Schema.Class<Subscription>("Subscription")({
  id: Schema.String,
  url: Schema.String,
  events: Schema.Array(EventType),
  description: Schema.NullOr(Schema.String),
  livemode: Schema.Boolean,
  disabledAt: Schema.NullOr(Schema.DateFromSelf),
  previousSecretExpiresAt: Schema.NullOr(Schema.DateFromSelf),
  createdAt: Schema.DateFromSelf,
  updatedAt: Schema.DateFromSelf
}) {}

/** A new subscription with the signing secret its deliveries use (shown once, on creation). */
export const SubscriptionWithSecret = Schema.Struct({ ...Subscription.fields, secret: Schema.String })
export type SubscriptionWithSecret = typeof SubscriptionWithSecret.Type

export interface NewSubscription {
  readonly url: string
  readonly events: ReadonlyArray<typeof EventType.Type>
  readonly description: string | null
  readonly secret: string
}

const columns =
  'id, url, events, description, livemode, disabled_at as "disabledAt", ' +
  'previous_secret_expires_at as "previousSecretExpiresAt", created_at as "createdAt", updated_at as "updatedAt"'

export class WebhooksRepo extends Effect.Service<WebhooksRepo>()("@shopvo/api/WebhooksRepo", {
  accessors: true,
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const ofTenant = (tenant: Tenant) => sql`site_id = ${tenant.siteId} and livemode = ${tenant.livemode}`

    const ListPage = Schema.Struct({ tenant: TenantSchema, limit: Schema.Number, offset: Schema.Number })
    // One round trip: the page and the total via a window function.
    const pageWithTotal = SqlSchema.findAll({
      Request: ListPage,
      Result: Schema.Struct({ ...Subscription.fields, total: Schema.Number }),
      execute: ({ tenant, limit, offset }) =>
        sql`select ${sql.literal(columns)}, count(*) over ()::int as total from webhook_subscriptions
            where ${ofTenant(tenant)}
            order by created_at, id
            limit ${limit} offset ${offset}`
    })

    const count = SqlSchema.single({
      Request: TenantSchema,
      Result: Schema.Struct({ total: Schema.Number }),
      execute: (tenant) => sql`select count(*)::int as total from webhook_subscriptions where ${ofTenant(tenant)}`
    })

    const find = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, id: Schema.String }),
      Result: Subscription,
      execute: ({ tenant, id }) =>
        sql`select ${sql.literal(columns)} from webhook_subscriptions where id = ${id} and ${ofTenant(tenant)}`
    })

    const lock = SqlSchema.void({
      Request: TenantSchema,
      execute: (tenant) =>
        sql`select pg_advisory_xact_lock(hashtext(${`webhooks:${tenant.siteId}:${tenant.livemode}`}))`
    })

    const insert = SqlSchema.single({
      Request: Schema.Struct({
        tenant: TenantSchema,
        url: Schema.String,
        events: Schema.Array(EventType),
        description: Schema.NullOr(Schema.String),
        secret: Schema.String
      }),
      Result: SubscriptionWithSecret,
      execute: ({ tenant, ...subscription }) =>
        sql`insert into webhook_subscriptions (id, site_id, livemode, url, events, description, secret)
            values (${Ids.make("wh")}, ${tenant.siteId}, ${tenant.livemode}, ${subscription.url},
                    ${subscription.events}::text[], ${subscription.description}, ${subscription.secret})
            returning ${sql.literal(columns)}, secret`
    })

    const remove = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, id: Schema.String }),
      Result: Schema.Struct({ id: Schema.String }),
      execute: ({ tenant, id }) =>
        sql`delete from webhook_subscriptions where id = ${id} and ${ofTenant(tenant)} returning id`
    })

    const countOf = (tenant: Tenant) =>
      Database.boundary(count(tenant)).pipe(
        Effect.map((row) => row.total),
        Effect.catchTag("NoSuchElementException", Effect.die)
      )

    return {
      /** A page of the tenant's subscriptions, oldest first, and their total. */
      list: (tenant: Tenant, page: { readonly limit: number; readonly offset: number }) =>
        Effect.gen(function* () {
          const items: ReadonlyArray<Subscription & { readonly total: number }> = yield* Database.boundary(
            pageWithTotal({ tenant, limit: page.limit, offset: page.offset })
          )
          // Past the last page there is no row to carry the total.
          const total = items[0]?.total ?? (yield* countOf(tenant))
          return { items, total }
        }),
      count: countOf,
      find: (tenant: Tenant, id: string) => Database.boundary(find({ tenant, id })),
      /**
       * Takes the tenant's subscription lock until the transaction ends: concurrent creates take
       * turns, so a count read after it stays true until the insert.
       */
      lock: (tenant: Tenant) => Database.boundary(lock(tenant)),
      insert: (tenant: Tenant, subscription: NewSubscription) =>
        Database.boundary(insert({ tenant, ...subscription })).pipe(
          Effect.catchTag("NoSuchElementException", Effect.die)
        ),
      /** Deletes a subscription; false when the tenant has none with this id. */
      remove: (tenant: Tenant, id: string) => Database.boundary(remove({ tenant, id })).pipe(Effect.map(Option.isSome))
    }
  })
}) {}
