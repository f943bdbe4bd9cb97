/**
 * Exact integer division with a named rounding mode, over bigint.
 *
 * Every division in money math goes through here so that no float is ever
 * involved and every place that loses precision names how it does so. The
 * modes are those of Effect's `BigDecimal.RoundingMode`.
 */
import type * as BigDecimal from "effect/BigDecimal"

const abs = (n: bigint): bigint => (n < 0n ? -n : n)

/**
 * `numerator / denominator` rounded to an integer with `mode`. The caller
 * guarantees `denominator !== 0n` (every call site divides by a positive
 * power of ten, a positive weight total, or a validated positive rate).
 */
export const divideRounded = (numerator: bigint, denominator: bigint, mode: BigDecimal.RoundingMode): bigint => {
  // Normalise to a positive denominator so the sign lives in the numerator only.
  const n = denominator < 0n ? -numerator : numerator
  const d = denominator < 0n ? -denominator : denominator
  const q = n / d // truncates toward zero
  const r = n % d
  if (r === 0n) return q
  const away = n < 0n ? q - 1n : q + 1n
  const ceil = n > 0n ? q + 1n : q
  const floor = n < 0n ? q - 1n : q
  switch (mode) {
    case "to-zero":
      return q
    case "from-zero":
      return away
    case "ceil":
      return ceil
    case "floor":
      return floor
    default: {
      const twice = abs(r) * 2n
      if (twice > d) return away
      if (twice < d) return q
      switch (mode) {
        case "half-ceil":
          return ceil
        case "half-floor":
          return floor
        case "half-to-zero":
          return q
        case "half-from-zero":
          return away
        case "half-even":
          return q % 2n === 0n ? q : away
        case "half-odd":
          return q % 2n !== 0n ? q : away
      }
    }
  }
}

/** Every rounding mode, for schemas and tests. */
export const roundingModes: ReadonlyArray<BigDecimal.RoundingMode> = [
  "ceil",
  "floor",
  "to-zero",
  "from-zero",
  "half-ceil",
  "half-floor",
  "half-to-zero",
  "half-from-zero",
  "half-even",
  "half-odd"
]

/** Whether a bigint fits in a JavaScript safe integer. */
export const isSafe = (n: bigint): boolean =>
  n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= BigInt(Number.MIN_SAFE_INTEGER)

/**
 * `value × 10^-scale` in plain decimal notation without trailing zeros
 * ("0.8", "162.5", "1200"). `BigDecimal.format` switches to scientific
 * notation at large scales, which is not a valid rate string.
 */
export const formatPlain = (value: bigint, scale: number): string => {
  if (scale <= 0) return (value * 10n ** BigInt(-scale)).toString()
  const negative = value < 0n
  const digits = (negative ? -value : value).toString().padStart(scale + 1, "0")
  const whole = digits.slice(0, digits.length - scale)
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, "")
  return `${negative ? "-" : ""}${whole}${fraction === "" ? "" : `.${fraction}`}`
}
