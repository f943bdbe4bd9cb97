/**
 * A movement of loyalty points.
 *
 * - `EARN`: points earned on an order;
 * - `AWARD`: points granted by hand (referral, support gesture);
 * - `REDEEM`: points exchanged for a discount;
 * - `DEDUCT`: points taken back by hand (an order refunded after earning);
 * - `EXPIRE`: points that lapsed.
 *
 * Invariant: `points` is the positive size of the movement; its direction
 * comes from `type` alone, so a transaction cannot be a disguised opposite
 * (a "negative EARN"). `signedPoints` gives the signed form the API shows.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import * as Points from "./Points.js"

/**
 * @since 0.1.0
 */
export const TransactionType = Schema.Literal("EARN", "AWARD", "REDEEM", "DEDUCT", "EXPIRE").annotations({
  identifier: "LoyaltyTransactionType"
})

/**
 * @since 0.1.0
 */
export type TransactionType = typeof TransactionType.Type

/**
 * The transaction types that add points (and count towards lifetime points).
 *
 * @since 0.1.0
 */
export const increasing: ReadonlySet<TransactionType> = new Set<TransactionType>(["EARN", "AWARD"])

/**
 * One movement of points. Ids, notes and order references belong to the
 * caller's record (extend this schema with `Schema.extend` to keep them).
 *
 * @since 0.1.0
 */
export const LoyaltyTransaction = Schema.Struct({
  type: TransactionType,
  points: Points.PositivePoints
}).annotations({ identifier: "LoyaltyTransaction" })

/**
 * @since 0.1.0
 */
export interface LoyaltyTransaction extends Schema.Schema.Type<typeof LoyaltyTransaction> {}

/**
 * Whether the transaction adds points.
 *
 * @since 0.1.0
 */
export const isIncrease = (tx: LoyaltyTransaction): boolean => increasing.has(tx.type)

/**
 * The signed change to the balance: `+300` for an EARN of 300, `-100` for a
 * REDEEM of 100 (the reference API's representation).
 *
 * @since 0.1.0
 */
export const signedPoints = (tx: LoyaltyTransaction): number => (isIncrease(tx) ? tx.points : -tx.points)
