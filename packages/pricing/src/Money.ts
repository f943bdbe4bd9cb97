/**
 * Money as an integer count of minor units of one ISO 4217 currency.
 *
 * `{ amount: 1234, currency: "EUR" }` is 12.34 EUR; `{ amount: 1234, currency:
 * "JPY" }` is 1234 yen. Amounts are JavaScript safe integers so they survive
 * JSON and PostgreSQL `bigint` columns unchanged; every intermediate product is
 * computed in `bigint` and checked back into the safe range.
 *
 * Invariants:
 * - `amount` is always a safe integer (never a float, never NaN);
 * - two amounts of different currencies are never combined: every binary
 *   operation fails with `CurrencyMismatch` instead;
 * - any loss of precision (percentages, rates) goes through an explicit
 *   rounding mode, "half-even" unless the caller names another;
 * - results that would leave the safe-integer range fail with
 *   `AmountOutOfRange` rather than silently losing digits.
 *
 * Operations return `Either`, which is also an `Effect`, so they compose in
 * `Effect.gen` with `yield*` as well as in pure code.
 *
 * @since 0.1.0
 */
import * as BigDecimal from "effect/BigDecimal"
import * as Data from "effect/Data"
import * as Either from "effect/Either"
import { dual } from "effect/Function"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Currency from "./Currency.js"
import { divideRounded, isSafe, roundingModes } from "./internal/rounding.js"

/**
 * A count of minor units: a safe integer, possibly negative (refunds and
 * adjustments are negative amounts).
 *
 * @since 0.1.0
 */
export const MinorUnits = Schema.Int.annotations({
  identifier: "MinorUnits",
  description: "Integer count of a currency's minor units (cents, fils, yen)"
})

/**
 * Schema of a money value. Decodes from and encodes to the same plain JSON
 * shape, `{ "amount": 1234, "currency": "EUR" }`.
 *
 * @since 0.1.0
 */
export const Money = Schema.Struct({
  amount: MinorUnits,
  currency: Currency.Code
}).annotations({ identifier: "Money" })

/**
 * @since 0.1.0
 */
export interface Money extends Schema.Schema.Type<typeof Money> {}

/**
 * The rounding modes accepted wherever an amount is divided, in the
 * vocabulary of Effect's `BigDecimal.RoundingMode`.
 *
 * @since 0.1.0
 */
export const RoundingMode: Schema.Schema<BigDecimal.RoundingMode> = Schema.Literal(
  ...(roundingModes as [BigDecimal.RoundingMode, ...Array<BigDecimal.RoundingMode>])
).annotations({ identifier: "RoundingMode" })

/**
 * The default rounding: half-even ("banker's rounding") so that rounding many
 * halves does not bias totals upward.
 *
 * @since 0.1.0
 */
export const defaultRounding: BigDecimal.RoundingMode = "half-even"

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/**
 * Two amounts of different currencies met in one operation.
 *
 * @since 0.1.0
 */
export class CurrencyMismatch extends Data.TaggedError("CurrencyMismatch")<{
  readonly expected: Currency.Code
  readonly actual: Currency.Code
  readonly operation: string
}> {
  override get message(): string {
    return `Cannot ${this.operation}: expected ${this.expected}, got ${this.actual}`
  }
}

/**
 * A result does not fit in a safe integer number of minor units.
 *
 * @since 0.1.0
 */
export class AmountOutOfRange extends Data.TaggedError("AmountOutOfRange")<{
  /** The exact out-of-range value, as a decimal string of minor units. */
  readonly minorUnits: string
  readonly currency: Currency.Code
  readonly operation: string
}> {
  override get message(): string {
    return `${this.operation} gives ${this.minorUnits} minor units of ${this.currency}, outside the safe integer range`
  }
}

/**
 * A value offered as an amount or a quantity is not usable (not an integer,
 * not a decimal, or with more decimals than the currency has).
 *
 * @since 0.1.0
 */
export class InvalidAmount extends Data.TaggedError("InvalidAmount")<{
  readonly input: string
  readonly reason: string
}> {
  override get message(): string {
    return `Invalid amount ${this.input}: ${this.reason}`
  }
}

/**
 * An amount that must not be negative (a price, a balance to apply, a
 * shipping fee) is negative.
 *
 * @since 0.1.0
 */
export class NegativeAmount extends Data.TaggedError("NegativeAmount")<{
  /** What the amount was, e.g. "gift card balance" or "line lin_1 unit price". */
  readonly field: string
  readonly amount: number
  readonly currency: Currency.Code
}> {
  override get message(): string {
    return `${this.field} must not be negative (got ${this.amount} minor units of ${this.currency})`
  }
}

/**
 * A rate (percentage, tax rate, exchange rate) is malformed or out of its
 * allowed range.
 *
 * @since 0.1.0
 */
export class InvalidRate extends Data.TaggedError("InvalidRate")<{
  readonly input: string
  readonly reason: string
}> {
  override get message(): string {
    return `Invalid rate ${this.input}: ${this.reason}`
  }
}

// ---------------------------------------------------------------------------
// Constructors
// ---------------------------------------------------------------------------

/**
 * A money value from a count of minor units; fails unless `amount` is a safe
 * integer.
 *
 * @since 0.1.0
 */
export const make = (amount: number, currency: Currency.Code): Either.Either<Money, InvalidAmount> =>
  Number.isSafeInteger(amount)
    ? Either.right({ amount, currency })
    : Either.left(new InvalidAmount({ input: String(amount), reason: "minor units must be a safe integer" }))

/**
 * Zero of a currency.
 *
 * @since 0.1.0
 */
export const zero = (currency: Currency.Code): Money => ({ amount: 0, currency })

/**
 * Parses a decimal string in major units ("12.34", "-0.5", "1000") exactly.
 * Fails when it has more decimals than the currency's exponent, so "12.345 EUR"
 * is refused rather than silently rounded; use `fromBigDecimal` to round.
 *
 * @since 0.1.0
 */
export const fromDecimalString = (
  input: string,
  currency: Currency.Code
): Either.Either<Money, InvalidAmount | AmountOutOfRange> => {
  // Plain decimal notation only: exponents ("1e3") and separators are
  // presentation formats, not amounts.
  if (!/^-?\d+(\.\d+)?$/.test(input)) {
    return Either.left(new InvalidAmount({ input, reason: "expected a decimal number such as 12.34" }))
  }
  const decimals = input.includes(".") ? input.length - input.indexOf(".") - 1 : 0
  const exponent = Currency.exponent(currency)
  if (decimals > exponent) {
    return Either.left(
      new InvalidAmount({ input, reason: `${currency} has ${exponent} decimal places, got ${decimals}` })
    )
  }
  const digits = BigInt(input.replace(".", ""))
  return fromMinorBigInt(digits * 10n ** BigInt(exponent - decimals), currency, "parse")
}

/**
 * Converts a `BigDecimal` in major units to money, rounding to the currency's
 * exponent with `rounding` (default half-even).
 *
 * @since 0.1.0
 */
export const fromBigDecimal = (
  value: BigDecimal.BigDecimal,
  currency: Currency.Code,
  rounding: BigDecimal.RoundingMode = defaultRounding
): Either.Either<Money, AmountOutOfRange> => {
  // value = v × 10^-s major units = v × 10^(e-s) minor units.
  const shift = Currency.exponent(currency) - value.scale
  const minor =
    shift >= 0 ? value.value * 10n ** BigInt(shift) : divideRounded(value.value, 10n ** BigInt(-shift), rounding)
  return fromMinorBigInt(minor, currency, "convert from decimal")
}

/**
 * The exact value in major units, e.g. 1234 EUR cents → 12.34.
 *
 * @since 0.1.0
 */
export const toBigDecimal = (money: Money): BigDecimal.BigDecimal =>
  BigDecimal.make(BigInt(money.amount), Currency.exponent(money.currency))

/**
 * Lifts an exact bigint count of minor units into `Money`, failing outside the
 * safe-integer range. Used by every operation that computes in bigint.
 *
 * @since 0.1.0
 */
export const fromMinorBigInt = (
  minorUnits: bigint,
  currency: Currency.Code,
  operation = "compute"
): Either.Either<Money, AmountOutOfRange> =>
  isSafe(minorUnits)
    ? Either.right({ amount: Number(minorUnits), currency })
    : Either.left(new AmountOutOfRange({ minorUnits: minorUnits.toString(), currency, operation }))

// ---------------------------------------------------------------------------
// Arithmetic
// ---------------------------------------------------------------------------

const sameCurrency = (self: Money, that: Money, operation: string): Either.Either<Currency.Code, CurrencyMismatch> =>
  self.currency === that.currency
    ? Either.right(self.currency)
    : Either.left(new CurrencyMismatch({ expected: self.currency, actual: that.currency, operation }))

/**
 * `self + that`; fails when the currencies differ.
 *
 * @since 0.1.0
 */
export const add: {
  (that: Money): (self: Money) => Either.Either<Money, CurrencyMismatch | AmountOutOfRange>
  (self: Money, that: Money): Either.Either<Money, CurrencyMismatch | AmountOutOfRange>
} = dual(
  2,
  (self: Money, that: Money): Either.Either<Money, CurrencyMismatch | AmountOutOfRange> =>
    Either.flatMap(sameCurrency(self, that, "add"), (currency) =>
      fromMinorBigInt(BigInt(self.amount) + BigInt(that.amount), currency, "add")
    )
)

/**
 * `self - that`; fails when the currencies differ. The result may be negative.
 *
 * @since 0.1.0
 */
export const subtract: {
  (that: Money): (self: Money) => Either.Either<Money, CurrencyMismatch | AmountOutOfRange>
  (self: Money, that: Money): Either.Either<Money, CurrencyMismatch | AmountOutOfRange>
} = dual(
  2,
  (self: Money, that: Money): Either.Either<Money, CurrencyMismatch | AmountOutOfRange> =>
    Either.flatMap(sameCurrency(self, that, "subtract"), (currency) =>
      fromMinorBigInt(BigInt(self.amount) - BigInt(that.amount), currency, "subtract")
    )
)

/**
 * The sum of many amounts of `currency` (zero for none); fails on the first
 * amount of another currency.
 *
 * @since 0.1.0
 */
export const sum = (
  currency: Currency.Code,
  monies: Iterable<Money>
): Either.Either<Money, CurrencyMismatch | AmountOutOfRange> => {
  let total = 0n
  for (const money of monies) {
    if (money.currency !== currency) {
      return Either.left(new CurrencyMismatch({ expected: currency, actual: money.currency, operation: "sum" }))
    }
    total += BigInt(money.amount)
  }
  return fromMinorBigInt(total, currency, "sum")
}

/**
 * `self × quantity` for an integer quantity (a line's unit price × quantity).
 * Fractional quantities are refused: a fraction of a unit price needs a
 * rounding decision, which `percentage` or `Conversion` make explicitly.
 *
 * @since 0.1.0
 */
export const multiply: {
  (quantity: number): (self: Money) => Either.Either<Money, InvalidAmount | AmountOutOfRange>
  (self: Money, quantity: number): Either.Either<Money, InvalidAmount | AmountOutOfRange>
} = dual(
  2,
  (self: Money, quantity: number): Either.Either<Money, InvalidAmount | AmountOutOfRange> =>
    Number.isSafeInteger(quantity)
      ? fromMinorBigInt(BigInt(self.amount) * BigInt(quantity), self.currency, "multiply")
      : Either.left(new InvalidAmount({ input: String(quantity), reason: "quantity must be a safe integer" }))
)

/**
 * A rate given without floats: a `BigDecimal`, a decimal string ("12.5"), or
 * an integer number (20). Non-integer numbers are refused because a float
 * literal such as 0.1 is not the decimal it looks like.
 *
 * @since 0.1.0
 */
export type DecimalInput = BigDecimal.BigDecimal | string | number

/**
 * Reads a `DecimalInput` exactly.
 *
 * @since 0.1.0
 */
export const parseDecimal = (input: DecimalInput): Either.Either<BigDecimal.BigDecimal, InvalidRate> => {
  if (BigDecimal.isBigDecimal(input)) return Either.right(input)
  if (typeof input === "number") {
    return Number.isSafeInteger(input)
      ? Either.right(BigDecimal.make(BigInt(input), 0))
      : Either.left(
          new InvalidRate({ input: String(input), reason: "non-integer rates must be given as decimal strings" })
        )
  }
  // Plain decimal notation: no exponent, no separators, no surrounding spaces.
  return /^-?\d+(\.\d+)?$/.test(input)
    ? Option.match(BigDecimal.fromString(input), {
        onNone: () => Either.left(new InvalidRate({ input, reason: "not a decimal number" })),
        onSome: (value) => Either.right(value)
      })
    : Either.left(new InvalidRate({ input, reason: "expected a decimal number such as 12.5" }))
}

/**
 * `amount × value`, rounded to whole minor units with `rounding`. The shared
 * kernel of percentages, tax and price-list discounts.
 *
 * @since 0.1.0
 */
export const multiplyByDecimal = (
  self: Money,
  value: BigDecimal.BigDecimal,
  rounding: BigDecimal.RoundingMode = defaultRounding
): Either.Either<Money, AmountOutOfRange> => {
  const product = BigInt(self.amount) * value.value
  const minor =
    value.scale >= 0
      ? divideRounded(product, 10n ** BigInt(value.scale), rounding)
      : product * 10n ** BigInt(-value.scale)
  return fromMinorBigInt(minor, self.currency, "multiply by rate")
}

/**
 * `percent`% of `self`, rounded to whole minor units with `rounding` (default
 * half-even): `percentage({ amount: 1005, currency: "EUR" }, 10)` is 100
 * cents (100.5 rounds to the even 100).
 *
 * @since 0.1.0
 */
export const percentage: {
  (
    percent: DecimalInput,
    rounding?: BigDecimal.RoundingMode
  ): (self: Money) => Either.Either<Money, InvalidRate | AmountOutOfRange>
  (
    self: Money,
    percent: DecimalInput,
    rounding?: BigDecimal.RoundingMode
  ): Either.Either<Money, InvalidRate | AmountOutOfRange>
} = dual(
  (args) => isMoney(args[0]),
  (
    self: Money,
    percent: DecimalInput,
    rounding: BigDecimal.RoundingMode = defaultRounding
  ): Either.Either<Money, InvalidRate | AmountOutOfRange> =>
    Either.flatMap(parseDecimal(percent), (p) =>
      // p% = p / 100: shift the decimal two places instead of dividing.
      multiplyByDecimal(self, BigDecimal.make(p.value, p.scale + 2), rounding)
    )
)

/**
 * `-self`.
 *
 * @since 0.1.0
 */
export const negate = (self: Money): Money => ({
  amount: self.amount === 0 ? 0 : -self.amount,
  currency: self.currency
})

// ---------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------

/**
 * -1, 0 or 1 as `self` is less than, equal to or greater than `that`; fails
 * when the currencies differ (amounts of different currencies have no order).
 *
 * @since 0.1.0
 */
export const compare: {
  (that: Money): (self: Money) => Either.Either<-1 | 0 | 1, CurrencyMismatch>
  (self: Money, that: Money): Either.Either<-1 | 0 | 1, CurrencyMismatch>
} = dual(
  2,
  (self: Money, that: Money): Either.Either<-1 | 0 | 1, CurrencyMismatch> =>
    Either.map(sameCurrency(self, that, "compare"), () =>
      self.amount < that.amount ? -1 : self.amount > that.amount ? 1 : 0
    )
)

/**
 * The smaller of two amounts of the same currency.
 *
 * @since 0.1.0
 */
export const min: {
  (that: Money): (self: Money) => Either.Either<Money, CurrencyMismatch>
  (self: Money, that: Money): Either.Either<Money, CurrencyMismatch>
} = dual(
  2,
  (self: Money, that: Money): Either.Either<Money, CurrencyMismatch> =>
    Either.map(sameCurrency(self, that, "min"), () => (that.amount < self.amount ? that : self))
)

/**
 * The larger of two amounts of the same currency.
 *
 * @since 0.1.0
 */
export const max: {
  (that: Money): (self: Money) => Either.Either<Money, CurrencyMismatch>
  (self: Money, that: Money): Either.Either<Money, CurrencyMismatch>
} = dual(
  2,
  (self: Money, that: Money): Either.Either<Money, CurrencyMismatch> =>
    Either.map(sameCurrency(self, that, "max"), () => (that.amount > self.amount ? that : self))
)

/**
 * Same currency and same amount.
 *
 * @since 0.1.0
 */
export const equals: {
  (that: Money): (self: Money) => boolean
  (self: Money, that: Money): boolean
} = dual(2, (self: Money, that: Money): boolean => self.currency === that.currency && self.amount === that.amount)

/** @since 0.1.0 */
export const isZero = (self: Money): boolean => self.amount === 0

/** @since 0.1.0 */
export const isNegative = (self: Money): boolean => self.amount < 0

/** @since 0.1.0 */
export const isPositive = (self: Money): boolean => self.amount > 0

/**
 * Fails with `NegativeAmount` naming `field` when `self` is negative; used to
 * validate prices, balances and fees at the edges of a computation.
 *
 * @since 0.1.0
 */
export const nonNegative = (self: Money, field: string): Either.Either<Money, NegativeAmount> =>
  self.amount < 0
    ? Either.left(new NegativeAmount({ field, amount: self.amount, currency: self.currency }))
    : Either.right(self)

/**
 * Fails with `CurrencyMismatch` unless `self` is in `currency`.
 *
 * @since 0.1.0
 */
export const assertCurrency = (
  self: Money,
  currency: Currency.Code,
  operation: string
): Either.Either<Money, CurrencyMismatch> =>
  self.currency === currency
    ? Either.right(self)
    : Either.left(new CurrencyMismatch({ expected: currency, actual: self.currency, operation }))

/**
 * Structural guard for a money value (used to tell data-first from
 * data-last calls).
 *
 * @since 0.1.0
 */
export const isMoney = (u: unknown): u is Money =>
  typeof u === "object" &&
  u !== null &&
  "amount" in u &&
  "currency" in u &&
  Number.isSafeInteger((u as { amount: unknown }).amount) &&
  Currency.isCode((u as { currency: unknown }).currency)
