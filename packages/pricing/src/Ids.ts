/**
 * Branded identifiers of the catalogue and cart objects that pricing refers
 * to. They are opaque non-empty strings (`prd_…`, `var_…`, cart line ids);
 * the brand keeps a product id from being passed where a variant id is
 * expected.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * A product id, e.g. "prd_abc123".
 *
 * @since 0.1.0
 */
export const ProductId = Schema.NonEmptyTrimmedString.pipe(Schema.brand("ProductId"))

/** @since 0.1.0 */
export type ProductId = Schema.Schema.Type<typeof ProductId>

/**
 * A product variant id, e.g. "var_s".
 *
 * @since 0.1.0
 */
export const VariantId = Schema.NonEmptyTrimmedString.pipe(Schema.brand("VariantId"))

/** @since 0.1.0 */
export type VariantId = Schema.Schema.Type<typeof VariantId>

/**
 * A cart or order line id, unique within its cart.
 *
 * @since 0.1.0
 */
export const LineId = Schema.NonEmptyTrimmedString.pipe(Schema.brand("LineId"))

/** @since 0.1.0 */
export type LineId = Schema.Schema.Type<typeof LineId>
