/**
 * Variants: the rules the spec cannot express, over `VariantsRepo`. Each write is one
 * transaction that starts by locking the product row, so concurrent writes on one product queue
 * behind each other instead of racing.
 *
 * Invariant: a product with variants has exactly one default.
 * - the first variant of a product becomes its default, whatever `isDefault` says;
 * - `isDefault: true` (create or update) demotes the previous default in the same transaction;
 * - `isDefault: false` on the default is refused (`DefaultRequired`): promote another instead;
 * - deleting the default promotes the next oldest variant.
 *
 * Lock order, the same as the product writers' so no two catalogue writes deadlock: the product
 * row, then the SKU's advisory lock (`Skus`, shared with product writers).
 */
import { Database, Ids, Outbox, type Tenant } from "@shopvo/kernel"
import { Effect, Option } from "effect"
import * as Adjustments from "../Inventory/Adjustments.js"
import { Inventory } from "../Inventory/Service.js"
import * as Status from "../Inventory/Status.js"
import { ProductNotFound } from "../Products/Errors.js"
import * as ProductModel from "../Products/Model.js"
import { Products } from "../Products/Service.js"
import { Skus } from "../Products/Sku.js"
import { VariantsRepo } from "./Repo.js"
import { DefaultRequired, VariantNotFound } from "./Variant.js"

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

/** A variant of a product created with it (the demo seed, imports). */
export interface InitialVariant extends NewVariant {
  readonly productId: string
  /** Defaults to now. */
  readonly createdAt?: Date | undefined
}

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

export class Variants extends Effect.Service<Variants>()("@shopvo/api/Variants", {
  accessors: true,
  dependencies: [VariantsRepo.Default, Skus.Default, Products.Default, Inventory.Default],
  effect: Effect.gen(function* () {
    const repo = yield* VariantsRepo
    const skus = yield* Skus
    const products = yield* Products
    const inventory = yield* Inventory

    const lockProduct = (tenant: Tenant, productId: string) =>
      Effect.flatMap(
        repo.lockProduct(tenant, productId),
        Option.match({
          onNone: () => Effect.fail(new ProductNotFound({ idOrSlug: productId })),
          onSome: Effect.succeed
        })
      )

    /** Records `product.updated` with the product as `products.get` returns it, after the change. */
    const emitProductUpdated = (tenant: Tenant, productId: string) =>
      Effect.gen(function* () {
        const product = yield* products.find(tenant, productId)
        if (Option.isSome(product))
          yield* Database.boundary(Outbox.emit(tenant, "product.updated", ProductModel.toJson(product.value)))
      })

    return {
      /** The product's variants, the default first. */
      list: (tenant: Tenant, productId: string) =>
        Effect.flatMap(
          repo.list(tenant, productId),
          Option.match({
            onNone: () => Effect.fail(new ProductNotFound({ idOrSlug: productId })),
            onSome: Effect.succeed
          })
        ),

      /** Adds a variant; it becomes the default when asked to, or when the product has none yet. */
      create: (tenant: Tenant, productId: string, input: NewVariant) =>
        Database.transaction(
          Effect.gen(function* () {
            const product = yield* lockProduct(tenant, productId)
            if (input.sku !== null) yield* skus.claim(tenant, input.sku)
            const hasDefault = yield* repo.hasDefault(productId)
            if (input.isDefault && hasDefault) yield* repo.demoteDefault(productId)
            const variant = yield* repo.insert(tenant, {
              id: Ids.make("var"),
              productId,
              name: input.name,
              sku: input.sku,
              price: input.price,
              compareAtPrice: input.compareAtPrice,
              inventoryCount: input.inventoryCount,
              inventoryStatus: input.inventoryStatus ?? Status.derive(input.inventoryCount, product.threshold),
              options: input.options,
              isDefault: input.isDefault || !hasDefault,
              createdAt: null
            })
            yield* emitProductUpdated(tenant, productId)
            return variant
          })
        ),

      /**
       * Adds the variants of products that were just created and have none yet, in one transaction
       * (the demo seed, imports): SKUs claimed and statuses derived as `create` does, each
       * product's default the one marked `isDefault`, else its first. No `product.updated` event:
       * the products are new in the same transaction.
       */
      createMany: (tenant: Tenant, variants: ReadonlyArray<InitialVariant>) =>
        Database.transaction(
          Effect.gen(function* () {
            const threshold = yield* inventory.threshold(tenant)
            const defaults = new Map<string, number>()
            variants.forEach((v, i) => {
              const current = defaults.get(v.productId)
              if (current === undefined || (v.isDefault && !variants[current]!.isDefault)) defaults.set(v.productId, i)
            })
            for (const v of variants) if (v.sku !== null) yield* skus.claim(tenant, v.sku)
            yield* repo.insertMany(
              tenant,
              variants.map((v, i) => ({
                id: Ids.make("var"),
                productId: v.productId,
                name: v.name,
                sku: v.sku,
                price: v.price,
                compareAtPrice: v.compareAtPrice,
                inventoryCount: v.inventoryCount,
                inventoryStatus: v.inventoryStatus ?? Status.derive(v.inventoryCount, threshold),
                options: v.options,
                isDefault: defaults.get(v.productId) === i,
                createdAt: v.createdAt ?? null
              }))
            )
          })
        ),

      /**
       * Updates a variant. A changed `inventoryCount` is a stock change like any other: it is kept
       * in the audit trail and may emit `inventory.low`.
       */
      update: (tenant: Tenant, productId: string, variantId: string, patch: VariantPatch, actor: Actor) =>
        Database.transaction(
          Effect.gen(function* () {
            const product = yield* lockProduct(tenant, productId)
            const found = yield* repo.findForUpdate(productId, variantId)
            if (Option.isNone(found)) return yield* new VariantNotFound({ variantId })
            const current = found.value
            if (typeof patch.sku === "string" && patch.sku !== current.sku)
              yield* skus.claim(tenant, patch.sku, { variantId })
            if (patch.isDefault === false && current.isDefault) return yield* new DefaultRequired({ variantId })
            const promote = patch.isDefault === true && !current.isDefault
            if (promote) yield* repo.demoteDefault(productId)

            const count = patch.inventoryCount ?? current.inventoryCount
            const updated = yield* repo.update(productId, variantId, {
              name: patch.name ?? current.name,
              sku: patch.sku !== undefined ? patch.sku : current.sku,
              price: patch.price !== undefined ? patch.price : current.price,
              compareAtPrice: patch.compareAtPrice !== undefined ? patch.compareAtPrice : current.compareAtPrice,
              inventoryCount: count,
              inventoryStatus:
                patch.inventoryStatus ??
                (patch.inventoryCount !== undefined
                  ? Status.derive(count, product.threshold)
                  : current.inventoryStatus),
              options: patch.options ?? current.options,
              isDefault: promote || current.isDefault
            })
            if (count !== current.inventoryCount) {
              yield* inventory.recordChange(
                tenant,
                {
                  productId,
                  variantId,
                  operation: "set",
                  quantity: count,
                  previousCount: current.inventoryCount,
                  newCount: count,
                  reason: "products.updateVariant",
                  apiKeyId: actor.apiKeyId
                },
                {
                  id: variantId,
                  productId,
                  variantId,
                  name: Adjustments.itemName(product.name, updated.name),
                  sku: updated.sku,
                  inventoryCount: count,
                  inventoryStatus: updated.inventoryStatus,
                  lowStockThreshold: product.threshold
                }
              )
            }
            yield* emitProductUpdated(tenant, productId)
            return updated
          })
        ),

      /** Deletes a variant; when it was the default, the next oldest variant becomes the default. */
      remove: (tenant: Tenant, productId: string, variantId: string) =>
        Database.transaction(
          Effect.gen(function* () {
            yield* lockProduct(tenant, productId)
            const removed = yield* repo.remove(productId, variantId)
            if (Option.isNone(removed)) return yield* new VariantNotFound({ variantId })
            if (removed.value.isDefault) yield* repo.promoteOldest(productId)
            yield* emitProductUpdated(tenant, productId)
          })
        )
    }
  })
}) {}
