/**
 * A customer's loyalty account: the points they can spend, the points they
 * have ever earned, and the tier those lifetime points give them.
 *
 * Invariants:
 * - `points` never goes negative: every decrease (REDEEM, DEDUCT, EXPIRE)
 *   larger than the balance fails with `InsufficientPoints` and leaves the
 *   account unchanged;
 * - `lifetimePoints` grows with EARN and AWARD only, never shrinks, and is
 *   never below `points` (the schema checks this);
 * - `tier` is recomputed from `lifetimePoints` after every transaction, so it
 *   never goes down.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import type { Money } from "@shopvo/pricing"
import * as LoyaltyProgram from "./LoyaltyProgram.js"
import * as LoyaltyTransaction from "./LoyaltyTransaction.js"
import * as Points from "./Points.js"

/**
 * A loyalty account. Encodes to `{ points, lifetimePoints, tier }`.
 *
 * @since 0.1.0
 */
export class LoyaltyAccount extends Schema.Class<LoyaltyAccount>("LoyaltyAccount")(
  Schema.Struct({
    points: Points.Points,
    lifetimePoints: Points.Points,
    tier: LoyaltyProgram.TierName
  }).pipe(Schema.filter((account) => account.points <= account.lifetimePoints || "points cannot exceed lifetimePoints"))
) {}

/**
 * A new account: no points, in the program's base tier.
 *
 * @since 0.1.0
 */
export const open = (program: LoyaltyProgram.LoyaltyProgram): LoyaltyAccount =>
  new LoyaltyAccount({ points: 0, lifetimePoints: 0, tier: LoyaltyProgram.tierFor(program, 0).name })

/**
 * Why a transaction was refused.
 *
 * @since 0.1.0
 */
export type ApplyError = Points.InvalidPoints | Points.InsufficientPoints | Points.PointsOverflow

/**
 * The account after `transaction`. EARN and AWARD add to both `points` and
 * `lifetimePoints`; REDEEM, DEDUCT and EXPIRE take from `points` only and
 * fail with `InsufficientPoints` beyond the balance (an expiry or deduction
 * computed elsewhere is not silently clipped). The tier follows lifetime
 * points.
 *
 * @since 0.1.0
 */
export const applyTransaction = (
  program: LoyaltyProgram.LoyaltyProgram,
  account: LoyaltyAccount,
  transaction: LoyaltyTransaction.LoyaltyTransaction
): Either.Either<LoyaltyAccount, ApplyError> =>
  Either.flatMap(
    Points.positive(transaction.points),
    (n): Either.Either<LoyaltyAccount, ApplyError> =>
      LoyaltyTransaction.isIncrease(transaction)
        ? increase(program, account, n, transaction.type)
        : decrease(program, account, n)
  )

const increase = (
  program: LoyaltyProgram.LoyaltyProgram,
  account: LoyaltyAccount,
  n: number,
  operation: string
): Either.Either<LoyaltyAccount, Points.PointsOverflow> =>
  Either.gen(function* () {
    const points = yield* Points.fromBigInt(BigInt(account.points) + BigInt(n), operation)
    const lifetimePoints = yield* Points.fromBigInt(BigInt(account.lifetimePoints) + BigInt(n), operation)
    return new LoyaltyAccount({ points, lifetimePoints, tier: LoyaltyProgram.tierFor(program, lifetimePoints).name })
  })

const decrease = (
  program: LoyaltyProgram.LoyaltyProgram,
  account: LoyaltyAccount,
  n: number
): Either.Either<LoyaltyAccount, Points.InsufficientPoints> =>
  n > account.points
    ? Either.left(new Points.InsufficientPoints({ held: account.points, requested: n }))
    : Either.right(
        new LoyaltyAccount({
          points: account.points - n,
          lifetimePoints: account.lifetimePoints,
          // Unchanged lifetime points give the same tier, unless the program's
          // tiers changed since the account was last written.
          tier: LoyaltyProgram.tierFor(program, account.lifetimePoints).name
        })
      )

/**
 * Applies transactions in order, stopping at the first refusal.
 *
 * @since 0.1.0
 */
export const applyAll = (
  program: LoyaltyProgram.LoyaltyProgram,
  account: LoyaltyAccount,
  transactions: Iterable<LoyaltyTransaction.LoyaltyTransaction>
): Either.Either<LoyaltyAccount, ApplyError> => {
  let current = account
  for (const tx of transactions) {
    const next = applyTransaction(program, current, tx)
    if (Either.isLeft(next)) return next
    current = next.right
  }
  return Either.right(current)
}

/**
 * The result of a redemption: the discount to apply, the account after it,
 * and the REDEEM transaction to record.
 *
 * @since 0.1.0
 */
export interface Redemption {
  readonly discount: Money.Money
  readonly account: LoyaltyAccount
  readonly transaction: LoyaltyTransaction.LoyaltyTransaction
}

/**
 * Why a redemption was refused.
 *
 * @since 0.1.0
 */
export type RedeemError =
  | Points.InvalidPoints
  | Points.InsufficientPoints
  | LoyaltyProgram.RedemptionTooSmall
  | Money.AmountOutOfRange

/**
 * Exchanges `points` for a discount at the program's rate.
 *
 * The discount is `⌊points × redemptionUnitValue / pointsPerRedemptionUnit⌋`
 * minor units: rounded down, so it never exceeds the points' exact value.
 * All requested points are spent; any value below one minor unit is not paid
 * out (none when `points` is a multiple of `redemptionStep(program)`, which
 * is every number for the usual "100 points = €1.00"). Fails with
 * `InvalidPoints` for zero, negative or fractional points,
 * `InsufficientPoints` beyond the balance and `RedemptionTooSmall` when the
 * points are worth less than one minor unit.
 *
 * @since 0.1.0
 */
export const redeem = (
  program: LoyaltyProgram.LoyaltyProgram,
  account: LoyaltyAccount,
  points: number
): Either.Either<Redemption, RedeemError> =>
  Either.gen(function* () {
    const n = yield* Points.positive(points)
    // Checked before valuing the points so that an overdraft is reported as
    // such even when the points would also be too few or too many to value.
    const next = yield* decrease(program, account, n)
    const discount = yield* LoyaltyProgram.redemptionValue(program, n)
    if (discount.amount === 0) {
      return yield* Either.left(
        new LoyaltyProgram.RedemptionTooSmall({ points: n, minimum: LoyaltyProgram.minimumRedemption(program) })
      )
    }
    return { discount, account: next, transaction: { type: "REDEEM", points: n } }
  })
