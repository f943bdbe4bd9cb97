/**
 * SQL for the blacklist, per site and mode. An entry names an email (compared ignoring case) or a
 * customer; the unique indexes allow one entry per email and per customer. Runs inside the
 * caller's transaction.
 */
import { Database, Ids, type Tenant, TenantSchema } from "@shopvo/kernel"
import { SqlClient, SqlSchema } from "@effect/sql"
import { Cause, Effect, type Option, Schema } from "effect"

export class BlacklistEntry extends Schema.Class<BlacklistEntry>("BlacklistEntry")({
  id: Schema.String,
  email: Schema.NullOr(Schema.String),
  customerId: Schema.NullOr(Schema.String),
  reason: Schema.String,
  createdAt: Schema.DateFromSelf
}) {}

const columns = `id, email, customer_id as "customerId", reason, created_at as "createdAt"`

/** Exactly one of the two. */
export type Target = { readonly email: string } | { readonly customerId: string }

export class BlacklistRepo extends Effect.Service<BlacklistRepo>()("@shopvo/api/BlacklistRepo", {
  accessors: true,
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const scope = (tenant: Tenant) => sql`site_id = ${tenant.siteId} and livemode = ${tenant.livemode}`

    const page = SqlSchema.findAll({
      Request: Schema.Struct({ tenant: TenantSchema, limit: Schema.Int, offset: Schema.Int }),
      Result: BlacklistEntry,
      execute: ({ tenant, limit, offset }) =>
        sql`select ${sql.literal(columns)} from customer_blacklist where ${scope(tenant)}
            order by created_at desc, id desc limit ${limit} offset ${offset}`
    })

    const count = SqlSchema.single({
      Request: TenantSchema,
      Result: Schema.Struct({ total: Schema.Int }),
      execute: (tenant) => sql`select count(*)::int as total from customer_blacklist where ${scope(tenant)}`
    })

    const insert = SqlSchema.findOne({
      Request: Schema.Struct({
        tenant: TenantSchema,
        email: Schema.NullOr(Schema.String),
        customerId: Schema.NullOr(Schema.String),
        reason: Schema.String
      }),
      Result: BlacklistEntry,
      execute: ({ tenant, email, customerId, reason }) =>
        sql`insert into customer_blacklist (id, site_id, livemode, email, customer_id, reason)
            values (${Ids.make("bl")}, ${tenant.siteId}, ${tenant.livemode}, ${email}, ${customerId}, ${reason})
            on conflict do nothing
            returning ${sql.literal(columns)}`
    })

    const remove = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, id: Schema.String }),
      Result: Schema.Struct({ id: Schema.String }),
      execute: ({ tenant, id }) =>
        sql`delete from customer_blacklist where ${scope(tenant)} and id = ${id} returning id`
    })

    // The checkout's email, its customer, or the customer who has that email.
    const matching = SqlSchema.findOne({
      Request: Schema.Struct({
        tenant: TenantSchema,
        email: Schema.NullOr(Schema.String),
        customerId: Schema.NullOr(Schema.String)
      }),
      Result: BlacklistEntry,
      execute: ({ tenant, email, customerId }) =>
        sql`select ${sql.literal(columns)} from customer_blacklist b
            where b.site_id = ${tenant.siteId} and b.livemode = ${tenant.livemode}
              and (lower(b.email) = lower(${email})
                   or b.customer_id = ${customerId}
                   or b.customer_id in (select c.id from customers c
                                        where c.site_id = ${tenant.siteId} and c.livemode = ${tenant.livemode}
                                          and lower(c.email) = lower(${email})))
            limit 1`
    })

    return {
      page: (tenant: Tenant, limit: number, offset: number) =>
        Database.boundary(
          Effect.all({ items: page({ tenant, limit, offset }), total: count(tenant) }).pipe(
            Effect.map(({ items, total }) => ({ items, total: total.total })),
            Effect.catchIf(Cause.isNoSuchElementException, Effect.die)
          )
        ),
      /** Inserts an entry; `None` when the email or customer already has one (`on conflict do nothing`). */
      insert: (
        tenant: Tenant,
        target: Target,
        reason: string
      ): Effect.Effect<Option.Option<BlacklistEntry>, Database.DatabaseUnavailable> =>
        Database.boundary(
          insert({
            tenant,
            email: "email" in target ? target.email : null,
            customerId: "customerId" in target ? target.customerId : null,
            reason
          })
        ),
      /** Deletes an entry; `None` when the site and mode have no such entry. */
      remove: (tenant: Tenant, id: string) => Database.boundary(remove({ tenant, id })),
      /** An entry that blocks a checkout with this email and customer, if any. */
      matching: (tenant: Tenant, email: string | null, customerId: string | null) =>
        Database.boundary(matching({ tenant, email, customerId }))
    }
  })
}) {}
