/**
 * Stock status from a count and the site's low-stock threshold, and the moment worth an
 * `inventory.low` event. The one definition: variants, inventory adjustments and the demo seed
 * all derive a status here (no SQL `CASE` repeats it).
 *
 * - 0 units → `OUT_OF_STOCK`; 1…threshold → `LOW_STOCK`; above → `IN_STOCK`.
 * - "Low" is entered when the count goes from above the threshold to at or below it; staying
 *   low (5 → 4 → 3) is not a new crossing, so a burst of sales emits one event, not one per sale.
 */
import { Schema } from "effect"

export const InventoryStatus = Schema.Literal("IN_STOCK", "LOW_STOCK", "OUT_OF_STOCK")
export type InventoryStatus = typeof InventoryStatus.Type

export const derive = (count: number, threshold: number): InventoryStatus =>
  count === 0 ? "OUT_OF_STOCK" : count <= threshold ? "LOW_STOCK" : "IN_STOCK"

/** True when this change takes the count from above the threshold to at or below it. */
export const crossedLow = (previous: number, next: number, threshold: number): boolean =>
  previous > threshold && next <= threshold

/** Largest count a stock column (PostgreSQL `integer`) holds. */
export const maxCount = 2147483647
