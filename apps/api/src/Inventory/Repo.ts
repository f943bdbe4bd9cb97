/**
 * SQL for stock levels. A stock-keeping item is a variant, or a product that has no variants
 * (its own `inventory_count`). Every query is scoped by site and mode.
 *
 * An adjustment is one statement: it locks the item's row, computes the new count from the
 * locked (latest) value, updates only when the result is within 0…2^31-1, and writes the audit
 * row from the update's own output. Two racing decrements therefore see each other's result,
 * a decrement below zero changes nothing, and an adjustment without its audit row cannot exist.
 */
import { SqlClient } from "@effect/sql"
import { Data, Effect } from "effect"
import { Ids } from "@shopvo/kernel"
import { Outbox } from "@shopvo/kernel"
import type { Tenant } from "@shopvo/kernel"
import * as Adjustments from "./Adjustments.js"
import * as Status from "./Status.js"

export type { Tenant }

export interface Level {
  readonly id: string
  readonly productId: string
  readonly variantId: string | null
  readonly name: string
  readonly sku: string | null
  readonly inventoryCount: number
  readonly inventoryStatus: Status.InventoryStatus
  readonly lowStockThreshold: number
}

export class ProductNotFound extends Data.TaggedError("ProductNotFound")<{ readonly productId: string }> {}
export class VariantNotFound extends Data.TaggedError("VariantNotFound")<{ readonly variantId: string }> {}
/** The product has variants: its stock is theirs, so the adjustment must name one. */
export class VariantRequired extends Data.TaggedError("VariantRequired")<{ readonly productId: string }> {}
export class InsufficientStock extends Data.TaggedError("InsufficientStock")<{
  readonly available: number
  readonly requested: number
}> {}
/** The result would not fit the count column. */
export class CountTooLarge extends Data.TaggedError("CountTooLarge")<{
  readonly current: number
  readonly requested: number
}> {}

export type AdjustError = ProductNotFound | VariantNotFound | VariantRequired | InsufficientStock | CountTooLarge

interface LevelRow {
  readonly id: string
  readonly product_id: string
  readonly variant_id: string | null
  readonly product_name: string
  readonly variant_name: string | null
  readonly sku: string | null
  readonly inventory_count: number
  readonly inventory_status: Status.InventoryStatus
  readonly threshold: number
  readonly total: number
}

/**
 * A page of stock levels ordered by product name, then each product's variants (default first,
 * then oldest), and the total; `sku` narrows to the items with that exact SKU. One round trip.
 */
export const list = (
  tenant: Tenant,
  sku: string | undefined,
  page: { readonly limit: number; readonly offset: number }
) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const variantSku = sku === undefined ? sql.literal("") : sql`and v.sku = ${sku}`
    const productSku = sku === undefined ? sql.literal("") : sql`and p.sku = ${sku}`
    const rows = yield* sql<LevelRow>`
      with items as (
        select v.id, v.product_id, v.id as variant_id, p.name as product_name, v.name as variant_name, v.sku,
               v.inventory_count, v.inventory_status, not v.is_default as later, v.created_at
        from variants v join products p on p.id = v.product_id
        where v.site_id = ${tenant.siteId} and v.livemode = ${tenant.livemode} ${variantSku}
        union all
        select p.id, p.id, null, p.name, null, p.sku, p.inventory_count, p.inventory_status, false, p.created_at
        from products p
        where p.site_id = ${tenant.siteId} and p.livemode = ${tenant.livemode} ${productSku}
          and not exists (select 1 from variants v where v.product_id = p.id)
      )
      select i.id, i.product_id, i.variant_id, i.product_name, i.variant_name, i.sku, i.inventory_count, i.inventory_status,
             (select low_stock_threshold from sites where id = ${tenant.siteId}) as threshold,
             count(*) over ()::int as total
      from items i
      order by i.product_name, i.product_id, i.later, i.created_at, i.id
      limit ${page.limit} offset ${page.offset}`
    // Past the last page the window has no row to report the total on: count separately (rare).
    const total =
      rows[0]?.total ??
      (page.offset === 0
        ? 0
        : (yield* sql<{ total: number }>`
            select (select count(*) from variants v
                    where v.site_id = ${tenant.siteId} and v.livemode = ${tenant.livemode} ${variantSku})::int
                 + (select count(*) from products p
                    where p.site_id = ${tenant.siteId} and p.livemode = ${tenant.livemode} ${productSku}
                      and not exists (select 1 from variants v where v.product_id = p.id))::int as total`)[0]!.total)
    const items = rows.map(
      (row): Level => ({
        id: row.id,
        productId: row.product_id,
        variantId: row.variant_id,
        name: Adjustments.itemName(row.product_name, row.variant_name),
        sku: row.sku,
        inventoryCount: row.inventory_count,
        inventoryStatus: row.inventory_status,
        lowStockThreshold: row.threshold
      })
    )
    return { items, total }
  })

export interface AdjustInput {
  readonly operation: Adjustments.Operation
  readonly quantity: number
  readonly variantId: string | undefined
  readonly reason: string | null
  readonly apiKeyId: string | null
}

interface TargetRow {
  readonly name: string
  readonly sku: string | null
  readonly threshold: number
  readonly has_variants: boolean
  readonly variant_id: string | null
  readonly variant_name: string | null
  readonly variant_sku: string | null
}

interface AdjustRow {
  readonly previous: number
  /** bigint as text: the count asked for, possibly out of range. */
  readonly wanted: string
  readonly inventory_count: number | null
  readonly inventory_status: Status.InventoryStatus | null
}

/**
 * Applies a `set | increment | decrement` to a variant (`variantId`) or to a product without
 * variants; records the audit row and, when the count enters the low-stock range, `inventory.low`,
 * all in one transaction. Returns the item's new level.
 */
export const adjust = (tenant: Tenant, productId: string, input: AdjustInput) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return yield* sql.withTransaction(
      Effect.gen(function* () {
        const targets = yield* sql<TargetRow>`
          select p.name, p.sku, s.low_stock_threshold as threshold,
                 exists (select 1 from variants x where x.product_id = p.id) as has_variants,
                 v.id as variant_id, v.name as variant_name, v.sku as variant_sku
          from products p
          join sites s on s.id = p.site_id
          left join variants v on v.id = ${input.variantId ?? null} and v.product_id = p.id
          where p.id = ${productId} and p.site_id = ${tenant.siteId} and p.livemode = ${tenant.livemode}`
        const target = targets[0]
        if (!target) return yield* new ProductNotFound({ productId })
        if (input.variantId !== undefined && target.variant_id === null)
          return yield* new VariantNotFound({ variantId: input.variantId })
        if (input.variantId === undefined && target.has_variants) return yield* new VariantRequired({ productId })

        const variantId = target.variant_id
        const itemId = variantId ?? productId
        const table = sql(variantId === null ? "products" : "variants")
        const rows = yield* sql<AdjustRow>`
          with cur as (
            select id, inventory_count from ${table}
            where id = ${itemId} and site_id = ${tenant.siteId} and livemode = ${tenant.livemode}
            for no key update
          ), calc as (
            select id, inventory_count as previous,
                   case ${input.operation}::text
                     when 'set' then ${input.quantity}::bigint
                     when 'increment' then inventory_count + ${input.quantity}::bigint
                     else inventory_count - ${input.quantity}::bigint
                   end as wanted
            from cur
          ), upd as (
            update ${table} t
            set inventory_count = calc.wanted,
                inventory_status = case when calc.wanted = 0 then 'OUT_OF_STOCK'
                                        when calc.wanted <= ${target.threshold}::int then 'LOW_STOCK'
                                        else 'IN_STOCK' end
            from calc
            where t.id = calc.id and calc.wanted between 0 and ${Status.maxCount}::bigint
            returning t.inventory_count, t.inventory_status, calc.previous
          ), audit as (
            insert into inventory_adjustments (id, site_id, livemode, product_id, variant_id, operation, quantity,
                                               previous_count, new_count, reason, api_key_id)
            select ${Ids.make("adj")}::text, ${tenant.siteId}::text, ${tenant.livemode}::boolean, ${productId}::text,
                   ${variantId}::text, ${input.operation}::text, ${input.quantity}::int, upd.previous, upd.inventory_count,
                   ${input.reason}::text, ${input.apiKeyId}::text
            from upd
          )
          select calc.previous, calc.wanted::text as wanted, upd.inventory_count, upd.inventory_status
          from calc left join upd on true`
        const row = rows[0]
        // The item vanished between the look-up and the update (deleted concurrently).
        if (!row)
          return yield* variantId === null ? new ProductNotFound({ productId }) : new VariantNotFound({ variantId })
        if (row.inventory_count === null || row.inventory_status === null) {
          return yield* BigInt(row.wanted) < 0n
            ? new InsufficientStock({ available: row.previous, requested: input.quantity })
            : new CountTooLarge({ current: row.previous, requested: input.quantity })
        }
        const level: Level = {
          id: itemId,
          productId,
          variantId,
          name: Adjustments.itemName(target.name, target.variant_name),
          sku: variantId === null ? target.sku : target.variant_sku,
          inventoryCount: row.inventory_count,
          inventoryStatus: row.inventory_status,
          lowStockThreshold: target.threshold
        }
        if (Status.crossedLow(row.previous, row.inventory_count, target.threshold)) {
          yield* Outbox.emit(tenant, "inventory.low", { ...level })
        }
        return level
      })
    )
  })
