/**
 * Fulfilment: which quantities of an order's lines have shipped, and what a new shipment may take.
 *
 * Invariants (property-tested):
 * - a plan never ships more of a line than remains (quantity − fulfilled), never a line the order
 *   lacks, never a line twice, and never nothing;
 * - omitting the lines ships everything that remains;
 * - `statusOf` is UNFULFILLED while nothing shipped, FULFILLED once every quantity shipped, and
 *   PARTIALLY_FULFILLED in between.
 */
import { Either, Schema } from "effect"

/** How much of an order has shipped (the API's `FulfilmentStatus`). */
export const FulfilmentStatus = Schema.Literal("UNFULFILLED", "PARTIALLY_FULFILLED", "FULFILLED")
export type FulfilmentStatus = typeof FulfilmentStatus.Type

/** An order line as fulfilment sees it. */
export interface Line {
  readonly id: string
  readonly quantity: number
  readonly fulfilledQuantity: number
}

/** A quantity of one line (of a shipment, or of a refund). */
export interface LineQuantity {
  readonly orderItemId: string
  readonly quantity: number
}

/** A shipment that cannot be made; `problems` say why, one per line at fault. */
export class InvalidFulfilment extends Schema.TaggedError<InvalidFulfilment>()("InvalidFulfilment", {
  problems: Schema.NonEmptyArray(Schema.Struct({ orderItemId: Schema.NullOr(Schema.String), reason: Schema.String }))
}) {
  override get message(): string {
    return `Cannot fulfil: ${this.problems.map((p) => (p.orderItemId === null ? p.reason : `${p.orderItemId} ${p.reason}`)).join("; ")}`
  }
}

/** What remains to ship of a line. */
export const remaining = (line: Line): number => line.quantity - line.fulfilledQuantity

/** The order's fulfilment status from its lines. */
export const statusOf = (lines: ReadonlyArray<Line>): FulfilmentStatus => {
  const shipped = lines.reduce((sum, line) => sum + line.fulfilledQuantity, 0)
  if (shipped === 0) return "UNFULFILLED"
  return lines.every((line) => remaining(line) === 0) ? "FULFILLED" : "PARTIALLY_FULFILLED"
}

/**
 * Checks `quantities` against what the lines have left, per line: each named line must exist,
 * appear once, and ask for 1 ≤ quantity ≤ `left(line)`. Shared by fulfilments and line refunds.
 */
export const checkQuantities = (
  lines: ReadonlyArray<Line>,
  quantities: ReadonlyArray<LineQuantity>,
  left: (line: Line) => number,
  what: string
): Array<{ readonly orderItemId: string; readonly reason: string }> => {
  const problems: Array<{ orderItemId: string; reason: string }> = []
  const seen = new Set<string>()
  for (const requested of quantities) {
    const line = lines.find((l) => l.id === requested.orderItemId)
    if (line === undefined) {
      problems.push({ orderItemId: requested.orderItemId, reason: "is not a line of this order" })
    } else if (seen.has(requested.orderItemId)) {
      problems.push({ orderItemId: requested.orderItemId, reason: "is named more than once" })
    } else if (!Number.isSafeInteger(requested.quantity) || requested.quantity < 1) {
      problems.push({ orderItemId: requested.orderItemId, reason: "needs a quantity of at least 1" })
    } else if (requested.quantity > left(line)) {
      problems.push({
        orderItemId: requested.orderItemId,
        reason: `has ${left(line)} left to ${what}, ${requested.quantity} asked`
      })
    }
    seen.add(requested.orderItemId)
  }
  return problems
}

/**
 * The quantities a new shipment takes: `requested` checked against what remains, or (when it is
 * omitted) everything that remains.
 */
export const plan = (
  lines: ReadonlyArray<Line>,
  requested: ReadonlyArray<LineQuantity> | undefined
): Either.Either<ReadonlyArray<LineQuantity>, InvalidFulfilment> => {
  const quantities =
    requested ??
    lines.filter((line) => remaining(line) > 0).map((line) => ({ orderItemId: line.id, quantity: remaining(line) }))
  const [first, ...rest] = checkQuantities(lines, quantities, remaining, "ship")
  if (first !== undefined) return Either.left(new InvalidFulfilment({ problems: [first, ...rest] }))
  if (quantities.length === 0) {
    return Either.left(new InvalidFulfilment({ problems: [{ orderItemId: null, reason: "every line has shipped" }] }))
  }
  return Either.right(quantities)
}
