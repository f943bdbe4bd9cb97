/**
 * SQL for what the API does with webhook deliveries: the delivery log, manual redelivery, replay,
 * secret rotation, re-enabling and the site's event retention. The webhook worker makes the
 * attempts; whatever queues work here wakes it with `pg_notify('shopvo_webhooks')`. Every query
 * names the tenant.
 */
import { Database, DeliverySchedule, Ids, type Tenant, TenantSchema } from "@shopvo/kernel"
import { SqlClient, SqlSchema, type Statement } from "@effect/sql"
import { Effect, Option, Schema } from "effect"
import { EventType, type Subscription, SubscriptionWithSecret } from "./Repo.js"

export const DeliveryStatus = Schema.Literal("pending", "succeeded", "failed")

export class Delivery extends Schema.Class<Delivery>("Delivery")({
  id: Schema.String,
  webhookId: Schema.String,
  eventId: Schema.String,
  event: EventType,
  status: DeliveryStatus,
  attempts: Schema.Number,
  lastStatusCode: Schema.NullOr(Schema.Number),
  lastError: Schema.NullOr(Schema.String),
  lastAttemptAt: Schema.NullOr(Schema.DateFromSelf),
  nextAttemptAt: Schema.NullOr(Schema.DateFromSelf),
  claimedUntil: Schema.NullOr(Schema.DateFromSelf),
  createdAt: Schema.DateFromSelf
}) {}

export class Attempt extends Schema.Class<Attempt>("Attempt")({
  id: Schema.String,
  deliveryId: Schema.String,
  attemptedAt: Schema.DateFromSelf,
  statusCode: Schema.NullOr(Schema.Number),
  error: Schema.NullOr(Schema.String),
  durationMs: Schema.Number,
  responseExcerpt: Schema.NullOr(Schema.String)
}) {}

const deliveryColumns =
  'id, subscription_id as "webhookId", event_id as "eventId", event_type as "event", status, attempts, ' +
  'last_status_code as "lastStatusCode", last_error as "lastError", last_attempt_at as "lastAttemptAt", ' +
  'next_attempt_at as "nextAttemptAt", claimed_until as "claimedUntil", created_at as "createdAt"'

const subscriptionColumns =
  'id, url, events, description, livemode, disabled_at as "disabledAt", ' +
  'previous_secret_expires_at as "previousSecretExpiresAt", created_at as "createdAt", updated_at as "updatedAt"'

/** Most events one replay queues; replay again from the last one's time for more. */
export const maxReplay = 10_000

const windowMs = DeliverySchedule.window

export class DeliveriesRepo extends Effect.Service<DeliveriesRepo>()("@shopvo/api/DeliveriesRepo", {
  accessors: true,
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const ofTenant = (tenant: Tenant) => sql`site_id = ${tenant.siteId} and livemode = ${tenant.livemode}`
    const Page = { tenant: TenantSchema, limit: Schema.Number, offset: Schema.Number }

    const deliveries = SqlSchema.findAll({
      Request: Schema.Struct({ ...Page, webhookId: Schema.String, status: Schema.NullOr(DeliveryStatus) }),
      Result: Schema.Struct({ ...Delivery.fields, total: Schema.Number }),
      execute: ({ tenant, webhookId, status, limit, offset }) =>
        sql`select ${sql.literal(deliveryColumns)}, count(*) over ()::int as total from webhook_deliveries
            where subscription_id = ${webhookId} and ${ofTenant(tenant)}
              ${status === null ? sql`` : sql`and status = ${status}`}
            order by created_at desc, id desc
            limit ${limit} offset ${offset}`
    })

    const countDeliveries = SqlSchema.single({
      Request: Schema.Struct({ tenant: TenantSchema, webhookId: Schema.String, status: Schema.NullOr(DeliveryStatus) }),
      Result: Schema.Struct({ total: Schema.Number }),
      execute: ({ tenant, webhookId, status }) =>
        sql`select count(*)::int as total from webhook_deliveries
            where subscription_id = ${webhookId} and ${ofTenant(tenant)}
              ${status === null ? sql`` : sql`and status = ${status}`}`
    })

    const findDelivery = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, webhookId: Schema.String, id: Schema.String }),
      Result: Delivery,
      execute: ({ tenant, webhookId, id }) =>
        sql`select ${sql.literal(deliveryColumns)} from webhook_deliveries
            where id = ${id} and subscription_id = ${webhookId} and ${ofTenant(tenant)}`
    })

    const attempts = SqlSchema.findAll({
      Request: Schema.Struct({ ...Page, deliveryId: Schema.String }),
      Result: Schema.Struct({ ...Attempt.fields, total: Schema.Number }),
      execute: ({ tenant, deliveryId, limit, offset }) =>
        sql`select id, delivery_id as "deliveryId", attempted_at as "attemptedAt", status_code as "statusCode",
                   error, duration_ms as "durationMs", response_excerpt as "responseExcerpt",
                   count(*) over ()::int as total
            from webhook_delivery_attempts
            where delivery_id = ${deliveryId} and ${ofTenant(tenant)}
            order by attempted_at desc, id desc
            limit ${limit} offset ${offset}`
    })

    const countAttempts = SqlSchema.single({
      Request: Schema.Struct({ tenant: TenantSchema, deliveryId: Schema.String }),
      Result: Schema.Struct({ total: Schema.Number }),
      execute: ({ tenant, deliveryId }) =>
        sql`select count(*)::int as total from webhook_delivery_attempts
            where delivery_id = ${deliveryId} and ${ofTenant(tenant)}`
    })

    // A fresh window from now; an attempt in progress (a live claim) is left alone.
    const requeue = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, webhookId: Schema.String, id: Schema.String }),
      Result: Delivery,
      execute: ({ tenant, webhookId, id }) =>
        sql`update webhook_deliveries
            set status = 'pending', next_attempt_at = now(), claimed_until = null,
                window_ends_at = now() + ${windowMs} * interval '1 millisecond'
            where id = ${id} and subscription_id = ${webhookId} and ${ofTenant(tenant)}
              and not (status = 'pending' and claimed_until > now())
            returning ${sql.literal(deliveryColumns)}`
    })

    const eventsSince = SqlSchema.findAll({
      Request: Schema.Struct({
        tenant: TenantSchema,
        since: Schema.DateFromSelf,
        types: Schema.Array(Schema.String)
      }),
      Result: Schema.Struct({ id: Schema.String, type: Schema.String }),
      execute: ({ tenant, since, types }) =>
        sql`select id, type from events
            where ${ofTenant(tenant)} and created_at >= ${since} and type = any(${types}::text[])
            order by created_at, id
            limit ${maxReplay}`
    })

    const notify = sql`select pg_notify('shopvo_webhooks', '')`

    const subscriptionUpdate = (tenant: Tenant, id: string, set: Statement.Fragment) =>
      Database.boundary(
        sql`update webhook_subscriptions set ${set} where id = ${id} and ${ofTenant(tenant)}
            returning ${sql.literal(subscriptionColumns)}, secret`.pipe(
          Effect.flatMap((rows) =>
            rows[0] === undefined
              ? Effect.succeed(Option.none())
              : Effect.map(Schema.decodeUnknown(SubscriptionWithSecret)(rows[0]), Option.some)
          )
        )
      )

    return {
      /** A page of a subscription's deliveries, newest first, and their total. */
      deliveries: (
        tenant: Tenant,
        webhookId: string,
        status: typeof DeliveryStatus.Type | null,
        page: { readonly limit: number; readonly offset: number }
      ) =>
        Effect.gen(function* () {
          const items = yield* Database.boundary(deliveries({ tenant, webhookId, status, ...page }))
          const total =
            items[0]?.total ??
            (yield* Database.boundary(countDeliveries({ tenant, webhookId, status })).pipe(
              Effect.map((row) => row.total),
              Effect.orDie
            ))
          return { items, total }
        }),
      findDelivery: (tenant: Tenant, webhookId: string, id: string) =>
        Database.boundary(findDelivery({ tenant, webhookId, id })),
      /** A page of a delivery's attempts, newest first, and their total. */
      attempts: (tenant: Tenant, deliveryId: string, page: { readonly limit: number; readonly offset: number }) =>
        Effect.gen(function* () {
          const items = yield* Database.boundary(attempts({ tenant, deliveryId, ...page }))
          const total =
            items[0]?.total ??
            (yield* Database.boundary(countAttempts({ tenant, deliveryId })).pipe(
              Effect.map((row) => row.total),
              Effect.orDie
            ))
          return { items, total }
        }),
      /** Queues a delivery for an attempt now; `None` when it has an attempt in progress (or none exists). */
      requeue: (tenant: Tenant, webhookId: string, id: string) => Database.boundary(requeue({ tenant, webhookId, id })),
      /** Queues every kept event since `since` of the subscription's types; returns how many. */
      replay: (tenant: Tenant, subscription: Subscription, since: Date) =>
        Effect.gen(function* () {
          const events = yield* Database.boundary(eventsSince({ tenant, since, types: subscription.events }))
          if (events.length === 0) return 0
          const rows = yield* Database.boundary(
            sql`insert into webhook_deliveries
                  (id, site_id, livemode, subscription_id, event_id, event_type, next_attempt_at, window_ends_at)
                select u.id, ${tenant.siteId}, ${tenant.livemode}, ${subscription.id}, u.event_id, u.event_type,
                       now(), now() + ${windowMs} * interval '1 millisecond'
                from unnest(${events.map(() => Ids.make("whd"))}::text[], ${events.map((e) => e.id)}::text[],
                            ${events.map((e) => e.type)}::text[]) as u(id, event_id, event_type)
                on conflict (site_id, subscription_id, event_id) do update
                  set status = 'pending', next_attempt_at = now(), claimed_until = null,
                      window_ends_at = excluded.window_ends_at
                  where not (webhook_deliveries.status = 'pending' and webhook_deliveries.claimed_until > now())
                returning 1`
          )
          return rows.length
        }),
      /** Wakes the webhook workers (delivered when the caller's transaction commits). */
      notify: Database.boundary(notify).pipe(Effect.asVoid),
      rotateSecret: (tenant: Tenant, id: string, secret: string, overlapSeconds: number) =>
        subscriptionUpdate(
          tenant,
          id,
          overlapSeconds === 0
            ? sql`secret = ${secret}, previous_secret = null, previous_secret_expires_at = null`
            : sql`previous_secret = secret, secret = ${secret},
                  previous_secret_expires_at = now() + ${overlapSeconds} * interval '1 second'`
        ),
      enable: (tenant: Tenant, id: string) =>
        subscriptionUpdate(tenant, id, sql`disabled_at = null, failing_since = null`),
      retentionDays: (siteId: string) =>
        Database.boundary(
          sql<{ readonly days: number }>`select event_retention_days as days from sites where id = ${siteId}`
        ).pipe(Effect.map((rows) => rows[0]?.days ?? 30)),
      setRetentionDays: (siteId: string, days: number) =>
        Database.boundary(sql`update sites set event_retention_days = ${days} where id = ${siteId}`).pipe(Effect.asVoid)
    }
  })
}) {}
