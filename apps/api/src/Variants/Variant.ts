/**
 * A variant: its row as SQL returns it, its domain shape, and its JSON as the API returns it
 * (the spec's `Variant`).
 */
import type { InventoryStatus } from "../Inventory/Status.js"

export interface Variant {
  readonly id: string
  readonly productId: string
  readonly name: string
  readonly sku: string | null
  readonly price: number | null
  readonly compareAtPrice: number | null
  readonly inventoryStatus: InventoryStatus
  readonly inventoryCount: number
  readonly options: Readonly<Record<string, string>>
  readonly isDefault: boolean
  readonly createdAt: Date
  readonly updatedAt: Date
}

/**
 * A variant row as SQL returns it: straight from a query (`bigint` as string, times as `Date`) or
 * inside `json_agg` (numbers, times as strings). `toVariant` accepts both.
 */
export interface VariantRow {
  readonly id: string
  readonly product_id: string
  readonly name: string
  readonly sku: string | null
  readonly price: string | number | null
  readonly compare_at_price: string | number | null
  readonly inventory_count: number
  readonly inventory_status: InventoryStatus
  readonly options: Record<string, string>
  readonly is_default: boolean
  readonly created_at: Date | string
  readonly updated_at: Date | string
}

// Minor units fit a safe integer, so Number() of the bigint text is exact.
export const money = (value: string | number | null): number | null => (value === null ? null : Number(value))

export const toVariant = (row: VariantRow): Variant => ({
  id: row.id,
  productId: row.product_id,
  name: row.name,
  sku: row.sku,
  price: money(row.price),
  compareAtPrice: money(row.compare_at_price),
  inventoryStatus: row.inventory_status,
  inventoryCount: row.inventory_count,
  options: row.options,
  isDefault: row.is_default,
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at)
})

/** A variant as the API returns it (times as ISO strings). */
export const serialize = (v: Variant) => ({
  id: v.id,
  productId: v.productId,
  name: v.name,
  sku: v.sku,
  price: v.price,
  compareAtPrice: v.compareAtPrice,
  inventoryStatus: v.inventoryStatus,
  inventoryCount: v.inventoryCount,
  options: v.options,
  isDefault: v.isDefault,
  createdAt: v.createdAt.toISOString(),
  updatedAt: v.updatedAt.toISOString()
})
