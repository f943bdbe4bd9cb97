/**
 * SQL for product variants. Every query is scoped by site and mode through the product: a
 * product (and so its variants) of another site or mode does not exist for the caller.
 *
 * Invariant: a product with variants has exactly one default. The partial unique index
 * `variants_one_default_idx` makes two defaults impossible; every write that can change which
 * variant is the default first locks the product row, so concurrent writes on one product queue
 * behind each other instead of racing into that index. Rules:
 * - the first variant of a product becomes its default, whatever `isDefault` says;
 * - `isDefault: true` (create or update) demotes the previous default in the same transaction;
 * - `isDefault: false` on the default is refused (`DefaultRequired`): promote another instead;
 * - deleting the default promotes the next oldest variant.
 *
 * Lock order, the same as the product writers' so no two catalogue writes deadlock: the product
 * row, then the SKU's advisory lock (`Products/Sku.ts`, shared with product writers).
 */
import { SqlClient, type SqlError } from "@effect/sql"
import { Data, Effect, Option } from "effect"
import { Ids } from "@shopvo/kernel"
import type { Tenant } from "@shopvo/kernel"
import { Outbox } from "@shopvo/kernel"
import * as Adjustments from "../Inventory/Adjustments.js"
import * as Status from "../Inventory/Status.js"
import * as Products from "../Products/Repo.js"
import * as Sku from "../Products/Sku.js"
import { money, toVariant, type VariantRow } from "./Variant.js"

export type { Tenant }

export class ProductNotFound extends Data.TaggedError("ProductNotFound")<{ readonly productId: string }> {}
export class VariantNotFound extends Data.TaggedError("VariantNotFound")<{ readonly variantId: string }> {}
export class SkuTaken extends Data.TaggedError("SkuTaken")<{ readonly sku: string }> {}
/** `isDefault: false` on the default variant: a product with variants always keeps one. */
export class DefaultRequired extends Data.TaggedError("DefaultRequired")<{ readonly variantId: string }> {}
/**
 * Another writer made a second default at the same moment. Cannot happen between writers that
 * take the product lock (all of this module); kept so the index's refusal is a 409, never a 500.
 */
export class DefaultConflict extends Data.TaggedError("DefaultConflict")<{ readonly productId: string }> {}

export type VariantError = ProductNotFound | VariantNotFound | SkuTaken | DefaultRequired | DefaultConflict

const isDefaultIndexViolation = (error: SqlError.SqlError): boolean => {
  const cause = error.cause as { code?: unknown; constraint?: unknown } | undefined
  return cause?.code === "23505" && cause.constraint === "variants_one_default_idx"
}

const withDefaultConflict = <A, E extends { readonly _tag: string }, R>(
  productId: string,
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, E | DefaultConflict, R> =>
  Effect.mapError(effect, (error) =>
    error._tag === "SqlError" && isDefaultIndexViolation(error as unknown as SqlError.SqlError)
      ? new DefaultConflict({ productId })
      : error
  )

/** The product's variants, the default first; None when the caller has no such product. */
export const list = (tenant: Tenant, productId: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    // One round trip: the product's existence and its variants.
    const rows = yield* sql<{ variants: ReadonlyArray<VariantRow> }>`
      select coalesce((select json_agg(v order by v.is_default desc, v.created_at, v.id)
                       from variants v where v.product_id = p.id), '[]') as variants
      from products p
      where p.id = ${productId} and p.site_id = ${tenant.siteId} and p.livemode = ${tenant.livemode}`
    return Option.map(Option.fromNullable(rows[0]), (row) => row.variants.map(toVariant))
  })

interface LockedProduct {
  readonly name: string
  readonly threshold: number
}

/**
 * Locks the product row for the rest of the transaction (serialising every default change on
 * it) and touches its `updated_at`: a variant change changes the product's representation.
 * An UPDATE takes the `FOR NO KEY UPDATE` lock: writers of this product queue, while inserts
 * that only reference it (reviews, adjustments) are not blocked.
 */
const lockProduct = (tenant: Tenant, productId: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<LockedProduct>`
      update products p set updated_at = now()
      from sites s
      where s.id = p.site_id and p.id = ${productId} and p.site_id = ${tenant.siteId} and p.livemode = ${tenant.livemode}
      returning p.name, s.low_stock_threshold as threshold`
    return rows[0] ?? (yield* new ProductNotFound({ productId }))
  })

/** Whether a product or another variant of the site and mode has this SKU (under the SKU's lock). */
const skuTaken = (tenant: Tenant, sku: string, exceptVariantId: string | null) =>
  Sku.isTaken(tenant, sku, exceptVariantId === null ? {} : { variantId: exceptVariantId })

/** Records `product.updated` with the product as `products.get` returns it, after the change. */
const emitProductUpdated = (tenant: Tenant, productId: string) =>
  Effect.gen(function* () {
    const product = yield* Products.find(tenant, productId)
    if (Option.isSome(product)) yield* Outbox.emit(tenant, "product.updated", { ...product.value })
  })

export interface NewVariant {
  readonly name: string
  readonly sku: string | null
  readonly price: number | null
  readonly compareAtPrice: number | null
  readonly inventoryCount: number
  /** Derived from the count and the site's threshold when undefined. */
  readonly inventoryStatus: Status.InventoryStatus | undefined
  readonly options: Readonly<Record<string, string>>
  readonly isDefault: boolean
}

/** Adds a variant; it becomes the default when asked to, or when the product has none yet. */
export const create = (tenant: Tenant, productId: string, input: NewVariant) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return yield* withDefaultConflict(
      productId,
      sql.withTransaction(
        Effect.gen(function* () {
          const product = yield* lockProduct(tenant, productId)
          if (input.sku !== null && (yield* skuTaken(tenant, input.sku, null)))
            return yield* new SkuTaken({ sku: input.sku })
          if (input.isDefault)
            yield* sql`update variants set is_default = false where product_id = ${productId} and is_default`
          const status = input.inventoryStatus ?? Status.derive(input.inventoryCount, product.threshold)
          const rows = yield* sql<VariantRow>`
            insert into variants (id, site_id, livemode, product_id, name, sku, price, compare_at_price,
                                  inventory_count, inventory_status, options, is_default)
            values (${Ids.make("var")}, ${tenant.siteId}, ${tenant.livemode}, ${productId}, ${input.name}, ${input.sku},
                    ${input.price}, ${input.compareAtPrice}, ${input.inventoryCount}, ${status},
                    ${JSON.stringify(input.options)}::jsonb,
                    ${input.isDefault} or not exists (select 1 from variants where product_id = ${productId} and is_default))
            returning *`
          yield* emitProductUpdated(tenant, productId)
          return toVariant(rows[0]!)
        })
      )
    )
  })

/** The fields of an update; an absent key keeps the current value, `null` clears a nullable one. */
export interface VariantPatch {
  readonly name?: string
  readonly sku?: string | null
  readonly price?: number | null
  readonly compareAtPrice?: number | null
  readonly inventoryCount?: number
  readonly inventoryStatus?: Status.InventoryStatus
  readonly options?: Readonly<Record<string, string>>
  readonly isDefault?: boolean
}

/** Who made a change, for the stock audit trail. */
export interface Actor {
  readonly apiKeyId: string | null
}

/**
 * Updates a variant. A changed `inventoryCount` is a stock change like any other: it is kept in
 * the audit trail and may emit `inventory.low`.
 */
export const update = (tenant: Tenant, productId: string, variantId: string, patch: VariantPatch, actor: Actor) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return yield* withDefaultConflict(
      productId,
      sql.withTransaction(
        Effect.gen(function* () {
          const newSku = typeof patch.sku === "string" ? patch.sku : null
          const product = yield* lockProduct(tenant, productId)
          const currentRows = yield* sql<VariantRow>`
            select * from variants where id = ${variantId} and product_id = ${productId} for update`
          const current = currentRows[0]
          if (!current) return yield* new VariantNotFound({ variantId })
          if (newSku !== null && newSku !== current.sku && (yield* skuTaken(tenant, newSku, variantId))) {
            return yield* new SkuTaken({ sku: newSku })
          }
          if (patch.isDefault === false && current.is_default) return yield* new DefaultRequired({ variantId })
          const promote = patch.isDefault === true && !current.is_default
          if (promote) yield* sql`update variants set is_default = false where product_id = ${productId} and is_default`

          const count = patch.inventoryCount ?? current.inventory_count
          const status =
            patch.inventoryStatus ??
            (patch.inventoryCount !== undefined ? Status.derive(count, product.threshold) : current.inventory_status)
          const rows = yield* sql<VariantRow>`
            update variants set
              name = ${patch.name ?? current.name},
              sku = ${patch.sku !== undefined ? patch.sku : current.sku},
              price = ${patch.price !== undefined ? patch.price : money(current.price)},
              compare_at_price = ${patch.compareAtPrice !== undefined ? patch.compareAtPrice : money(current.compare_at_price)},
              inventory_count = ${count},
              inventory_status = ${status},
              options = ${JSON.stringify(patch.options ?? current.options)}::jsonb,
              is_default = ${promote || current.is_default}
            where id = ${variantId}
            returning *`
          const updated = toVariant(rows[0]!)

          if (count !== current.inventory_count) {
            yield* Adjustments.record(tenant, {
              productId,
              variantId,
              operation: "set",
              quantity: count,
              previousCount: current.inventory_count,
              newCount: count,
              reason: "products.updateVariant",
              apiKeyId: actor.apiKeyId
            })
            if (Status.crossedLow(current.inventory_count, count, product.threshold)) {
              yield* Outbox.emit(tenant, "inventory.low", {
                id: variantId,
                productId,
                variantId,
                name: Adjustments.itemName(product.name, updated.name),
                sku: updated.sku,
                inventoryCount: count,
                inventoryStatus: updated.inventoryStatus,
                lowStockThreshold: product.threshold
              })
            }
          }
          yield* emitProductUpdated(tenant, productId)
          return updated
        })
      )
    )
  })

/** Deletes a variant; when it was the default, the next oldest variant becomes the default. */
export const remove = (tenant: Tenant, productId: string, variantId: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return yield* withDefaultConflict(
      productId,
      sql.withTransaction(
        Effect.gen(function* () {
          yield* lockProduct(tenant, productId)
          const rows = yield* sql<{ is_default: boolean }>`
            delete from variants where id = ${variantId} and product_id = ${productId} returning is_default`
          const deleted = rows[0]
          if (!deleted) return yield* new VariantNotFound({ variantId })
          if (deleted.is_default) {
            yield* sql`update variants set is_default = true
                       where id = (select id from variants where product_id = ${productId} order by created_at, id limit 1)`
          }
          yield* emitProductUpdated(tenant, productId)
        })
      )
    )
  })
