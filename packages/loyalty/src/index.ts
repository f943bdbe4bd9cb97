/**
 * @shopvo/loyalty — loyalty program math: points earned on orders, points
 * redeemed for discounts, tiers by lifetime points, and accounts whose
 * balance never goes negative. Pure: depends on `effect` and
 * `@shopvo/pricing` only.
 *
 * @since 0.1.0
 */
export * as LoyaltyAccount from "./LoyaltyAccount.js"
export * as LoyaltyProgram from "./LoyaltyProgram.js"
export * as LoyaltyTransaction from "./LoyaltyTransaction.js"
export * as Points from "./Points.js"
