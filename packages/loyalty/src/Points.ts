/**
 * Loyalty points: whole, non-negative quantities, and the ways an operation
 * on them can fail.
 *
 * Invariants:
 * - a balance of points is a non-negative safe integer (never fractional,
 *   never negative, never past `Number.MAX_SAFE_INTEGER`);
 * - an amount of points moved by a transaction is a positive safe integer
 *   (`InvalidPoints` otherwise).
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"

/**
 * A balance of points: a non-negative whole number.
 *
 * @since 0.1.0
 */
export const Points = Schema.NonNegativeInt.annotations({ identifier: "Points" })

/**
 * An amount of points moved in one go: a positive whole number.
 *
 * @since 0.1.0
 */
export const PositivePoints = Schema.Int.pipe(Schema.positive()).annotations({ identifier: "PositivePoints" })

/**
 * A number of points that cannot be moved: zero, negative, fractional or not
 * a safe integer.
 *
 * @since 0.1.0
 */
export class InvalidPoints extends Data.TaggedError("InvalidPoints")<{
  readonly points: number
}> {
  override get message(): string {
    return `${this.points} is not a valid number of points: expected a positive whole number`
  }
}

/**
 * More points were asked for than the account holds.
 *
 * @since 0.1.0
 */
export class InsufficientPoints extends Data.TaggedError("InsufficientPoints")<{
  readonly held: number
  readonly requested: number
}> {
  override get message(): string {
    return `Cannot use ${this.requested} points: the account holds ${this.held}`
  }
}

/**
 * A result would exceed the largest safe integer number of points.
 *
 * @since 0.1.0
 */
export class PointsOverflow extends Data.TaggedError("PointsOverflow")<{
  readonly operation: string
  /** The exact out-of-range result, as a decimal string. */
  readonly points: string
}> {
  override get message(): string {
    return `${this.operation} gives ${this.points} points, beyond the safe integer range`
  }
}

/**
 * Fails with `InvalidPoints` unless `points` is a positive safe integer.
 *
 * @since 0.1.0
 */
export const positive = (points: number): Either.Either<number, InvalidPoints> =>
  Number.isSafeInteger(points) && points > 0 ? Either.right(points) : Either.left(new InvalidPoints({ points }))

/**
 * Lifts an exact bigint count of points into a number, failing past the safe
 * integer range.
 *
 * @since 0.1.0
 */
export const fromBigInt = (points: bigint, operation: string): Either.Either<number, PointsOverflow> =>
  points <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Either.right(Number(points))
    : Either.left(new PointsOverflow({ operation, points: points.toString() }))
