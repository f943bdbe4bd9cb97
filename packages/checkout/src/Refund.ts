/**
 * Refunds by line: which quantities may still be refunded, and what they are worth.
 *
 * A line's worth is its share of what the goods cost after the order's discount:
 * `unitPrice × quantity × (subtotal − discountTotal) / subtotal`, rounded down, so refunding every
 * line never returns more than the discounted goods cost (shipping is refunded by amount).
 *
 * Invariants (property-tested): a line is never refunded beyond its quantity, and the worth of any
 * set of lines is at most `subtotal − discountTotal`.
 */
import { Either, Schema } from "effect"
import { checkQuantities, type LineQuantity } from "./Fulfilment.js"

/** An order line as a refund sees it. */
export interface Line {
  readonly id: string
  readonly quantity: number
  readonly refundedQuantity: number
  readonly unitPrice: number
}

/** The order amounts a line's share is taken from. */
export interface Goods {
  readonly subtotal: number
  readonly discountTotal: number
}

/** Lines that cannot be refunded as asked. */
export class InvalidRefundLines extends Schema.TaggedError<InvalidRefundLines>()("InvalidRefundLines", {
  problems: Schema.NonEmptyArray(Schema.Struct({ orderItemId: Schema.String, reason: Schema.String }))
}) {
  override get message(): string {
    return `Cannot refund: ${this.problems.map((p) => `${p.orderItemId} ${p.reason}`).join("; ")}`
  }
}

/** What remains to refund of a line. */
export const unrefunded = (line: Line): number => line.quantity - line.refundedQuantity

/**
 * The worth of `quantities` of `lines` (see the module comment), or why they cannot be refunded:
 * a line the order lacks or named twice, or more than remains unrefunded.
 */
export const linesAmount = (
  goods: Goods,
  lines: ReadonlyArray<Line>,
  quantities: ReadonlyArray<LineQuantity>
): Either.Either<number, InvalidRefundLines> => {
  const [first, ...rest] = checkQuantities(
    lines.map((line) => ({ id: line.id, quantity: line.quantity, fulfilledQuantity: line.refundedQuantity })),
    quantities,
    (line) => line.quantity - line.fulfilledQuantity,
    "refund"
  )
  if (first !== undefined) return Either.left(new InvalidRefundLines({ problems: [first, ...rest] }))
  if (goods.subtotal <= 0) return Either.right(0)
  const gross = quantities.reduce((sum, requested) => {
    const line = lines.find((l) => l.id === requested.orderItemId)
    return sum + BigInt(line?.unitPrice ?? 0) * BigInt(requested.quantity)
  }, 0n)
  // bigint division of non-negative values is the floor.
  const net = (gross * BigInt(Math.max(0, goods.subtotal - goods.discountTotal))) / BigInt(goods.subtotal)
  return Either.right(Number(net))
}
