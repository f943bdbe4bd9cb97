/**
 * SQL for promotions and their per-customer use counts, per site and mode. Rows decode to
 * `@shopvo/promotions`' `Promotion` (plus the timestamps) at this boundary; the functions run
 * inside whatever transaction their caller opened.
 */
import { Ids as PricingIds } from "@shopvo/pricing"
import { Promotion } from "@shopvo/promotions"
import { Database, type Tenant, TenantSchema } from "@shopvo/kernel"
import { SqlClient, SqlError, SqlSchema } from "@effect/sql"
import { Effect, Option, Schema } from "effect"

/** A bigint column, which PostgreSQL sends as text: a safe, non-negative integer. */
const Amount = Schema.NumberFromString.pipe(Schema.int(), Schema.nonNegative())

/** A stored promotion: the package's model, with its amounts in the site's currency, and when it was written. */
export const PromotionRow = Schema.Struct({
  ...Promotion.Promotion.fields,
  // The spec has no per-promotion currency: amounts are in the site's one currency.
  currency: Schema.optionalWith(Schema.Null, { default: () => null }),
  minOrderAmount: Schema.NullOr(Amount),
  startsAt: Schema.NullOr(Schema.DateTimeUtcFromDate),
  expiresAt: Schema.NullOr(Schema.DateTimeUtcFromDate),
  createdAt: Schema.DateTimeUtcFromDate,
  updatedAt: Schema.DateTimeUtcFromDate
})

export interface PromotionRow extends Schema.Schema.Type<typeof PromotionRow> {}

const Written = Schema.Struct({ tenant: TenantSchema, promotion: Promotion.Promotion })

const isCodeConflict = (error: unknown): error is SqlError.SqlError => {
  if (!(error instanceof SqlError.SqlError)) return false
  const cause: unknown = error.cause
  return (
    typeof cause === "object" &&
    cause !== null &&
    Reflect.get(cause, "code") === "23505" &&
    Reflect.get(cause, "constraint") === "promotions_code_unique"
  )
}

export class PromotionsRepo extends Effect.Service<PromotionsRepo>()("@shopvo/api/PromotionsRepo", {
  accessors: true,
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const columns = sql`id, code, type, value, min_order_amount as "minOrderAmount", max_uses as "maxUses",
      used_count as "usedCount", per_customer_limit as "perCustomerLimit",
      applies_to_products as "appliesToProducts", starts_at as "startsAt", expires_at as "expiresAt",
      created_at as "createdAt", updated_at as "updatedAt"`
    const ofTenant = (tenant: { readonly siteId: string; readonly livemode: boolean }) =>
      sql`site_id = ${tenant.siteId} and livemode = ${tenant.livemode}`
    const newestFirst = sql`order by created_at desc, id desc`

    const page = SqlSchema.findAll({
      Request: Schema.Struct({ tenant: TenantSchema, limit: Schema.Int, offset: Schema.Int }),
      Result: PromotionRow,
      execute: ({ tenant, limit, offset }) =>
        sql`select ${columns} from promotions where ${ofTenant(tenant)} ${newestFirst}
            limit ${limit} offset ${offset}`
    })

    const count = SqlSchema.single({
      Request: TenantSchema,
      Result: Schema.Struct({ total: Schema.Int }),
      execute: (tenant) => sql`select count(*)::int as total from promotions where ${ofTenant(tenant)}`
    })

    const all = SqlSchema.findAll({
      Request: TenantSchema,
      Result: PromotionRow,
      execute: (tenant) => sql`select ${columns} from promotions where ${ofTenant(tenant)} ${newestFirst}`
    })

    const lockClause = (lock: boolean) => (lock ? sql`for update` : sql``)

    const byId = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, id: Schema.String, lock: Schema.Boolean }),
      Result: PromotionRow,
      execute: ({ tenant, id, lock }) =>
        sql`select ${columns} from promotions where ${ofTenant(tenant)} and id = ${id} ${lockClause(lock)}`
    })

    const byCode = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, code: Schema.String, lock: Schema.Boolean }),
      Result: PromotionRow,
      execute: ({ tenant, code, lock }) =>
        sql`select ${columns} from promotions where ${ofTenant(tenant)} and code = ${code} ${lockClause(lock)}`
    })

    const insert = SqlSchema.findOne({
      Request: Written,
      Result: PromotionRow,
      execute: ({ tenant, promotion: p }) =>
        sql`insert into promotions (id, site_id, livemode, code, type, value, min_order_amount, max_uses,
              per_customer_limit, applies_to_products, starts_at, expires_at)
            values (${p.id}, ${tenant.siteId}, ${tenant.livemode}, ${p.code}, ${p.type}, ${p.value},
              ${p.minOrderAmount}, ${p.maxUses}, ${p.perCustomerLimit}, ${p.appliesToProducts}::text[],
              ${p.startsAt}, ${p.expiresAt})
            on conflict (site_id, livemode, code) do nothing
            returning ${columns}`
    })

    // Everything an admin edits; `used_count` belongs to the uses.
    const update = SqlSchema.findOne({
      Request: Written,
      Result: PromotionRow,
      execute: ({ tenant, promotion: p }) =>
        sql`update promotions set code = ${p.code}, type = ${p.type}, value = ${p.value},
              min_order_amount = ${p.minOrderAmount}, max_uses = ${p.maxUses},
              per_customer_limit = ${p.perCustomerLimit}, applies_to_products = ${p.appliesToProducts}::text[],
              starts_at = ${p.startsAt}, expires_at = ${p.expiresAt}, updated_at = now()
            where ${ofTenant(tenant)} and id = ${p.id}
            returning ${columns}`
    })

    const remove = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, id: Schema.String }),
      Result: Schema.Struct({ id: Schema.String }),
      execute: ({ tenant, id }) => sql`delete from promotions where ${ofTenant(tenant)} and id = ${id} returning id`
    })

    const knownProducts = SqlSchema.findAll({
      Request: Schema.Struct({ tenant: TenantSchema, ids: Schema.Array(Schema.String) }),
      Result: Schema.Struct({ id: PricingIds.ProductId }),
      execute: ({ tenant, ids }) =>
        sql`select p.id from unnest(${ids}::text[]) with ordinality as given (id, n)
            join products p on p.site_id = ${tenant.siteId} and p.livemode = ${tenant.livemode} and p.id = given.id
            order by given.n`
    })

    const Use = Schema.Struct({ tenant: TenantSchema, promotionId: Schema.String, email: Schema.String })

    const customerUses = SqlSchema.findOne({
      Request: Use,
      Result: Schema.Struct({ uses: Schema.Int }),
      execute: ({ tenant, promotionId, email }) =>
        sql`select uses from promotion_customer_uses
            where site_id = ${tenant.siteId} and promotion_id = ${promotionId} and email = ${email}`
    })

    const countUse = SqlSchema.void({
      Request: Use,
      execute: ({ tenant, promotionId, email }) =>
        sql`with promotion as (
              update promotions set used_count = used_count + 1
              where ${ofTenant(tenant)} and id = ${promotionId}
              returning id
            )
            insert into promotion_customer_uses (site_id, livemode, promotion_id, email, uses)
            select ${tenant.siteId}, ${tenant.livemode}, id, ${email}, 1 from promotion
            on conflict (site_id, promotion_id, email)
              do update set uses = promotion_customer_uses.uses + 1`
    })

    const releaseUse = SqlSchema.findOne({
      Request: Use,
      Result: Schema.Struct({ id: Schema.String }),
      execute: ({ tenant, promotionId, email }) =>
        sql`with promotion as (
              update promotions set used_count = used_count - 1
              where ${ofTenant(tenant)} and id = ${promotionId} and used_count > 0
              returning id
            ), customer as (
              update promotion_customer_uses set uses = uses - 1
              where site_id = ${tenant.siteId} and promotion_id = ${promotionId} and email = ${email}
                and uses > 0 and exists (select 1 from promotion)
            )
            select id from promotion`
    })

    return {
      /** One page of promotions, newest first, and how many there are. */
      page: (tenant: Tenant, limits: { readonly limit: number; readonly offset: number }) =>
        Database.boundary(
          Effect.all({
            items: page({ tenant, ...limits }),
            // `count(*)` always answers one row.
            total: count(tenant).pipe(
              Effect.map((row) => row.total),
              Effect.catchTag("NoSuchElementException", Effect.die)
            )
          })
        ),
      /** Every promotion of the tenant, newest first. */
      all: (tenant: Tenant) => Database.boundary(all(tenant)),
      /** The promotion with this id; with `lock`, row-locked until the transaction ends. */
      findById: (tenant: Tenant, id: string, options: { readonly lock: boolean }) =>
        Database.boundary(byId({ tenant, id, lock: options.lock })),
      /** The promotion with this code, as stored (normalised); with `lock`, row-locked until the transaction ends. */
      findByCode: (tenant: Tenant, code: string, options: { readonly lock: boolean }) =>
        Database.boundary(byCode({ tenant, code, lock: options.lock })),
      /** Inserts a promotion; `None` when its code is taken on this site and mode. */
      insert: (
        tenant: Tenant,
        promotion: Promotion.Promotion
      ): Effect.Effect<Option.Option<PromotionRow>, Database.DatabaseUnavailable> =>
        Database.boundary(insert({ tenant, promotion })),
      /**
       * Writes an admin's changes (the use count stays); `None` when the new code is taken. The
       * refused statement leaves the transaction unusable: the caller must fail it.
       */
      update: (
        tenant: Tenant,
        promotion: Promotion.Promotion
      ): Effect.Effect<Option.Option<PromotionRow>, Database.DatabaseUnavailable> =>
        Database.boundary(
          update({ tenant, promotion }).pipe(Effect.catchIf(isCodeConflict, () => Effect.succeed(Option.none())))
        ),
      /** Deletes a promotion and its use counts; false when there was none. */
      remove: (tenant: Tenant, id: string) => Database.boundary(Effect.map(remove({ tenant, id }), Option.isSome)),
      /** Those of `ids` that name products of the tenant, in the given order. */
      knownProducts: (tenant: Tenant, ids: ReadonlyArray<string>) =>
        ids.length === 0
          ? Effect.succeed<ReadonlyArray<PricingIds.ProductId>>([])
          : Database.boundary(Effect.map(knownProducts({ tenant, ids }), (rows) => rows.map((row) => row.id))),
      /** How many times `email` (lower case) used the promotion. */
      customerUses: (tenant: Tenant, promotionId: string, email: string) =>
        Database.boundary(
          Effect.map(
            customerUses({ tenant, promotionId, email }),
            Option.match({ onNone: () => 0, onSome: (row) => row.uses })
          )
        ),
      /** Counts one use of the promotion, overall and by `email` (lower case). */
      countUse: (tenant: Tenant, promotionId: string, email: string) =>
        Database.boundary(countUse({ tenant, promotionId, email })),
      /** Takes back one use counted by `countUse`; false when the promotion is gone or has none. */
      releaseUse: (tenant: Tenant, promotionId: string, email: string) =>
        Database.boundary(Effect.map(releaseUse({ tenant, promotionId, email }), Option.isSome))
    }
  })
}) {}
