/**
 * A store's loyalty program rules: how many points an order earns, what
 * points are worth when redeemed, and the tiers customers climb by lifetime
 * points.
 *
 * - Earning: `pointsPerUnit` points per whole currency unit of the eligible
 *   amount (per €1, not per cent), times the tier's `earnMultiplier`. The
 *   product is computed exactly and rounded down once, at the end, so
 *   €12.99 at 1 point per €1 earns 12 points and at ×1.5 earns 19.
 * - Redeeming: `pointsPerRedemptionUnit` points are worth `redemptionUnitValue`
 *   ("100 points = €1.00" is `100` and `{ amount: 100, currency: "EUR" }`).
 *   Any number of points is worth `points × value / pointsPerRedemptionUnit`,
 *   rounded down to a whole minor unit: a discount never exceeds the exact
 *   value of the points spent.
 * - Tiers: a customer is in the highest tier whose `threshold` their lifetime
 *   points have reached. The lowest tier starts at 0, so everyone has a tier.
 *
 * Invariants (checked by the `LoyaltyProgram` schema on construction):
 * - rates are non-negative decimal strings ("1", "0.5", "1.25"), never floats;
 * - `redemptionUnitValue` is positive and in the program's currency;
 * - tiers are non-empty, start at threshold 0, have strictly increasing
 *   thresholds and distinct names — so `tierFor` is total and monotone.
 *
 * @since 0.1.0
 */
import type * as BigDecimal from "effect/BigDecimal"
import * as Data from "effect/Data"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { Currency, Money, Rate } from "@shopvo/pricing"
import * as Points from "./Points.js"

/**
 * A tier's name as customers see it ("GOLD").
 *
 * @since 0.1.0
 */
export const TierName = Schema.NonEmptyTrimmedString.annotations({ identifier: "LoyaltyTierName" })

/**
 * A loyalty tier: reached at `threshold` lifetime points, it multiplies the
 * points earned by `earnMultiplier` ("1" = no bonus, "1.5" = +50%).
 *
 * @since 0.1.0
 */
export const Tier = Schema.Struct({
  name: TierName,
  threshold: Points.Points,
  earnMultiplier: Rate.DecimalString
}).annotations({ identifier: "LoyaltyTier" })

/**
 * @since 0.1.0
 */
export interface Tier extends Schema.Schema.Type<typeof Tier> {}

const Fields = Schema.Struct({
  currency: Currency.Code,
  pointsPerUnit: Rate.DecimalString,
  pointsPerRedemptionUnit: Schema.Int.pipe(Schema.positive()),
  redemptionUnitValue: Money.Money,
  tiers: Schema.NonEmptyArray(Tier)
})

/**
 * The program rules. Decodes from and encodes to plain JSON (decimals as
 * strings), e.g. from the store's settings.
 *
 * @since 0.1.0
 */
export class LoyaltyProgram extends Schema.Class<LoyaltyProgram>("LoyaltyProgram")(
  Fields.pipe(
    Schema.filter((program) => {
      if (program.redemptionUnitValue.currency !== program.currency) {
        return `redemptionUnitValue must be in the program currency ${program.currency}`
      }
      if (program.redemptionUnitValue.amount <= 0) return "redemptionUnitValue must be positive"
      if (program.tiers[0].threshold !== 0) return "the first tier must start at 0 lifetime points"
      const names = new Set<string>()
      for (let i = 0; i < program.tiers.length; i++) {
        const tier = program.tiers[i]!
        if (names.has(tier.name)) return `tier name ${tier.name} is used twice`
        names.add(tier.name)
        if (i > 0 && tier.threshold <= program.tiers[i - 1]!.threshold) {
          return "tier thresholds must be strictly increasing"
        }
      }
      return true
    })
  )
) {}

/**
 * A redemption of so few points that they are worth less than one minor unit
 * (e.g. 2 points when 3 points = 1 cent): refused rather than taking points
 * for nothing.
 *
 * @since 0.1.0
 */
export class RedemptionTooSmall extends Data.TaggedError("RedemptionTooSmall")<{
  readonly points: number
  /** The fewest points worth a whole minor unit. */
  readonly minimum: number
}> {
  override get message(): string {
    return `${this.points} points are worth less than one minor unit; redeem at least ${this.minimum}`
  }
}

// ---------------------------------------------------------------------------
// Tiers
// ---------------------------------------------------------------------------

/**
 * The tier for a number of lifetime points: the highest one whose threshold
 * has been reached. Monotone: more lifetime points never give a lower tier.
 *
 * @since 0.1.0
 */
export const tierFor = (program: LoyaltyProgram, lifetimePoints: number): Tier => {
  // Tiers are few and sorted (schema invariant): a backwards scan is enough.
  for (let i = program.tiers.length - 1; i > 0; i--) {
    const tier = program.tiers[i]!
    if (lifetimePoints >= tier.threshold) return tier
  }
  return program.tiers[0]
}

/**
 * The position of a tier in the program (0 = the base tier); -1 if the name
 * is not one of the program's tiers.
 *
 * @since 0.1.0
 */
export const tierRank = (program: LoyaltyProgram, name: string): number =>
  program.tiers.findIndex((tier) => tier.name === name)

// ---------------------------------------------------------------------------
// Earning
// ---------------------------------------------------------------------------

/**
 * Why earning could not be computed.
 *
 * @since 0.1.0
 */
export type EarnError = Money.CurrencyMismatch | Money.NegativeAmount | Money.InvalidRate | Points.PointsOverflow

// `value × 10^-scale` as an exact fraction numerator / 10^scale, whatever the sign of scale.
const scaled = (numerator: bigint, scale: number): bigint =>
  scale >= 0 ? numerator / 10n ** BigInt(scale) : numerator * 10n ** BigInt(-scale)

/**
 * Points earned on an eligible order amount by a customer in `tier`:
 * `⌊amount in major units × pointsPerUnit × earnMultiplier⌋`.
 *
 * The amount must be in the program's currency (convert first with
 * `@shopvo/pricing`'s `Conversion`) and not negative. Rates are re-validated,
 * so a program assembled by hand still cannot earn from a malformed rate.
 *
 * @since 0.1.0
 */
export const pointsEarned = (
  program: LoyaltyProgram,
  orderAmount: Money.Money,
  tier: Tier
): Either.Either<number, EarnError> =>
  Either.gen(function* () {
    yield* Money.assertCurrency(orderAmount, program.currency, "earn loyalty points")
    yield* Money.nonNegative(orderAmount, "loyalty-eligible order amount")
    const rate = yield* decimal(program.pointsPerUnit)
    const multiplier = yield* decimal(tier.earnMultiplier)
    // amount (minor) / 10^exponent × rate × multiplier, floored once. All
    // factors are non-negative, so bigint division is the floor.
    const numerator = BigInt(orderAmount.amount) * rate.value * multiplier.value
    const scale = rate.scale + multiplier.scale + Currency.exponent(orderAmount.currency)
    return yield* Points.fromBigInt(scaled(numerator, scale), "earning")
  })

const decimal = (input: string): Either.Either<BigDecimal.BigDecimal, Money.InvalidRate> =>
  /^\d+(\.\d+)?$/.test(input)
    ? Money.parseDecimal(input)
    : Either.left(new Money.InvalidRate({ input, reason: "expected a non-negative decimal string such as 1.5" }))

// ---------------------------------------------------------------------------
// Redemption value
// ---------------------------------------------------------------------------

/**
 * What `points` are worth as a discount: `⌊points × redemptionUnitValue /
 * pointsPerRedemptionUnit⌋` minor units of the program currency. Rounded down
 * so a discount never exceeds the exact value of the points.
 *
 * @since 0.1.0
 */
export const redemptionValue = (
  program: LoyaltyProgram,
  points: number
): Either.Either<Money.Money, Points.InvalidPoints | Money.AmountOutOfRange> =>
  Number.isSafeInteger(points) && points >= 0
    ? Money.fromMinorBigInt(
        (BigInt(points) * BigInt(program.redemptionUnitValue.amount)) / BigInt(program.pointsPerRedemptionUnit),
        program.currency,
        "redeem loyalty points"
      )
    : Either.left(new Points.InvalidPoints({ points }))

const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b))

/**
 * The smallest number of points whose value is a whole number of minor units
 * (1 for "100 points = €1.00", 3 for "3 points = 1 cent"). Redeeming a
 * multiple of it loses nothing to rounding.
 *
 * @since 0.1.0
 */
export const redemptionStep = (program: LoyaltyProgram): number => {
  const per = BigInt(program.pointsPerRedemptionUnit)
  return Number(per / gcd(per, BigInt(program.redemptionUnitValue.amount)))
}

/**
 * The fewest points worth at least one minor unit: below this a redemption
 * would give no discount.
 *
 * @since 0.1.0
 */
export const minimumRedemption = (program: LoyaltyProgram): number => {
  const per = BigInt(program.pointsPerRedemptionUnit)
  const value = BigInt(program.redemptionUnitValue.amount)
  return Number((per + value - 1n) / value)
}

/**
 * The most points whose exact value does not exceed `amount`: how many
 * points a checkout can offer against an amount still due. Fails when the
 * amount is in another currency or negative.
 *
 * @since 0.1.0
 */
export const pointsWorth = (
  program: LoyaltyProgram,
  amount: Money.Money
): Either.Either<number, Money.CurrencyMismatch | Money.NegativeAmount | Points.PointsOverflow> =>
  Either.gen(function* () {
    yield* Money.assertCurrency(amount, program.currency, "convert an amount to loyalty points")
    yield* Money.nonNegative(amount, "amount to cover with loyalty points")
    const points =
      (BigInt(amount.amount) * BigInt(program.pointsPerRedemptionUnit)) / BigInt(program.redemptionUnitValue.amount)
    return yield* Points.fromBigInt(points, "points worth an amount")
  })

// ---------------------------------------------------------------------------
// Refunds
// ---------------------------------------------------------------------------

/**
 * The points to take back when an order that earned `earned` points on `base` (the amount it earned
 * on) has its refunded amount grow from `refundedBefore` to `refundedAfter`: the points earned on
 * the refunded part, `⌊earned × after / base⌋ − ⌊earned × before / base⌋`. Counted cumulatively,
 * so partial refunds that add up to `base` take back exactly `earned`, whatever the split. Amounts
 * beyond `base` take back nothing more.
 *
 * @since 0.2.0
 */
export const pointsEarnedOnRefund = (
  earned: number,
  base: number,
  refundedBefore: number,
  refundedAfter: number
): number => {
  if (earned <= 0 || base <= 0) return 0
  const share = (refunded: number) => (BigInt(earned) * BigInt(Math.min(Math.max(refunded, 0), base))) / BigInt(base)
  return Number(share(refundedAfter) - share(refundedBefore))
}
