/**
 * Validating a code a customer typed against their cart: either the
 * discount it gives, or the reason it gives nothing.
 *
 * A rejection is one of seven tagged errors, each carrying a `reason` string
 * a storefront can show (or translate) and the facts behind it. Checks run
 * in a fixed order, from what the customer cannot change to what they can,
 * so the first reason reported is the most useful one:
 *
 * 1. `not_found` — no promotion, or its code is not the one typed
 *    (compared case-insensitively);
 * 2. `expired`, `exhausted`, `scheduled` — the promotion's status at `now`
 *    (see `Promotion.status` for their precedence);
 * 3. `customer_limit_reached` — this customer used it `perCustomerLimit`
 *    times already;
 * 4. `not_applicable` — the cart is in another currency than the
 *    promotion's amounts, or holds none of the products it applies to;
 * 5. `min_order_not_met` — the cart subtotal is below `minOrderAmount`.
 *
 * Malformed carts (lines in another currency, negative subtotals) are not
 * storefront reasons: they fail with `@shopvo/pricing`'s `CurrencyMismatch`
 * or `NegativeAmount`.
 *
 * @since 0.1.0
 */
import { Money } from "@shopvo/pricing"
import * as Data from "effect/Data"
import * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Discount from "./Discount.js"
import * as Promotion from "./Promotion.js"

/**
 * The reasons a storefront can show for a code that gives no discount.
 *
 * @since 0.1.0
 */
export const Reason = Schema.Literal(
  "not_found",
  "expired",
  "scheduled",
  "exhausted",
  "min_order_not_met",
  "customer_limit_reached",
  "not_applicable"
)

/** @since 0.1.0 */
export type Reason = Schema.Schema.Type<typeof Reason>

/**
 * No promotion has the code that was typed.
 *
 * @since 0.1.0
 */
export class PromotionNotFound extends Data.TaggedError("PromotionNotFound")<{
  readonly code: string
}> {
  readonly reason = "not_found" as const
  override get message(): string {
    return `No promotion has the code ${JSON.stringify(this.code)}`
  }
}

/**
 * The promotion's end date has passed.
 *
 * @since 0.1.0
 */
export class PromotionExpired extends Data.TaggedError("PromotionExpired")<{
  readonly code: Promotion.PromotionCode
  readonly expiresAt: DateTime.Utc
}> {
  readonly reason = "expired" as const
  override get message(): string {
    return `Promotion ${this.code} expired at ${DateTime.formatIso(this.expiresAt)}`
  }
}

/**
 * The promotion has not started yet.
 *
 * @since 0.1.0
 */
export class PromotionScheduled extends Data.TaggedError("PromotionScheduled")<{
  readonly code: Promotion.PromotionCode
  readonly startsAt: DateTime.Utc
}> {
  readonly reason = "scheduled" as const
  override get message(): string {
    return `Promotion ${this.code} starts at ${DateTime.formatIso(this.startsAt)}`
  }
}

/**
 * The promotion has been used as many times as it may be.
 *
 * @since 0.1.0
 */
export class PromotionExhausted extends Data.TaggedError("PromotionExhausted")<{
  readonly code: Promotion.PromotionCode
  readonly maxUses: number
  readonly usedCount: number
}> {
  readonly reason = "exhausted" as const
  override get message(): string {
    return `Promotion ${this.code} has been used ${this.usedCount} of ${this.maxUses} times`
  }
}

/**
 * This customer has used the promotion as many times as one customer may.
 *
 * @since 0.1.0
 */
export class CustomerLimitReached extends Data.TaggedError("CustomerLimitReached")<{
  readonly code: Promotion.PromotionCode
  readonly perCustomerLimit: number
  readonly customerUses: number
}> {
  readonly reason = "customer_limit_reached" as const
  override get message(): string {
    return `Promotion ${this.code} can be used ${this.perCustomerLimit} time(s) per customer; this customer used it ${this.customerUses}`
  }
}

/**
 * The promotion does not apply to this cart: wrong currency, or none of
 * its products.
 *
 * @since 0.1.0
 */
export class PromotionNotApplicable extends Data.TaggedError("PromotionNotApplicable")<{
  readonly code: Promotion.PromotionCode
  readonly because: "currency" | "products"
}> {
  readonly reason = "not_applicable" as const
  override get message(): string {
    return this.because === "currency"
      ? `Promotion ${this.code} is for another currency than the cart's`
      : `Promotion ${this.code} applies to none of the products in the cart`
  }
}

/**
 * The cart subtotal is below the promotion's minimum order amount.
 *
 * @since 0.1.0
 */
export class MinOrderNotMet extends Data.TaggedError("MinOrderNotMet")<{
  readonly code: Promotion.PromotionCode
  readonly minOrderAmount: Money.Money
  readonly subtotal: Money.Money
}> {
  readonly reason = "min_order_not_met" as const
  override get message(): string {
    return `Promotion ${this.code} needs a subtotal of at least ${this.minOrderAmount.amount} (${this.minOrderAmount.currency} minor units); the cart has ${this.subtotal.amount}`
  }
}

/**
 * Every reason a code can be refused, each with a `reason` a storefront can
 * show.
 *
 * @since 0.1.0
 */
export type Rejection =
  | PromotionNotFound
  | PromotionExpired
  | PromotionScheduled
  | PromotionExhausted
  | CustomerLimitReached
  | PromotionNotApplicable
  | MinOrderNotMet

/**
 * A cart as promotion validation sees it: its subtotal, its lines (empty
 * when only the subtotal is known, as in the reference's validate endpoint)
 * and its shipping charge (0 while shipping is not chosen yet).
 *
 * @since 0.1.0
 */
export const CartSummary = Schema.Struct({
  subtotal: Money.Money,
  lines: Schema.Array(Discount.EligibleLine),
  shipping: Money.Money
}).annotations({ identifier: "PromotionCart" })

/** @since 0.1.0 */
export interface CartSummary extends Schema.Schema.Type<typeof CartSummary> {}

/**
 * Everything validation needs. `promotion` is what a lookup by the
 * normalised code found (or undefined); `customerEmail` is null for an
 * anonymous cart; `customerUses` is how many times that customer has used
 * the promotion; `now` is the instant of validation; `rounding` (half-even
 * by default) rounds percentage discounts.
 *
 * @since 0.1.0
 */
export const Input = Schema.Struct({
  promotion: Schema.optional(Promotion.Promotion),
  code: Schema.String,
  cart: CartSummary,
  customerEmail: Schema.NullOr(Schema.String),
  customerUses: Schema.NonNegativeInt,
  now: Schema.DateTimeUtc,
  rounding: Schema.optional(Money.RoundingMode)
}).annotations({ identifier: "PromotionValidationInput" })

/** @since 0.1.0 */
export interface Input extends Schema.Schema.Type<typeof Input> {}

/**
 * Validates a code against a cart. Succeeds with the discount (possibly
 * zero, e.g. free shipping before shipping is chosen), or fails with a
 * `Rejection` whose `reason` a storefront shows, or with a pricing error
 * when the cart itself is malformed.
 *
 * The per-customer limit is checked against `customerUses`, which the caller
 * counts by `customerEmail`. An anonymous cart (no email yet) has no known
 * uses and passes with 0, so checkout must validate again once the email is
 * known, before the order is placed.
 *
 * @example
 * ```ts
 * const result = Validation.validate({ promotion, code: "welcome20", cart, customerEmail: null, customerUses: 0, now })
 * if (Either.isLeft(result) && "reason" in result.left) showError(result.left.reason)
 * ```
 *
 * @since 0.1.0
 */
export const validate = (
  input: Input
): Either.Either<
  Discount.Discount,
  Rejection | Money.CurrencyMismatch | Money.NegativeAmount | Money.AmountOutOfRange
> => {
  const { cart, promotion } = input
  const currency = cart.subtotal.currency

  // The cart first: a malformed cart is a bug in the caller, whatever the code.
  const shape = checkCart(cart)
  if (Either.isLeft(shape)) return Either.left(shape.left)

  if (promotion === undefined || !Promotion.matchesCode(promotion, input.code)) {
    return Either.left(new PromotionNotFound({ code: input.code }))
  }
  const code = promotion.code

  const status = Promotion.status(promotion, input.now)
  if (status === "EXPIRED" && promotion.expiresAt !== null) {
    return Either.left(new PromotionExpired({ code, expiresAt: promotion.expiresAt }))
  }
  if (status === "EXHAUSTED" && promotion.maxUses !== null) {
    return Either.left(new PromotionExhausted({ code, maxUses: promotion.maxUses, usedCount: promotion.usedCount }))
  }
  if (status === "SCHEDULED" && promotion.startsAt !== null) {
    return Either.left(new PromotionScheduled({ code, startsAt: promotion.startsAt }))
  }

  if (promotion.perCustomerLimit !== null && input.customerUses >= promotion.perCustomerLimit) {
    return Either.left(
      new CustomerLimitReached({ code, perCustomerLimit: promotion.perCustomerLimit, customerUses: input.customerUses })
    )
  }

  if (promotion.currency !== null && promotion.currency !== currency) {
    return Either.left(new PromotionNotApplicable({ code, because: "currency" }))
  }

  // Eligible lines: all when the promotion is not restricted; the cart's
  // subtotal stands in for its lines when none are given.
  const restricted = promotion.appliesToProducts.length > 0
  const products = new Set<string>(promotion.appliesToProducts)
  const eligibleLines = restricted ? cart.lines.filter((l) => products.has(l.productId)) : cart.lines
  if (restricted && eligibleLines.length === 0) {
    return Either.left(new PromotionNotApplicable({ code, because: "products" }))
  }
  let eligibleSubtotal: Money.Money = cart.subtotal
  if (cart.lines.length > 0) {
    let sum = 0n
    for (const line of eligibleLines) sum += BigInt(line.subtotal.amount)
    const total = Money.fromMinorBigInt(sum, currency, "eligible subtotal")
    if (Either.isLeft(total)) return Either.left(total.left)
    eligibleSubtotal = total.right
  }

  if (promotion.minOrderAmount !== null && cart.subtotal.amount < promotion.minOrderAmount) {
    return Either.left(
      new MinOrderNotMet({
        code,
        minOrderAmount: { amount: promotion.minOrderAmount, currency },
        subtotal: cart.subtotal
      })
    )
  }

  return Discount.compute({
    promotion,
    eligibleLines,
    eligibleSubtotal,
    shipping: cart.shipping,
    ...(input.rounding === undefined ? {} : { rounding: input.rounding })
  })
}

const checkCart = (cart: CartSummary): Either.Either<void, Money.CurrencyMismatch | Money.NegativeAmount> => {
  const currency = cart.subtotal.currency
  const check = (money: Money.Money, field: string) =>
    Either.flatMap(Money.assertCurrency(money, currency, "validate promotion"), (m) => Money.nonNegative(m, field))
  const subtotal = check(cart.subtotal, "cart subtotal")
  if (Either.isLeft(subtotal)) return Either.left(subtotal.left)
  const shipping = check(cart.shipping, "shipping")
  if (Either.isLeft(shipping)) return Either.left(shipping.left)
  for (const line of cart.lines) {
    const r = check(line.subtotal, `subtotal of line ${line.lineId}`)
    if (Either.isLeft(r)) return Either.left(r.left)
  }
  return Either.right(undefined)
}

/**
 * Whether a failure of `validate` is a storefront reason (as opposed to a
 * malformed cart).
 *
 * @since 0.1.0
 */
export const isRejection = (u: unknown): u is Rejection =>
  typeof u === "object" && u !== null && "reason" in u && Schema.is(Reason)((u as { reason: unknown }).reason)
