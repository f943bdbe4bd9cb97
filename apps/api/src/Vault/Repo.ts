/**
 * SQL for the data vault and erasure. Records hold only sealed bytes (see `Sealed` in the kernel);
 * a record's expiry is its class's TTL now, so changing a TTL moves every record's. A record past
 * its expiry that the worker has not deleted yet is already gone for readers. Every query names
 * the tenant; the functions run inside whatever transaction their caller opened.
 */
import { Database, type Tenant, TenantSchema } from "@shopvo/kernel"
import { SqlClient, SqlSchema } from "@effect/sql"
import { Effect, Schema } from "effect"

export const builtInClasses = ["names", "photos", "video"] as const

export const SubjectType = Schema.Literal("customer", "order")

export class VaultClass extends Schema.Class<VaultClass>("VaultClass")({
  name: Schema.String,
  ttlSeconds: Schema.NullOr(Schema.Number)
}) {}

export class VaultRecord extends Schema.Class<VaultRecord>("VaultRecord")({
  id: Schema.String,
  class: Schema.String,
  subjectType: SubjectType,
  subjectId: Schema.String,
  contentType: Schema.String,
  size: Schema.Number,
  expiresAt: Schema.NullOr(Schema.DateFromSelf),
  createdAt: Schema.DateFromSelf
}) {}

export const SealedRecord = Schema.Struct({ ...VaultRecord.fields, sealed: Schema.Uint8ArrayFromSelf })

export interface NewRecord {
  readonly id: string
  readonly class: string
  readonly subjectType: typeof SubjectType.Type
  readonly subjectId: string
  readonly contentType: string
  readonly size: number
  readonly sealed: Uint8Array
}

export interface Erasure {
  readonly vaultRecordsDeleted: number
  readonly addressesCleared: number
  readonly ordersAnonymised: number
}

/** The address an erased customer's email becomes: unique per customer, deliverable nowhere. */
export const erasedEmail = (customerId: string) => `erased+${customerId.toLowerCase()}@erased.invalid`

const recordColumns = `r.id, r.class, r.subject_type as "subjectType", r.subject_id as "subjectId",
  r.content_type as "contentType", r.size, r.created_at as "createdAt",
  r.created_at + c.ttl_seconds * interval '1 second' as "expiresAt"`

export class VaultRepo extends Effect.Service<VaultRepo>()("@shopvo/api/VaultRepo", {
  accessors: true,
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const ofTenant = (tenant: Tenant, alias: string) =>
      sql`${sql(alias)}.site_id = ${tenant.siteId} and ${sql(alias)}.livemode = ${tenant.livemode}`
    const withClass = sql`vault_records r left join vault_classes c
      on c.site_id = r.site_id and c.livemode = r.livemode and c.name = r.class`
    const live = sql`(c.ttl_seconds is null or r.created_at + c.ttl_seconds * interval '1 second' > now())`

    const classes = SqlSchema.findAll({
      Request: TenantSchema,
      Result: VaultClass,
      execute: (tenant) =>
        sql`select name, ttl_seconds as "ttlSeconds" from vault_classes c where ${ofTenant(tenant, "c")} order by name`
    })

    const upsertClass = SqlSchema.single({
      Request: Schema.Struct({ tenant: TenantSchema, name: Schema.String, ttlSeconds: Schema.NullOr(Schema.Number) }),
      Result: VaultClass,
      execute: ({ tenant, name, ttlSeconds }) =>
        sql`insert into vault_classes (site_id, livemode, name, ttl_seconds)
            values (${tenant.siteId}, ${tenant.livemode}, ${name}, ${ttlSeconds})
            on conflict (site_id, livemode, name) do update set ttl_seconds = excluded.ttl_seconds
            returning name, ttl_seconds as "ttlSeconds"`
    })

    const subjectExists = SqlSchema.findAll({
      Request: Schema.Struct({ tenant: TenantSchema, subjectType: SubjectType, subjectId: Schema.String }),
      Result: Schema.Struct({ id: Schema.String }),
      execute: ({ tenant, subjectType, subjectId }) =>
        subjectType === "customer"
          ? sql`select id from customers s where id = ${subjectId} and ${ofTenant(tenant, "s")}`
          : sql`select id from orders s where id = ${subjectId} and ${ofTenant(tenant, "s")}`
    })

    const insert = SqlSchema.void({
      Request: Schema.Struct({
        tenant: TenantSchema,
        id: Schema.String,
        class: Schema.String,
        subjectType: SubjectType,
        subjectId: Schema.String,
        contentType: Schema.String,
        size: Schema.Number,
        sealed: Schema.Uint8ArrayFromSelf
      }),
      execute: ({ tenant, ...r }) =>
        sql`insert into vault_records (id, site_id, livemode, class, subject_type, subject_id, content_type, size, sealed)
            values (${r.id}, ${tenant.siteId}, ${tenant.livemode}, ${r.class}, ${r.subjectType}, ${r.subjectId},
                    ${r.contentType}, ${r.size}, ${Buffer.from(r.sealed)})`
    })

    const find = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, id: Schema.String }),
      Result: SealedRecord,
      execute: ({ tenant, id }) =>
        sql`select ${sql.literal(recordColumns)}, r.sealed from ${withClass}
            where r.id = ${id} and ${ofTenant(tenant, "r")} and ${live}`
    })

    const list = SqlSchema.findAll({
      Request: Schema.Struct({
        tenant: TenantSchema,
        subjectType: SubjectType,
        subjectId: Schema.String,
        limit: Schema.Number,
        offset: Schema.Number
      }),
      Result: Schema.Struct({ ...VaultRecord.fields, total: Schema.Number }),
      execute: ({ tenant, subjectType, subjectId, limit, offset }) =>
        sql`select ${sql.literal(recordColumns)}, count(*) over ()::int as total from ${withClass}
            where r.subject_type = ${subjectType} and r.subject_id = ${subjectId} and ${ofTenant(tenant, "r")} and ${live}
            order by r.created_at desc, r.id desc
            limit ${limit} offset ${offset}`
    })

    const remove = SqlSchema.findAll({
      Request: Schema.Struct({ tenant: TenantSchema, id: Schema.String }),
      Result: Schema.Struct({ id: Schema.String }),
      execute: ({ tenant, id }) =>
        sql`delete from vault_records r where r.id = ${id} and ${ofTenant(tenant, "r")} returning r.id`
    })

    return {
      classes: (tenant: Tenant) => Database.boundary(classes(tenant)),
      upsertClass: (tenant: Tenant, name: string, ttlSeconds: number | null) =>
        Database.boundary(upsertClass({ tenant, name, ttlSeconds })).pipe(
          Effect.catchTag("NoSuchElementException", Effect.die)
        ),
      subjectExists: (tenant: Tenant, subjectType: typeof SubjectType.Type, subjectId: string) =>
        Database.boundary(subjectExists({ tenant, subjectType, subjectId })).pipe(
          Effect.map((rows) => rows.length > 0)
        ),
      insert: (tenant: Tenant, record: NewRecord) => Database.boundary(insert({ tenant, ...record })),
      find: (tenant: Tenant, id: string) => Database.boundary(find({ tenant, id })),
      list: (
        tenant: Tenant,
        subjectType: typeof SubjectType.Type,
        subjectId: string,
        page: { readonly limit: number; readonly offset: number }
      ) => Database.boundary(list({ tenant, subjectType, subjectId, ...page })),
      remove: (tenant: Tenant, id: string) =>
        Database.boundary(remove({ tenant, id })).pipe(Effect.map((rows) => rows.length > 0)),
      /**
       * Erases a customer's personal data (the caller's transaction): their vault records and
       * their orders', and every personal field of the customer, their orders, carts and checkout
       * sessions. Amounts and items stay. `undefined` when the tenant has no such customer.
       */
      erase: (tenant: Tenant, customerId: string) =>
        Database.boundary(
          Effect.gen(function* () {
            const customer = yield* sql<{ readonly hasAddress: boolean }>`
              select default_address is not null as "hasAddress" from customers s
              where id = ${customerId} and ${ofTenant(tenant, "s")} for update`
            if (customer[0] === undefined) return undefined
            const orders = yield* sql<{ readonly id: string; readonly addresses: number }>`
              select id, (shipping_address is not null)::int + (billing_address is not null)::int as addresses
              from orders s where customer_id = ${customerId} and ${ofTenant(tenant, "s")} for update`
            const orderIds = orders.map((o) => o.id)
            const deleted = yield* sql`
              delete from vault_records r
              where ${ofTenant(tenant, "r")}
                and ((r.subject_type = 'customer' and r.subject_id = ${customerId})
                  or (r.subject_type = 'order' and r.subject_id = any(${orderIds}::text[])))
              returning r.id`
            const email = erasedEmail(customerId)
            yield* sql`
              update customers s set email = ${email}, first_name = null, last_name = null, phone = null,
                default_address = null, tags = '{}', accepts_marketing = false
              where id = ${customerId} and ${ofTenant(tenant, "s")}`
            yield* sql`
              update orders s set email = ${email}, shipping_address = null, billing_address = null
              where customer_id = ${customerId} and ${ofTenant(tenant, "s")}`
            yield* sql`update carts s set email = null where customer_id = ${customerId} and ${ofTenant(tenant, "s")}`
            yield* sql`
              update checkout_sessions s set email = null, shipping_address = null, billing_address = null
              where customer_id = ${customerId} and ${ofTenant(tenant, "s")}`
            return {
              vaultRecordsDeleted: deleted.length,
              addressesCleared: (customer[0].hasAddress ? 1 : 0) + orders.reduce((sum, o) => sum + o.addresses, 0),
              ordersAnonymised: orders.length
            } satisfies Erasure
          })
        ),
      insertReceipt: (tenant: Tenant, receipt: Erasure & { readonly id: string; readonly customerId: string }) =>
        Database.boundary(
          sql<{ readonly erasedAt: Date }>`
            insert into erasure_receipts (id, site_id, livemode, customer_id, vault_records_deleted, addresses_cleared,
                                          orders_anonymised)
            values (${receipt.id}, ${tenant.siteId}, ${tenant.livemode}, ${receipt.customerId},
                    ${receipt.vaultRecordsDeleted}, ${receipt.addressesCleared}, ${receipt.ordersAnonymised})
            returning erased_at as "erasedAt"`
        ).pipe(Effect.map((rows) => rows[0]!.erasedAt))
    }
  })
}) {}
