/**
 * A variant: the schema its rows decode with (a plain row and the JSON PostgreSQL builds for a
 * product's `variants` select the same columns, `columns`), and its JSON as the API returns it
 * (the spec's `Variant`). Its domain errors are defined here, once: inventory adjustments fail
 * with the same `VariantNotFound`.
 */
import type { Variant as ContractVariant, Operation } from "@shopvo/contract"
import { Data, Schema } from "effect"
import { InventoryStatus } from "../Inventory/Status.js"
import { Amount, iso, jsonObject, selectList, Timestamp } from "../Products/Columns.js"

export class VariantNotFound extends Data.TaggedError("VariantNotFound")<{ readonly variantId: string }> {}
/** `isDefault: false` on the default variant: a product with variants always keeps one. */
export class DefaultRequired extends Data.TaggedError("DefaultRequired")<{ readonly variantId: string }> {}
/**
 * Another writer made a second default at the same moment. Cannot happen between writers that
 * take the product lock (all of the `Variants` service); kept so the index's refusal is a 409, never a 500.
 */
export class DefaultConflict extends Data.TaggedError("DefaultConflict")<{ readonly productId: string }> {}

/** A plain struct, not a `Schema.Class`: a product page decodes dozens, and instances cost more to build. */
export const Variant = Schema.Struct({
  id: Schema.String,
  productId: Schema.String,
  name: Schema.String,
  sku: Schema.NullOr(Schema.String),
  /** Null: the product's price applies. */
  price: Schema.NullOr(Amount),
  compareAtPrice: Schema.NullOr(Amount),
  inventoryStatus: InventoryStatus,
  inventoryCount: Schema.Int,
  options: Schema.Record({ key: Schema.String, value: Schema.String }),
  isDefault: Schema.Boolean,
  /** Shipping weight (grams) and box (millimetres), null while unknown. */
  weightGrams: Schema.NullOr(Schema.Int),
  lengthMm: Schema.NullOr(Schema.Int),
  widthMm: Schema.NullOr(Schema.Int),
  heightMm: Schema.NullOr(Schema.Int),
  createdAt: Timestamp,
  updatedAt: Timestamp
})
export type Variant = typeof Variant.Type

/** The variant's fields as SQL over the `variants` row aliased `alias`. */
const columns = (alias: string): ReadonlyArray<readonly [string, string]> => [
  ["id", `${alias}.id`],
  ["productId", `${alias}.product_id`],
  ["name", `${alias}.name`],
  ["sku", `${alias}.sku`],
  ["price", `${alias}.price::text`],
  ["compareAtPrice", `${alias}.compare_at_price::text`],
  ["inventoryStatus", `${alias}.inventory_status`],
  ["inventoryCount", `${alias}.inventory_count`],
  ["options", `${alias}.options`],
  ["isDefault", `${alias}.is_default`],
  ["weightGrams", `${alias}.weight_grams`],
  ["lengthMm", `${alias}.length_mm`],
  ["widthMm", `${alias}.width_mm`],
  ["heightMm", `${alias}.height_mm`],
  ["createdAt", iso(`${alias}.created_at`)],
  ["updatedAt", iso(`${alias}.updated_at`)]
]

/** A select (or `returning`) list decoding to `Variant`. */
export const selectColumns = (alias: string): string => selectList(columns(alias))

/** The order of a product's variants: the default first, then the oldest. */
export const order = (alias: string): string => `${alias}.is_default desc, ${alias}.created_at, ${alias}.id`

/** SQL for every variant of the product whose id is `productId` (an SQL expression), as a JSON array. */
export const jsonArray = (productId: string): string =>
  `(select coalesce(json_agg(${jsonObject(columns("v"))} order by ${order("v")}), '[]'::json) ` +
  `from variants v where v.product_id = ${productId})`

/** A variant as the API returns it. */
export const toJson = (v: Variant): Operation.Immutable<ContractVariant> => ({
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
  parcel: {
    weightGrams: v.weightGrams,
    // The migration keeps the three together: all set or none.
    dimensions:
      v.lengthMm === null || v.widthMm === null || v.heightMm === null
        ? null
        : { lengthMm: v.lengthMm, widthMm: v.widthMm, heightMm: v.heightMm }
  },
  createdAt: v.createdAt,
  updatedAt: v.updatedAt
})
