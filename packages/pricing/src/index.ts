/**
 * @shopvo/pricing — money in integer minor units, currencies, allocation,
 * cart totals, B2B price lists and currency conversion. Pure: depends on
 * `effect` only.
 *
 * @since 0.1.0
 */
export * as Currency from "./Currency.js"
export * as Money from "./Money.js"
