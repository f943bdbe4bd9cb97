/**
 * SQL for product variants. Every query is scoped by site and mode through the product: a
 * product (and so its variants) of another site or mode does not exist for the caller. Rows
 * decode with `Variant` at this boundary; every method runs inside its caller's transaction.
 *
 * The partial unique index `variants_one_default_idx` makes two defaults of one product
 * impossible; its refusal becomes `DefaultConflict` here.
 */
import { SqlClient, SqlError, SqlSchema } from "@effect/sql"
import { Database, type Tenant, TenantSchema } from "@shopvo/kernel"
import { Effect, Option, Schema } from "effect"
import { InventoryStatus } from "../Inventory/Status.js"
import { expectRow, isUniqueViolation } from "../Products/Columns.js"
import { DefaultConflict, jsonArray, selectColumns, Variant } from "./Variant.js"

const Options = Schema.Record({ key: Schema.String, value: Schema.String })

/** Every column of a variant row the service decides. */
export const Values = Schema.Struct({
  name: Schema.String,
  sku: Schema.NullOr(Schema.String),
  price: Schema.NullOr(Schema.Int),
  compareAtPrice: Schema.NullOr(Schema.Int),
  inventoryCount: Schema.Int,
  inventoryStatus: InventoryStatus,
  options: Options,
  isDefault: Schema.Boolean
})
export type Values = typeof Values.Type

export const NewRow = Schema.Struct({
  ...Values.fields,
  id: Schema.String,
  productId: Schema.String,
  /** Null: now. */
  createdAt: Schema.NullOr(Schema.DateFromSelf)
})
export type NewRow = typeof NewRow.Type

/** The locked product: what a variant write needs to know about it. */
export const LockedProduct = Schema.Struct({ name: Schema.String, threshold: Schema.Int })
export type LockedProduct = typeof LockedProduct.Type

const isDefaultIndexViolation = isUniqueViolation("variants_one_default_idx")

export class VariantsRepo extends Effect.Service<VariantsRepo>()("@shopvo/api/VariantsRepo", {
  accessors: true,
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    /** Its refusal of a second default is a domain fact; any other SQL error crosses the boundary. */
    const guarded = <A, E, R>(productId: string, effect: Effect.Effect<A, E, R>) =>
      Database.boundary(
        Effect.catchIf(
          effect,
          (error) => error instanceof SqlError.SqlError && isDefaultIndexViolation(error),
          () => Effect.fail(new DefaultConflict({ productId }))
        )
      )

    const list = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, productId: Schema.String }),
      Result: Schema.Struct({ variants: Schema.Array(Variant) }),
      // One round trip: the product's existence and its variants.
      execute: ({ tenant, productId }) => sql`
        select ${sql.literal(jsonArray("p.id"))} as variants
        from products p
        where p.id = ${productId} and p.site_id = ${tenant.siteId} and p.livemode = ${tenant.livemode}`
    })

    const lockProduct = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, productId: Schema.String }),
      Result: LockedProduct,
      execute: ({ tenant, productId }) => sql`
        update products p set updated_at = now()
        from sites s
        where s.id = p.site_id and p.id = ${productId} and p.site_id = ${tenant.siteId} and p.livemode = ${tenant.livemode}
        returning p.name, s.low_stock_threshold as threshold`
    })

    const hasDefault = SqlSchema.single({
      Request: Schema.String,
      Result: Schema.Struct({ found: Schema.Boolean }),
      execute: (productId) =>
        sql`select exists (select 1 from variants where product_id = ${productId} and is_default) as found`
    })

    const demoteDefault = SqlSchema.void({
      Request: Schema.String,
      execute: (productId) => sql`update variants set is_default = false where product_id = ${productId} and is_default`
    })

    const insert = SqlSchema.single({
      Request: Schema.Struct({ tenant: TenantSchema, row: NewRow }),
      Result: Variant,
      execute: ({ tenant, row }) => sql`
        insert into variants as v (id, site_id, livemode, product_id, name, sku, price, compare_at_price,
                                   inventory_count, inventory_status, options, is_default, created_at, updated_at)
        values (${row.id}, ${tenant.siteId}, ${tenant.livemode}, ${row.productId}, ${row.name}, ${row.sku},
                ${row.price}, ${row.compareAtPrice}, ${row.inventoryCount}, ${row.inventoryStatus},
                ${JSON.stringify(row.options)}::jsonb, ${row.isDefault},
                coalesce(${row.createdAt}, now()), coalesce(${row.createdAt}, now()))
        returning ${sql.literal(selectColumns("v"))}`
    })

    const insertMany = SqlSchema.void({
      Request: Schema.Struct({ tenant: TenantSchema, rows: Schema.Array(NewRow) }),
      execute: ({ tenant, rows }) => sql`
        insert into variants (id, site_id, livemode, product_id, name, sku, price, compare_at_price, inventory_count,
                              inventory_status, options, is_default, created_at, updated_at)
        select v.id, ${tenant.siteId}, ${tenant.livemode}, v.product_id, v.name, v.sku, v.price, v.compare_at_price, v.count,
               v.status, v.options, v.is_default, coalesce(v.created_at, now()), coalesce(v.created_at, now())
        from unnest(${rows.map((r) => r.id)}::text[], ${rows.map((r) => r.productId)}::text[], ${rows.map((r) => r.name)}::text[],
                    ${rows.map((r) => r.sku)}::text[], ${rows.map((r) => r.price)}::bigint[],
                    ${rows.map((r) => r.compareAtPrice)}::bigint[], ${rows.map((r) => r.inventoryCount)}::int[],
                    ${rows.map((r) => r.inventoryStatus)}::text[], ${rows.map((r) => JSON.stringify(r.options))}::jsonb[],
                    ${rows.map((r) => r.isDefault)}::boolean[], ${rows.map((r) => r.createdAt)}::timestamptz[])
             as v(id, product_id, name, sku, price, compare_at_price, count, status, options, is_default, created_at)`
    })

    const findForUpdate = SqlSchema.findOne({
      Request: Schema.Struct({ productId: Schema.String, variantId: Schema.String }),
      Result: Variant,
      execute: ({ productId, variantId }) => sql`
        select ${sql.literal(selectColumns("v"))} from variants v
        where v.id = ${variantId} and v.product_id = ${productId} for update`
    })

    const update = SqlSchema.single({
      Request: Schema.Struct({ variantId: Schema.String, values: Values }),
      Result: Variant,
      execute: ({ variantId, values }) => sql`
        update variants v set
          name = ${values.name},
          sku = ${values.sku},
          price = ${values.price},
          compare_at_price = ${values.compareAtPrice},
          inventory_count = ${values.inventoryCount},
          inventory_status = ${values.inventoryStatus},
          options = ${JSON.stringify(values.options)}::jsonb,
          is_default = ${values.isDefault}
        where v.id = ${variantId}
        returning ${sql.literal(selectColumns("v"))}`
    })

    const remove = SqlSchema.findOne({
      Request: Schema.Struct({ productId: Schema.String, variantId: Schema.String }),
      Result: Schema.Struct({ isDefault: Schema.Boolean }),
      execute: ({ productId, variantId }) => sql`
        delete from variants where id = ${variantId} and product_id = ${productId} returning is_default as "isDefault"`
    })

    const promoteOldest = SqlSchema.void({
      Request: Schema.String,
      execute: (productId) => sql`
        update variants set is_default = true
        where id = (select id from variants where product_id = ${productId} order by created_at, id limit 1)`
    })

    return {
      /** The product's variants, the default first; `None` when the caller has no such product. */
      list: (tenant: Tenant, productId: string) =>
        Database.boundary(
          Effect.map(
            list({ tenant, productId }),
            Option.map((row) => row.variants)
          )
        ),
      /**
       * Locks the product row for the rest of the transaction (serialising every default change on
       * it) and touches its `updated_at`: a variant change changes the product's representation.
       * An UPDATE takes the `FOR NO KEY UPDATE` lock: writers of this product queue, while inserts
       * that only reference it (reviews, adjustments) are not blocked. `None`: no such product.
       */
      lockProduct: (tenant: Tenant, productId: string) => Database.boundary(lockProduct({ tenant, productId })),
      /**
       * Whether the product has a default variant. A statement of its own after `lockProduct`: its
       * snapshot includes what the previous holder of the lock committed.
       */
      hasDefault: (productId: string) =>
        Database.boundary(Effect.map(hasDefault(productId), (row) => row.found)).pipe(expectRow),
      /** Clears the product's default (the caller makes another one the default in the same transaction). */
      demoteDefault: (productId: string) => Database.boundary(demoteDefault(productId)),
      insert: (tenant: Tenant, row: NewRow) => guarded(row.productId, insert({ tenant, row })).pipe(expectRow),
      /** Inserts many variants in one statement per call (the demo seed, imports). */
      insertMany: (tenant: Tenant, rows: ReadonlyArray<NewRow>) =>
        Effect.forEach(
          Array.from({ length: Math.ceil(rows.length / 500) }, (_, i) => rows.slice(i * 500, i * 500 + 500)),
          (batch) => guarded(batch[0]?.productId ?? "", insertMany({ tenant, rows: batch })),
          { discard: true }
        ),
      /** The variant of this product, locked for the caller's transaction. */
      findForUpdate: (productId: string, variantId: string) =>
        Database.boundary(findForUpdate({ productId, variantId })),
      update: (productId: string, variantId: string, values: Values) =>
        guarded(productId, update({ variantId, values })).pipe(expectRow),
      /** Deletes the variant; `None` when the product has no such variant. */
      remove: (productId: string, variantId: string) => Database.boundary(remove({ productId, variantId })),
      /** Makes the product's oldest variant its default. */
      promoteOldest: (productId: string) => guarded(productId, promoteOldest(productId))
    }
  })
}) {}
