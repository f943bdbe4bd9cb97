/**
 * What an applicable promotion takes off a cart: an amount allocated over
 * the eligible lines, and/or the shipping.
 *
 * The computation is a closed, exhaustive match over the promotion type —
 * adding a type is a compile error here until it is priced — and returns an
 * adjustment rather than changing a cart; `toLineDiscount` hands it to
 * `@shopvo/pricing`'s `Totals.compute`.
 *
 * Invariants (checked by property tests):
 * - `amount ≤ eligibleSubtotal` and `amount ≥ 0`;
 * - the allocation covers exactly the eligible lines, sums to `amount`,
 *   and gives no line more than its own subtotal;
 * - `freeShipping` is the whole shipping for FREE_SHIPPING and 0 otherwise;
 * - `total = amount + freeShipping`.
 *
 * @since 0.1.0
 */
import { Allocation, type Cart, Ids, Money } from "@shopvo/pricing"
import * as BigDecimal from "effect/BigDecimal"
import * as Either from "effect/Either"
import * as Match from "effect/Match"
import * as Schema from "effect/Schema"
import * as Promotion from "./Promotion.js"

/**
 * A discount granted by a promotion.
 *
 * @since 0.1.0
 */
export const Discount = Schema.Struct({
  promotionId: Promotion.PromotionId,
  code: Promotion.PromotionCode,
  type: Promotion.PromotionType,
  value: Schema.NonNegativeInt,
  /** Σ subtotals of the lines the promotion applies to. */
  eligibleSubtotal: Money.Money,
  /** Off the eligible lines. */
  amount: Money.Money,
  /** `amount` split over the eligible lines, in cart order. */
  allocation: Schema.Array(Schema.Struct({ lineId: Ids.LineId, amount: Money.Money })),
  /** Off the shipping. */
  freeShipping: Money.Money,
  /** `amount + freeShipping`: the reference's `discount`. */
  total: Money.Money
}).annotations({ identifier: "Discount" })

/** @since 0.1.0 */
export interface Discount extends Schema.Schema.Type<typeof Discount> {}

/**
 * A cart line as promotions see it.
 *
 * @since 0.1.0
 */
export const EligibleLine = Schema.Struct({
  lineId: Ids.LineId,
  productId: Ids.ProductId,
  subtotal: Money.Money
})

/** @since 0.1.0 */
export interface EligibleLine extends Schema.Schema.Type<typeof EligibleLine> {}

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b)

// A decoded promotion's value is a non-negative integer; a hand-built one
// might not be, and BigInt() of a fraction or NaN would throw.
const wholeValue = (n: number): bigint => (Number.isFinite(n) && n > 0 ? BigInt(Math.trunc(n)) : 0n)

interface Amounts {
  readonly amount: bigint
  readonly freeShipping: bigint
}

interface Context {
  readonly promotion: Promotion.Promotion
  readonly eligible: Money.Money
  readonly shipping: Money.Money
  readonly rounding: BigDecimal.RoundingMode
}

/**
 * How each promotion type prices a cart, as an exhaustive match: a new
 * `PromotionType` does not compile until it is handled here.
 */
const pricerFor: (type: Promotion.PromotionType) => (context: Context) => Amounts =
  Match.type<Promotion.PromotionType>().pipe(
    Match.when("PERCENTAGE", () => ({ eligible, promotion, rounding }: Context): Amounts => {
      // value is a whole percent ≤ 100 by construction; clamping keeps a
      // hand-built promotion from discounting more than the eligible lines.
      const percent = min(wholeValue(promotion.value), 100n)
      const off = Money.multiplyByDecimal(eligible, BigDecimal.make(percent, 2), rounding)
      // With percent ≤ 100 the product is ≤ the eligible subtotal, so it cannot
      // leave the safe range; falling back to the cap keeps the type total.
      return { amount: Either.isRight(off) ? BigInt(off.right.amount) : BigInt(eligible.amount), freeShipping: 0n }
    }),
    Match.when(
      "FIXED_AMOUNT",
      () =>
        ({ eligible, promotion }: Context): Amounts => ({
          amount: min(wholeValue(promotion.value), BigInt(eligible.amount)),
          freeShipping: 0n
        })
    ),
    Match.when(
      "FREE_SHIPPING",
      () =>
        ({ shipping }: Context): Amounts => ({
          amount: 0n,
          freeShipping: BigInt(shipping.amount)
        })
    ),
    Match.exhaustive
  )

/**
 * The discount of an applicable promotion over its eligible lines (already
 * filtered, non-negative, in the cart's currency) and the shipping. When the
 * cart is known only by its subtotal, pass that as `eligibleSubtotal` with no
 * lines: the amount is computed and the allocation is empty. Fails only if
 * the discount plus shipping leaves the safe-integer range.
 *
 * @since 0.1.0
 */
export const compute = (options: {
  readonly promotion: Promotion.Promotion
  readonly eligibleLines: ReadonlyArray<EligibleLine>
  readonly eligibleSubtotal: Money.Money
  readonly shipping: Money.Money
  readonly rounding?: BigDecimal.RoundingMode
}): Either.Either<Discount, Money.AmountOutOfRange> => {
  const { eligibleLines, eligibleSubtotal, promotion, shipping } = options
  const currency = eligibleSubtotal.currency
  const { amount, freeShipping } = pricerFor(promotion.type)({
    promotion,
    eligible: eligibleSubtotal,
    shipping,
    rounding: options.rounding ?? Money.defaultRounding
  })
  // amount ≤ Σ line subtotals, so largest remainder gives no line more than
  // its own subtotal.
  const shares =
    eligibleLines.length === 0
      ? []
      : Allocation.allocateBigInt(
          amount,
          eligibleLines.map((l) => BigInt(l.subtotal.amount))
        )
  // amount ≤ eligible subtotal and freeShipping = shipping are safe
  // integers; only their sum needs checking.
  return Either.map(Money.fromMinorBigInt(amount + freeShipping, currency, "promotion discount"), (total) => ({
    promotionId: promotion.id,
    code: promotion.code,
    type: promotion.type,
    value: promotion.value,
    eligibleSubtotal,
    amount: { amount: Number(amount), currency },
    allocation: eligibleLines.map((line, i) => ({
      lineId: line.lineId,
      amount: { amount: Number(shares[i]!), currency }
    })),
    freeShipping: { amount: Number(freeShipping), currency },
    total
  }))
}

/**
 * The discount as a line discount for `Totals.compute` of `@shopvo/pricing`
 * (labelled with the code, restricted to the eligible lines). Totals
 * allocates it by the same largest-remainder rule, so a promotion applied
 * first gets the same per-line split as `allocation`.
 *
 * @since 0.1.0
 */
export const toLineDiscount = (discount: Discount): Cart.LineDiscount => ({
  label: discount.code,
  amount: discount.amount,
  // No allocation means the cart was known by its subtotal only, for a
  // promotion on every product: spread it over all lines.
  lineIds: discount.allocation.length === 0 ? null : discount.allocation.map((a) => a.lineId)
})

/**
 * The discount on shipping, for `Cart.Shipping.discount` of `@shopvo/pricing`.
 *
 * @since 0.1.0
 */
export const toShippingDiscount = (discount: Discount): Money.Money => discount.freeShipping
