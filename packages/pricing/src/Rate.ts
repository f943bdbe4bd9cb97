/**
 * Proportional rates (tax rates, percentages off) written so that their unit
 * is never ambiguous.
 *
 * A bare `0.2`, `20` or `2000` could each mean twenty percent. A `Rate` says
 * which one it is in its field name: `{ basisPoints: 2000 }` (hundredths of a
 * percent, an integer) or `{ percent: "20" }` (a decimal string, so "5.5" or
 * "7.75" are exact). Floats are not accepted.
 *
 * Invariants: a valid rate is non-negative; its fraction ("0.2" for 20%) is
 * an exact `BigDecimal`.
 *
 * @since 0.1.0
 */
import * as BigDecimal from "effect/BigDecimal"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Money from "./Money.js"
import { formatPlain } from "./internal/rounding.js"

/**
 * A non-negative decimal written in plain notation ("21", "5.5", "0.125").
 *
 * @since 0.1.0
 */
export const DecimalString = Schema.String.pipe(
  Schema.pattern(/^\d+(\.\d+)?$/),
  Schema.annotations({ identifier: "DecimalString", description: "Non-negative decimal in plain notation" })
)

/**
 * A rate in basis points: 2000 = 20%, 550 = 5.5%.
 *
 * @since 0.1.0
 */
export const BasisPoints = Schema.Struct({ basisPoints: Schema.NonNegativeInt }).annotations({
  identifier: "BasisPointsRate"
})

/**
 * A rate in percent as a decimal string: "20" = 20%, "5.5" = 5.5%.
 *
 * @since 0.1.0
 */
export const Percent = Schema.Struct({ percent: DecimalString }).annotations({ identifier: "PercentRate" })

/**
 * Either form of rate.
 *
 * @since 0.1.0
 */
export const Rate = Schema.Union(BasisPoints, Percent).annotations({ identifier: "Rate" })

/**
 * @since 0.1.0
 */
export type Rate = Schema.Schema.Type<typeof Rate>

/**
 * A basis-points rate.
 *
 * @since 0.1.0
 */
export const basisPoints = (value: number): Rate => ({ basisPoints: value })

/**
 * A percent rate from a decimal string.
 *
 * @since 0.1.0
 */
export const percent = (value: string): Rate => ({ percent: value })

/**
 * The zero rate (untaxed, no reduction).
 *
 * @since 0.1.0
 */
export const zero: Rate = { basisPoints: 0 }

/**
 * The rate as an exact, normalised fraction of one (20% → 0.2). Re-validates, so a rate
 * built by hand rather than decoded still cannot be negative or malformed.
 *
 * @since 0.1.0
 */
export const toFraction = (rate: Rate): Either.Either<BigDecimal.BigDecimal, Money.InvalidRate> => {
  if ("basisPoints" in rate) {
    const bp = rate.basisPoints
    return Number.isSafeInteger(bp) && bp >= 0
      ? Either.right(BigDecimal.normalize(BigDecimal.make(BigInt(bp), 4)))
      : Either.left(new Money.InvalidRate({ input: `${bp} bp`, reason: "basis points must be a non-negative integer" }))
  }
  return /^\d+(\.\d+)?$/.test(rate.percent)
    ? Either.map(Money.parseDecimal(rate.percent), (p) => BigDecimal.normalize(BigDecimal.make(p.value, p.scale + 2)))
    : Either.left(
        new Money.InvalidRate({ input: `${rate.percent}%`, reason: "percent must be a non-negative decimal string" })
      )
}

/**
 * A human-readable form for messages and logs ("20%", "5.5%").
 *
 * @since 0.1.0
 */
export const toPercentString = (rate: Rate): string =>
  "basisPoints" in rate ? `${formatPlain(BigInt(rate.basisPoints), 2)}%` : `${rate.percent}%`
