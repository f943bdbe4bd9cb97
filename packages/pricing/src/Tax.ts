/**
 * Tax on an amount at a rate, for prices quoted without tax (EXCLUSIVE, the
 * US and B2B habit) or with tax included (INCLUSIVE, the EU consumer habit).
 *
 * - EXCLUSIVE: the amount is net; tax = round(net × rate); gross = net + tax.
 * - INCLUSIVE: the amount is gross; tax = round(gross × rate / (1 + rate));
 *   net = gross − tax. The price a customer saw is the price they pay.
 *
 * Invariants: net + tax = gross exactly; for a non-negative amount all three
 * are non-negative and, in INCLUSIVE mode, the tax never exceeds the gross.
 * The single rounding is done with the caller's mode on the tax itself.
 *
 * @since 0.1.0
 */
import type * as BigDecimal from "effect/BigDecimal"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Money from "./Money.js"
import * as Rate from "./Rate.js"
import { divideRounded } from "./internal/rounding.js"

/**
 * Whether prices include tax.
 *
 * @since 0.1.0
 */
export const Mode = Schema.Literal("EXCLUSIVE", "INCLUSIVE").annotations({ identifier: "TaxMode" })

/** @since 0.1.0 */
export type Mode = Schema.Schema.Type<typeof Mode>

/**
 * The net, tax and gross of one taxed amount.
 *
 * @since 0.1.0
 */
export const Breakdown = Schema.Struct({
  net: Money.Money,
  tax: Money.Money,
  gross: Money.Money
}).annotations({ identifier: "TaxBreakdown" })

/** @since 0.1.0 */
export interface Breakdown extends Schema.Schema.Type<typeof Breakdown> {}

/**
 * Tax of `amount` at a fraction (0.21 for 21%) already validated as
 * non-negative. Used by `compute` and by cart totals, which validate each
 * rate once.
 *
 * @since 0.1.0
 */
export const computeWithFraction = (
  amount: Money.Money,
  fraction: BigDecimal.BigDecimal,
  mode: Mode,
  rounding: BigDecimal.RoundingMode = Money.defaultRounding
): Either.Either<Breakdown, Money.AmountOutOfRange> => {
  const a = BigInt(amount.amount)
  // fraction = v / 10^s
  const v = fraction.scale >= 0 ? fraction.value : fraction.value * 10n ** BigInt(-fraction.scale)
  const d = fraction.scale >= 0 ? 10n ** BigInt(fraction.scale) : 1n
  const currency = amount.currency
  if (mode === "EXCLUSIVE") {
    const tax = divideRounded(a * v, d, rounding)
    return Either.flatMap(Money.fromMinorBigInt(tax, currency, "tax"), (taxMoney) =>
      Either.map(Money.fromMinorBigInt(a + tax, currency, "add tax"), (gross) => ({
        net: amount,
        tax: taxMoney,
        gross
      }))
    )
  }
  // gross × (v/d) / (1 + v/d) = gross × v / (d + v): exact before the one rounding.
  const tax = divideRounded(a * v, d + v, rounding)
  // |tax| ≤ |a| because v / (d + v) < 1, so both results are safe integers.
  return Either.right({
    net: { amount: Number(a - tax), currency },
    tax: { amount: Number(tax), currency },
    gross: amount
  })
}

/**
 * Tax of `amount` at `rate` in `mode`, rounded with `rounding` (half-even by
 * default).
 *
 * @example
 * ```ts
 * // 12.10 EUR including 21% VAT: 2.10 tax, 10.00 net
 * Tax.compute({ amount: 1210, currency: "EUR" }, { percent: "21" }, "INCLUSIVE")
 * ```
 *
 * @since 0.1.0
 */
export const compute = (
  amount: Money.Money,
  rate: Rate.Rate,
  mode: Mode,
  rounding: BigDecimal.RoundingMode = Money.defaultRounding
): Either.Either<Breakdown, Money.InvalidRate | Money.AmountOutOfRange> =>
  Either.flatMap(Rate.toFraction(rate), (fraction) => computeWithFraction(amount, fraction, mode, rounding))
