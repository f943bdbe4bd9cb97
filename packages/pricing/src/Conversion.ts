/**
 * Converting money between currencies at a given exchange rate, for
 * multi-currency settlement.
 *
 * A rate is the price of one major unit of `from` in major units of `to`
 * ("1.0845" USD per EUR), given as a decimal string so that it is exactly
 * the rate the provider quoted. The conversion scales between the two
 * currencies' exponents (EUR cents → JPY yen, USD cents → BHD fils) in exact
 * integer arithmetic and rounds once, with a named mode, to the target's
 * minor unit.
 *
 * Invariants: rates are strictly positive; the result differs from the
 * exact product by at most one rounding step of the target currency
 * (half a minor unit for the half-* modes); converting to the same currency
 * at rate 1 is the identity.
 *
 * @since 0.1.0
 */
import type * as BigDecimal from "effect/BigDecimal"
import * as Data from "effect/Data"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Currency from "./Currency.js"
import * as Money from "./Money.js"
import { divideRounded, formatPlain } from "./internal/rounding.js"

/**
 * An exchange rate quote: one `from` is worth `rate` of `to`.
 *
 * @since 0.1.0
 */
export const ExchangeRate = Schema.Struct({
  from: Currency.Code,
  to: Currency.Code,
  rate: Schema.String.pipe(
    Schema.pattern(/^\d+(\.\d+)?$/),
    Schema.filter((s) => /[1-9]/.test(s) || "an exchange rate must be greater than zero")
  )
}).annotations({ identifier: "ExchangeRate" })

/** @since 0.1.0 */
export interface ExchangeRate extends Schema.Schema.Type<typeof ExchangeRate> {}

/**
 * Reads an exchange rate exactly; fails unless it is a positive decimal.
 *
 * @since 0.1.0
 */
export const parseRate = (
  rate: string | BigDecimal.BigDecimal
): Either.Either<BigDecimal.BigDecimal, Money.InvalidRate> =>
  Either.flatMap(Money.parseDecimal(rate), (value) =>
    value.value > 0n
      ? Either.right(value)
      : Either.left(
          new Money.InvalidRate({
            input: typeof rate === "string" ? rate : formatPlain(rate.value, rate.scale),
            reason: "an exchange rate must be greater than zero"
          })
        )
  )

/**
 * Converts `money` into `to` at `rate` (units of `to` per unit of the
 * money's currency), rounding with `rounding` (half-even by default).
 *
 * @example
 * ```ts
 * // 12.34 EUR at 162.5 JPY/EUR = 2005.25 JPY → 2005 JPY
 * Conversion.convert({ amount: 1234, currency: "EUR" }, "JPY", "162.5")
 * ```
 *
 * @since 0.1.0
 */
export const convert = (
  money: Money.Money,
  to: Currency.Code,
  rate: string | BigDecimal.BigDecimal,
  rounding: BigDecimal.RoundingMode = Money.defaultRounding
): Either.Either<Money.Money, Money.InvalidRate | Money.AmountOutOfRange> =>
  Either.flatMap(parseRate(rate), (r) => {
    // minor_to = minor_from × r × 10^(e_to − e_from), with r = v × 10^−s:
    // collect every power of ten on one side, then divide once.
    const shift = Currency.exponent(to) - Currency.exponent(money.currency) - r.scale
    const product = BigInt(money.amount) * r.value
    const minor = shift >= 0 ? product * 10n ** BigInt(shift) : divideRounded(product, 10n ** BigInt(-shift), rounding)
    return Money.fromMinorBigInt(minor, to, `convert ${money.currency} to ${to}`)
  })

/**
 * Converts with a quote; fails with `CurrencyMismatch` when the money is
 * not in the quote's `from` currency.
 *
 * @since 0.1.0
 */
export const convertWith = (
  money: Money.Money,
  quote: ExchangeRate,
  rounding: BigDecimal.RoundingMode = Money.defaultRounding
): Either.Either<Money.Money, Money.CurrencyMismatch | Money.InvalidRate | Money.AmountOutOfRange> =>
  money.currency === quote.from
    ? convert(money, quote.to, quote.rate, rounding)
    : Either.left(new Money.CurrencyMismatch({ expected: quote.from, actual: money.currency, operation: "convert" }))

/**
 * The reverse quote (`to` → `from`), rounded to `scale` decimal places with
 * `rounding`. Inverting is itself a rounding: a provider's own reverse quote
 * is preferable when there is one.
 *
 * @since 0.1.0
 */
export const invert = (
  quote: ExchangeRate,
  options: { readonly scale: number; readonly rounding?: BigDecimal.RoundingMode }
): Either.Either<ExchangeRate, Money.InvalidRate> =>
  Either.flatMap(parseRate(quote.rate), (r) => {
    // 1 / (v × 10^−s) = 10^s / v, rounded at `scale` decimals: 10^(s+scale) / v.
    const scale = options.scale
    if (!Number.isSafeInteger(scale) || scale < 0 || scale > 30) {
      return Either.left(
        new Money.InvalidRate({ input: quote.rate, reason: "inverse scale must be an integer in 0..30" })
      )
    }
    const numerator = 10n ** BigInt(r.scale + scale)
    const inverted = divideRounded(numerator, r.value, options.rounding ?? Money.defaultRounding)
    if (inverted === 0n) {
      return Either.left(
        new Money.InvalidRate({ input: quote.rate, reason: `inverse rounds to zero at scale ${scale}` })
      )
    }
    return Either.right({
      from: quote.to,
      to: quote.from,
      rate: formatPlain(inverted, scale)
    })
  })

/**
 * No exchange rate is in effect between two currencies an amount must be
 * converted between.
 *
 * @since 0.1.0
 */
export class MissingRate extends Data.TaggedError("MissingRate")<{
  readonly from: Currency.Code
  readonly to: Currency.Code
}> {
  override get message(): string {
    return `No exchange rate from ${this.from} to ${this.to} is in effect`
  }
}

/**
 * A catalogue price in the currency `to`: the price set for `to` when there is
 * one (`explicit`, minor units of `to`), else the `base` price when it is
 * already in `to`, else `base` converted at `rate` (units of `to` per unit of
 * the base currency), rounded once with `rounding` (half-even by default).
 *
 * @example
 * ```ts
 * // No GBP price set: 29.99 EUR at 0.8571 = 25.704429 GBP → 25.70 GBP
 * Conversion.priceIn({ explicit: null, base: { amount: 2999, currency: "EUR" }, to: "GBP", rate: "0.8571" })
 * ```
 *
 * @since 0.1.0
 */
export const priceIn = (options: {
  readonly explicit: number | null
  readonly base: Money.Money
  readonly to: Currency.Code
  readonly rate: string | undefined
  readonly rounding?: BigDecimal.RoundingMode
}): Either.Either<Money.Money, MissingRate | Money.InvalidRate | Money.AmountOutOfRange> => {
  if (options.explicit !== null) return Either.right({ amount: options.explicit, currency: options.to })
  if (options.base.currency === options.to) return Either.right(options.base)
  if (options.rate === undefined) return Either.left(new MissingRate({ from: options.base.currency, to: options.to }))
  return convert(options.base, options.to, options.rate, options.rounding)
}
