/**
 * SQL for stock levels. A stock-keeping item is a variant, or a product that has no variants
 * (its own `inventory_count`). Every query is scoped by site and mode, decodes its rows with
 * Schema, and runs inside its caller's transaction (the `Inventory` service's).
 */
import { SqlClient, SqlSchema } from "@effect/sql"
import { Database, Ids, type Tenant, TenantSchema } from "@shopvo/kernel"
import { Effect, Option, Schema } from "effect"
import { expectRow } from "../Products/Columns.js"
import * as Adjustments from "./Adjustments.js"
import { InventoryStatus } from "./Status.js"

/** An item's stock as the API shows it (the spec's `InventoryLevel`). */
export const Level = Schema.Struct({
  id: Schema.String,
  productId: Schema.String,
  variantId: Schema.NullOr(Schema.String),
  name: Schema.String,
  sku: Schema.NullOr(Schema.String),
  inventoryCount: Schema.Int,
  inventoryStatus: InventoryStatus,
  lowStockThreshold: Schema.Int
})
export type Level = typeof Level.Type

const LevelRow = Schema.Struct({
  id: Schema.String,
  productId: Schema.String,
  variantId: Schema.NullOr(Schema.String),
  productName: Schema.String,
  variantName: Schema.NullOr(Schema.String),
  sku: Schema.NullOr(Schema.String),
  inventoryCount: Schema.Int,
  inventoryStatus: InventoryStatus,
  threshold: Schema.Int,
  total: Schema.Int
})

/** The product (and the variant asked for) an adjustment applies to. */
export const Target = Schema.Struct({
  name: Schema.String,
  sku: Schema.NullOr(Schema.String),
  threshold: Schema.Int,
  hasVariants: Schema.Boolean,
  variantId: Schema.NullOr(Schema.String),
  variantName: Schema.NullOr(Schema.String),
  variantSku: Schema.NullOr(Schema.String)
})
export type Target = typeof Target.Type

/** Where an item's count lives: a variant's row, or the row of a product without variants. */
export interface Item {
  readonly table: "products" | "variants"
  readonly id: string
}
const ItemSchema = Schema.Struct({ table: Schema.Literal("products", "variants"), id: Schema.String })

const Page = Schema.Struct({ limit: Schema.Int, offset: Schema.Int })

export class InventoryRepo extends Effect.Service<InventoryRepo>()("@shopvo/api/InventoryRepo", {
  accessors: true,
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const skuFilter = (alias: "v" | "p", sku: string | undefined) =>
      sku === undefined ? sql.literal("") : sql`and ${sql(alias)}.sku = ${sku}`

    const list = SqlSchema.findAll({
      Request: Schema.Struct({ tenant: TenantSchema, sku: Schema.optional(Schema.String), page: Page }),
      Result: LevelRow,
      execute: ({ tenant, sku, page }) => sql`
        with items as (
          select v.id, v.product_id, v.id as variant_id, p.name as product_name, v.name as variant_name, v.sku,
                 v.inventory_count, v.inventory_status, not v.is_default as later, v.created_at
          from variants v join products p on p.id = v.product_id
          where v.site_id = ${tenant.siteId} and v.livemode = ${tenant.livemode} ${skuFilter("v", sku)}
          union all
          select p.id, p.id, null, p.name, null, p.sku, p.inventory_count, p.inventory_status, false, p.created_at
          from products p
          where p.site_id = ${tenant.siteId} and p.livemode = ${tenant.livemode} ${skuFilter("p", sku)}
            and not exists (select 1 from variants v where v.product_id = p.id)
        )
        select i.id, i.product_id as "productId", i.variant_id as "variantId", i.product_name as "productName",
               i.variant_name as "variantName", i.sku, i.inventory_count as "inventoryCount",
               i.inventory_status as "inventoryStatus",
               (select low_stock_threshold from sites where id = ${tenant.siteId}) as threshold,
               count(*) over ()::int as total
        from items i
        order by i.product_name, i.product_id, i.later, i.created_at, i.id
        limit ${page.limit} offset ${page.offset}`
    })

    // Past the last page the window has no row to report the total on: count separately (rare).
    const count = SqlSchema.single({
      Request: Schema.Struct({ tenant: TenantSchema, sku: Schema.optional(Schema.String) }),
      Result: Schema.Struct({ total: Schema.Int }),
      execute: ({ tenant, sku }) => sql`
        select (select count(*) from variants v
                where v.site_id = ${tenant.siteId} and v.livemode = ${tenant.livemode} ${skuFilter("v", sku)})::int
             + (select count(*) from products p
                where p.site_id = ${tenant.siteId} and p.livemode = ${tenant.livemode} ${skuFilter("p", sku)}
                  and not exists (select 1 from variants v where v.product_id = p.id))::int as total`
    })

    const threshold = SqlSchema.single({
      Request: Schema.String,
      Result: Schema.Struct({ threshold: Schema.Int }),
      execute: (siteId) => sql`select low_stock_threshold as threshold from sites where id = ${siteId}`
    })

    const target = SqlSchema.findOne({
      Request: Schema.Struct({
        tenant: TenantSchema,
        productId: Schema.String,
        variantId: Schema.NullOr(Schema.String)
      }),
      Result: Target,
      execute: ({ tenant, productId, variantId }) => sql`
        select p.name, p.sku, s.low_stock_threshold as threshold,
               exists (select 1 from variants x where x.product_id = p.id) as "hasVariants",
               v.id as "variantId", v.name as "variantName", v.sku as "variantSku"
        from products p
        join sites s on s.id = p.site_id
        left join variants v on v.id = ${variantId} and v.product_id = p.id
        where p.id = ${productId} and p.site_id = ${tenant.siteId} and p.livemode = ${tenant.livemode}`
    })

    const lockCount = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, item: ItemSchema }),
      Result: Schema.Struct({ count: Schema.Int }),
      execute: ({ tenant, item }) => sql`
        select inventory_count as count from ${sql(item.table)}
        where id = ${item.id} and site_id = ${tenant.siteId} and livemode = ${tenant.livemode}
        for no key update`
    })

    const writeCount = SqlSchema.void({
      Request: Schema.Struct({ item: ItemSchema, count: Schema.Int, status: InventoryStatus }),
      execute: ({ item, count, status }) =>
        sql`update ${sql(item.table)} set inventory_count = ${count}, inventory_status = ${status} where id = ${item.id}`
    })

    const record = SqlSchema.void({
      Request: Schema.Struct({
        tenant: TenantSchema,
        productId: Schema.String,
        variantId: Schema.NullOr(Schema.String),
        operation: Schema.Literal("set", "increment", "decrement"),
        quantity: Schema.Int,
        previousCount: Schema.Int,
        newCount: Schema.Int,
        reason: Schema.NullOr(Schema.String),
        apiKeyId: Schema.NullOr(Schema.String)
      }),
      execute: ({ tenant, ...a }) => sql`
        insert into inventory_adjustments (id, site_id, livemode, product_id, variant_id, operation, quantity,
                                           previous_count, new_count, reason, api_key_id)
        values (${Ids.make("adj")}, ${tenant.siteId}, ${tenant.livemode}, ${a.productId}, ${a.variantId},
                ${a.operation}, ${a.quantity}, ${a.previousCount}, ${a.newCount}, ${a.reason}, ${a.apiKeyId})`
    })

    return {
      /**
       * A page of stock levels ordered by product name, then each product's variants (default
       * first, then oldest), and the total; `sku` narrows to the items with that exact SKU.
       */
      list: (tenant: Tenant, sku: string | undefined, page: { readonly limit: number; readonly offset: number }) =>
        Database.boundary(
          Effect.gen(function* () {
            const request = { tenant, page, ...(sku === undefined ? {} : { sku }) }
            const rows = yield* list(request)
            const total = rows[0]?.total ?? (page.offset === 0 ? 0 : (yield* expectRow(count(request))).total)
            const items = rows.map(
              (row): Level => ({
                id: row.id,
                productId: row.productId,
                variantId: row.variantId,
                name: Adjustments.itemName(row.productName, row.variantName),
                sku: row.sku,
                inventoryCount: row.inventoryCount,
                inventoryStatus: row.inventoryStatus,
                lowStockThreshold: row.threshold
              })
            )
            return { items, total }
          })
        ),
      /** The site's low-stock threshold. */
      threshold: (tenant: Tenant) =>
        Database.boundary(Effect.map(threshold(tenant.siteId), (row) => row.threshold)).pipe(expectRow),
      /** The product with the variant `variantId` (when it is the product's); `None`: no such product. */
      target: (tenant: Tenant, productId: string, variantId: string | null) =>
        Database.boundary(target({ tenant, productId, variantId })),
      /** Locks the item's row for the caller's transaction and reads its latest count; `None`: it is gone. */
      lockCount: (tenant: Tenant, item: Item) =>
        Database.boundary(
          Effect.map(
            lockCount({ tenant, item }),
            Option.map((row) => row.count)
          )
        ),
      writeCount: (item: Item, count: number, status: InventoryStatus) =>
        Database.boundary(writeCount({ item, count, status })),
      /** Writes one audit row; call it inside the transaction that changes the count. */
      record: (tenant: Tenant, adjustment: Adjustments.Adjustment) =>
        Database.boundary(record({ tenant, ...adjustment }))
    }
  })
}) {}
