/**
 * Inventory: stock levels and adjustments, over `InventoryRepo`. An adjustment is one
 * transaction: the item's row is locked and its latest count read, the new count and status are
 * computed by the rules of `Adjustments` and `Status`, then the count, its audit row and (when
 * the count enters the low-stock range) `inventory.low` are written. Two racing decrements
 * therefore queue on the row and see each other's result; a decrement below zero changes nothing.
 */
import { Database, Outbox, type Tenant } from "@shopvo/kernel"
import { Data, Effect, Option } from "effect"
import { ProductNotFound } from "../Products/Errors.js"
import { VariantNotFound } from "../Variants/Variant.js"
import * as Adjustments from "./Adjustments.js"
import { InventoryRepo, type Item, type Level } from "./Repo.js"
import * as Status from "./Status.js"

export type { Level } from "./Repo.js"

/** The product has variants: its stock is theirs, so the adjustment must name one. */
export class VariantRequired extends Data.TaggedError("VariantRequired")<{ readonly productId: string }> {}

export interface AdjustInput {
  readonly operation: Adjustments.Operation
  readonly quantity: number
  readonly variantId: string | undefined
  readonly reason: string | null
  readonly apiKeyId: string | null
}

export class Inventory extends Effect.Service<Inventory>()("@shopvo/api/Inventory", {
  accessors: true,
  dependencies: [InventoryRepo.Default],
  effect: Effect.gen(function* () {
    const repo = yield* InventoryRepo

    /**
     * Records a change of an item's count, made in the caller's transaction: its audit row, and
     * `inventory.low` when the change takes the count into the low-stock range.
     */
    const recordChange = (tenant: Tenant, adjustment: Adjustments.Adjustment, level: Level) =>
      Effect.gen(function* () {
        yield* repo.record(tenant, adjustment)
        if (Status.crossedLow(adjustment.previousCount, adjustment.newCount, level.lowStockThreshold))
          yield* Database.boundary(Outbox.emit(tenant, "inventory.low", { ...level }))
      })

    return {
      list: repo.list,
      /** The site's low-stock threshold, which statuses are derived with. */
      threshold: repo.threshold,
      recordChange,
      /**
       * Applies a `set | increment | decrement` to a variant (`variantId`) or to a product without
       * variants. Returns the item's new level.
       */
      adjust: (tenant: Tenant, productId: string, input: AdjustInput) =>
        Database.transaction(
          Effect.gen(function* () {
            const found = yield* repo.target(tenant, productId, input.variantId ?? null)
            if (Option.isNone(found)) return yield* new ProductNotFound({ idOrSlug: productId })
            const target = found.value
            if (input.variantId !== undefined && target.variantId === null)
              return yield* new VariantNotFound({ variantId: input.variantId })
            if (input.variantId === undefined && target.hasVariants) return yield* new VariantRequired({ productId })

            const variantId = target.variantId
            const item: Item =
              variantId === null ? { table: "products", id: productId } : { table: "variants", id: variantId }
            const previous = yield* repo.lockCount(tenant, item)
            // The item vanished between the look-up and the lock (deleted concurrently).
            if (Option.isNone(previous))
              return yield* variantId === null
                ? new ProductNotFound({ idOrSlug: productId })
                : new VariantNotFound({ variantId })
            const count = yield* Adjustments.apply(input.operation, input.quantity, previous.value)
            const level: Level = {
              id: item.id,
              productId,
              variantId,
              name: Adjustments.itemName(target.name, target.variantName),
              sku: variantId === null ? target.sku : target.variantSku,
              inventoryCount: count,
              inventoryStatus: Status.derive(count, target.threshold),
              lowStockThreshold: target.threshold
            }
            yield* repo.writeCount(item, count, level.inventoryStatus)
            yield* recordChange(
              tenant,
              {
                productId,
                variantId,
                operation: input.operation,
                quantity: input.quantity,
                previousCount: previous.value,
                newCount: count,
                reason: input.reason,
                apiKeyId: input.apiKeyId
              },
              level
            )
            return level
          })
        )
    }
  })
}) {}
