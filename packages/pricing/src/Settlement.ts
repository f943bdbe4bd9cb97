/**
 * Multi-currency settlement: which currency an order settles in, what it
 * settles for, and what each refund takes back.
 *
 * A shopper pays in the presentment currency; the merchant is paid in a
 * settlement currency (EUR, USD or GBP), chosen by ordered routing rules. The
 * order's total is converted once, at the rate in effect when it was placed,
 * with `Conversion.convert` (exact integer arithmetic, one half-even rounding).
 *
 * Invariants:
 * - `settlement` is exactly `convert(presentment, rate)`: the three recorded
 *   values agree to the minor unit and can be re-checked at any time;
 * - a refund settles in the order's settlement currency at the order's recorded
 *   rate, never today's; refunds are converted cumulatively (what all refunds
 *   so far are worth, minus what the earlier ones took), so refunding the whole
 *   order in any number of parts takes back exactly the settlement total;
 * - refunds never exceed the presentment total.
 *
 * @since 0.1.0
 */
import type * as BigDecimal from "effect/BigDecimal"
import * as Data from "effect/Data"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Conversion from "./Conversion.js"
import type * as Currency from "./Currency.js"
import * as Money from "./Money.js"

/**
 * The currencies a merchant can settle in.
 *
 * @since 0.1.0
 */
export const SettlementCurrency = Schema.Literal("EUR", "USD", "GBP").annotations({ identifier: "SettlementCurrency" })

/** @since 0.1.0 */
export type SettlementCurrency = Schema.Schema.Type<typeof SettlementCurrency>

/**
 * A routing rule: orders matching every condition it names settle in
 * `settlementCurrency`. A rule names at least one condition.
 *
 * @since 0.1.0
 */
export interface Rule {
  readonly presentmentCurrency: Currency.Code | null
  /** ISO 3166-1 alpha-2 country of the order's address. */
  readonly country: string | null
  readonly settlementCurrency: SettlementCurrency
}

/**
 * The settlement currency of an order: the first rule that matches it, else
 * `defaultCurrency`.
 *
 * @since 0.1.0
 */
export const route = <D extends Currency.Code>(
  rules: ReadonlyArray<Rule>,
  defaultCurrency: D,
  order: { readonly presentmentCurrency: Currency.Code; readonly country: string | null }
): SettlementCurrency | D => {
  const matches = (rule: Rule) =>
    (rule.presentmentCurrency !== null || rule.country !== null) &&
    (rule.presentmentCurrency === null || rule.presentmentCurrency === order.presentmentCurrency) &&
    (rule.country === null || rule.country === order.country)
  return rules.find(matches)?.settlementCurrency ?? defaultCurrency
}

/**
 * An order's settlement as recorded when it was placed.
 *
 * @since 0.1.0
 */
export interface Settled {
  readonly presentment: Money.Money
  readonly settlement: Money.Money
  /** Units of the settlement currency per unit of the presentment currency, as quoted. */
  readonly rate: string
}

/**
 * A refund larger than what remains refundable.
 *
 * @since 0.1.0
 */
export class RefundExceedsTotal extends Data.TaggedError("RefundExceedsTotal")<{
  readonly total: number
  readonly alreadyRefunded: number
  readonly requested: number
  readonly currency: Currency.Code
}> {
  override get message(): string {
    return `Cannot refund ${this.requested} ${this.currency}: ${this.alreadyRefunded} of ${this.total} already refunded`
  }
}

/**
 * Settles `presentment` into `to` at `rate`. The same currency settles at
 * rate 1 whatever `rate` says, so an order paid in its settlement currency
 * never moves by a rounding.
 *
 * @example
 * ```ts
 * // 25.99 GBP at 1.1712 EUR/GBP = 30.439488 EUR → 30.44 EUR
 * Settlement.settle({ amount: 2599, currency: "GBP" }, "EUR", "1.1712")
 * ```
 *
 * @since 0.1.0
 */
export const settle = (
  presentment: Money.Money,
  to: Currency.Code,
  rate: string,
  rounding: BigDecimal.RoundingMode = Money.defaultRounding
): Either.Either<Settled, Money.InvalidRate | Money.AmountOutOfRange> => {
  const effective = presentment.currency === to ? "1" : rate
  return Either.map(Conversion.convert(presentment, to, effective, rounding), (settlement) => ({
    presentment,
    settlement,
    rate: effective
  }))
}

/**
 * Whether a recorded settlement is consistent: the settlement amount is the
 * presentment amount at the recorded rate, to the minor unit.
 *
 * @since 0.1.0
 */
export const agrees = (settled: Settled, rounding: BigDecimal.RoundingMode = Money.defaultRounding): boolean =>
  Either.match(Conversion.convert(settled.presentment, settled.settlement.currency, settled.rate, rounding), {
    onLeft: () => false,
    onRight: (expected) => expected.amount === settled.settlement.amount
  })

/**
 * What a refund of `refund` (in the presentment currency) takes back in the
 * settlement currency, at the order's recorded rate, given what earlier
 * refunds (`alreadyRefunded`, presentment) took.
 *
 * @since 0.1.0
 */
export const refund = (
  settled: Settled,
  alreadyRefunded: Money.Money,
  refund: Money.Money,
  rounding: BigDecimal.RoundingMode = Money.defaultRounding
): Either.Either<
  Money.Money,
  Money.CurrencyMismatch | Money.NegativeAmount | Money.InvalidRate | Money.AmountOutOfRange | RefundExceedsTotal
> =>
  Either.gen(function* () {
    const currency = settled.presentment.currency
    for (const amount of [alreadyRefunded, refund]) {
      if (amount.currency !== currency) {
        return yield* Either.left(
          new Money.CurrencyMismatch({ expected: currency, actual: amount.currency, operation: "refund" })
        )
      }
      yield* Money.nonNegative(amount, "refund")
    }
    const after = BigInt(alreadyRefunded.amount) + BigInt(refund.amount)
    if (after > BigInt(settled.presentment.amount)) {
      return yield* Either.left(
        new RefundExceedsTotal({
          total: settled.presentment.amount,
          alreadyRefunded: alreadyRefunded.amount,
          requested: refund.amount,
          currency
        })
      )
    }
    const to = settled.settlement.currency
    // Cumulative conversion: the refunds' settlement amounts add up to the
    // conversion of their presentment sum, so a full refund is the settlement total.
    const before = yield* Conversion.convert(alreadyRefunded, to, settled.rate, rounding)
    const total = yield* Conversion.convert({ amount: Number(after), currency }, to, settled.rate, rounding)
    return { amount: total.amount - before.amount, currency: to }
  })
