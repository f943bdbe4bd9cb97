/**
 * What a cart total is computed from: priced lines, discounts to spread over
 * them, shipping, and the balances (gift cards, store credit, loyalty) the
 * customer wants to spend.
 *
 * This module only describes the input; `Totals.compute` turns it into
 * totals. Every amount in a cart carries its currency and must be in the
 * cart's currency — a mismatch is a typed failure, never a conversion.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Schema from "effect/Schema"
import * as Currency from "./Currency.js"
import * as Ids from "./Ids.js"
import * as Money from "./Money.js"
import * as PriceList from "./PriceList.js"
import * as Rate from "./Rate.js"
import * as Tax from "./Tax.js"

/**
 * One cart line. The unit price is the variant's price, or the product's
 * when the variant has none (`variantPrice: null`), before any price list.
 *
 * @since 0.1.0
 */
export const Line = Schema.Struct({
  id: Ids.LineId,
  productId: Ids.ProductId,
  variantId: Schema.NullOr(Ids.VariantId),
  quantity: Schema.Int.pipe(Schema.positive()),
  productPrice: Money.Money,
  variantPrice: Schema.NullOr(Money.Money),
  taxRate: Rate.Rate
}).annotations({ identifier: "CartLine" })

/** @since 0.1.0 */
export interface Line extends Schema.Schema.Type<typeof Line> {}

/**
 * An amount off, spread over some lines (all lines when `lineIds` is null)
 * in proportion to what is left of their subtotals. `label` names it in the
 * result (a promotion code, "B2B volume discount"…).
 *
 * @since 0.1.0
 */
export const LineDiscount = Schema.Struct({
  label: Schema.String,
  amount: Money.Money,
  lineIds: Schema.NullOr(Schema.Array(Ids.LineId))
}).annotations({ identifier: "LineDiscount" })

/** @since 0.1.0 */
export interface LineDiscount extends Schema.Schema.Type<typeof LineDiscount> {}

/**
 * The shipping charge, its tax rate (zero when shipping is not taxed) and a
 * discount on it (free-shipping promotions), capped at the price.
 *
 * @since 0.1.0
 */
export const Shipping = Schema.Struct({
  price: Money.Money,
  taxRate: Rate.Rate,
  discount: Schema.optional(Money.Money)
}).annotations({ identifier: "Shipping" })

/** @since 0.1.0 */
export interface Shipping extends Schema.Schema.Type<typeof Shipping> {}

/**
 * A gift card the customer wants to spend, with the most that may be taken
 * from it (its remaining balance, or less).
 *
 * @since 0.1.0
 */
export const GiftCardReduction = Schema.Struct({
  code: Schema.NonEmptyTrimmedString,
  amount: Money.Money
}).annotations({ identifier: "GiftCardReduction" })

/** @since 0.1.0 */
export interface GiftCardReduction extends Schema.Schema.Type<typeof GiftCardReduction> {}

/**
 * Balances to spend after tax, each an upper bound: gift cards (in the order
 * given), then store credit, then the value of redeemed loyalty points.
 *
 * @since 0.1.0
 */
export const Reductions = Schema.Struct({
  giftCards: Schema.optional(Schema.Array(GiftCardReduction)),
  storeCredit: Schema.optional(Money.Money),
  loyalty: Schema.optional(Money.Money)
}).annotations({ identifier: "Reductions" })

/** @since 0.1.0 */
export interface Reductions extends Schema.Schema.Type<typeof Reductions> {}

/**
 * A cart to total. Optional parts default to nothing (no price list, no
 * discounts, no shipping, no reductions, half-even rounding).
 *
 * @since 0.1.0
 */
export const Cart = Schema.Struct({
  currency: Currency.Code,
  taxMode: Tax.Mode,
  lines: Schema.Array(Line),
  priceList: Schema.optional(PriceList.PriceList),
  discounts: Schema.optional(Schema.Array(LineDiscount)),
  shipping: Schema.optional(Shipping),
  reductions: Schema.optional(Reductions),
  rounding: Schema.optional(Money.RoundingMode)
}).annotations({ identifier: "Cart" })

/** @since 0.1.0 */
export interface Cart extends Schema.Schema.Type<typeof Cart> {}

/**
 * A discount names a line that is not in the cart.
 *
 * @since 0.1.0
 */
export class UnknownLine extends Data.TaggedError("UnknownLine")<{
  readonly lineId: string
  readonly discount: string
}> {
  override get message(): string {
    return `Discount ${this.discount} refers to line ${this.lineId}, which is not in the cart`
  }
}

/**
 * Two lines of the cart share an id.
 *
 * @since 0.1.0
 */
export class DuplicateLine extends Data.TaggedError("DuplicateLine")<{
  readonly lineId: string
}> {
  override get message(): string {
    return `Line ${this.lineId} appears more than once in the cart`
  }
}
