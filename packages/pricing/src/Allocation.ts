/**
 * Splitting an amount across parts by integer weights, without losing or
 * inventing a single minor unit.
 *
 * Used to spread an order discount over lines in proportion to their
 * subtotals, or a fee over parcels. The method is the largest remainder
 * (Hamilton) method: every part first gets the floor of its exact share, then
 * the minor units left over go one each to the parts with the largest
 * fractional remainders.
 *
 * Invariants (checked by property tests):
 * - the parts always sum exactly to the amount;
 * - every part has the amount's sign (none is negative for a non-negative
 *   amount) and lies within one minor unit of its exact proportional share;
 * - a part with weight zero gets zero, unless every weight is zero, in which
 *   case the amount is split evenly (nothing prefers one part to another);
 * - when `|amount| <= sum(weights)`, no part exceeds its own weight, so a
 *   discount allocated by line subtotals never exceeds any line;
 * - ties between equal remainders go to the lower index, so the result is a
 *   pure function of the inputs.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Either from "effect/Either"
import * as Money from "./Money.js"

/**
 * The weights cannot be used for an allocation: none given for a non-zero
 * amount, or a weight that is negative or not a safe integer.
 *
 * @since 0.1.0
 */
export class InvalidWeights extends Data.TaggedError("InvalidWeights")<{
  readonly weights: ReadonlyArray<number>
  readonly reason: string
}> {
  override get message(): string {
    return `Cannot allocate by weights [${this.weights.join(", ")}]: ${this.reason}`
  }
}

/**
 * Allocates a bigint amount by bigint weights (all validated: non-negative,
 * at least one). Exposed for other modules of this package that already work
 * in bigint; returns one share per weight.
 *
 * @since 0.1.0
 */
export const allocateBigInt = (amount: bigint, weights: ReadonlyArray<bigint>): Array<bigint> => {
  const n = weights.length
  if (n === 0) return []
  // Work on |amount| and restore the sign at the end so that rounding is
  // symmetric: allocating -x gives exactly the negation of allocating x.
  const negative = amount < 0n
  const a = negative ? -amount : amount
  let total = 0n
  for (const w of weights) total += w
  // No weight prefers any part: split evenly.
  const effective = total === 0n ? weights.map(() => 1n) : weights
  const divisor = total === 0n ? BigInt(n) : total

  const shares = new Array<bigint>(n)
  const remainders = new Array<bigint>(n)
  let distributed = 0n
  for (let i = 0; i < n; i++) {
    const scaled = a * effective[i]!
    shares[i] = scaled / divisor
    remainders[i] = scaled % divisor
    distributed += shares[i]!
  }

  // Fewer than n units are left; the sum of the fractional parts equals that
  // count, so only parts with a non-zero remainder can be chosen.
  let left = a - distributed
  if (left > 0n) {
    const order = Array.from({ length: n }, (_, i) => i)
    order.sort((i, j) => {
      const ri = remainders[i]!
      const rj = remainders[j]!
      return ri > rj ? -1 : ri < rj ? 1 : i - j
    })
    for (let k = 0; left > 0n; k++, left--) {
      const i = order[k]!
      shares[i] = shares[i]! + 1n
    }
  }
  return negative ? shares.map((s) => -s) : shares
}

const validateWeights = (weights: ReadonlyArray<number>): Either.Either<Array<bigint>, InvalidWeights> => {
  const out = new Array<bigint>(weights.length)
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!
    if (!Number.isSafeInteger(w)) {
      return Either.left(new InvalidWeights({ weights, reason: `weight ${i} is not a safe integer` }))
    }
    if (w < 0) {
      return Either.left(new InvalidWeights({ weights, reason: `weight ${i} is negative` }))
    }
    out[i] = BigInt(w)
  }
  return Either.right(out)
}

/**
 * Allocates `amount` across `weights.length` parts in proportion to the
 * weights, by largest remainder. An empty weight list is accepted only for a
 * zero amount (there is nothing to place).
 *
 * @example
 * ```ts
 * // 100 cents over three equal lines: 34 + 33 + 33, the extra cent to the first
 * Allocation.allocate({ amount: 100, currency: "EUR" }, [1, 1, 1])
 * ```
 *
 * @since 0.1.0
 */
export const allocate = (
  amount: Money.Money,
  weights: ReadonlyArray<number>
): Either.Either<Array<Money.Money>, InvalidWeights> => {
  if (weights.length === 0) {
    return amount.amount === 0
      ? Either.right([])
      : Either.left(new InvalidWeights({ weights, reason: "no parts to allocate a non-zero amount to" }))
  }
  return Either.map(validateWeights(weights), (ws) =>
    // Shares are bounded by |amount| in absolute value, so they are safe integers.
    allocateBigInt(BigInt(amount.amount), ws).map((share) => ({ amount: Number(share), currency: amount.currency }))
  )
}

/**
 * Allocates `amount` in proportion to other amounts of the same currency (a
 * discount by line subtotals). Fails on a currency mismatch, or on a negative
 * weight amount.
 *
 * @since 0.1.0
 */
export const allocateByAmounts = (
  amount: Money.Money,
  weights: ReadonlyArray<Money.Money>
): Either.Either<Array<Money.Money>, InvalidWeights | Money.CurrencyMismatch> => {
  for (const w of weights) {
    if (w.currency !== amount.currency) {
      return Either.left(
        new Money.CurrencyMismatch({ expected: amount.currency, actual: w.currency, operation: "allocate" })
      )
    }
  }
  return allocate(
    amount,
    weights.map((w) => w.amount)
  )
}
