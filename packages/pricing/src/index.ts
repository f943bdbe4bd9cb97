/**
 * @shopvo/pricing — money in integer minor units, currencies, allocation,
 * tax, B2B price lists, cart totals, currency conversion and settlement. Pure: depends
 * on `effect` only.
 *
 * @since 0.1.0
 */
export * as Allocation from "./Allocation.js"
export * as Cart from "./Cart.js"
export * as Conversion from "./Conversion.js"
export * as Currency from "./Currency.js"
export * as Ids from "./Ids.js"
export * as Money from "./Money.js"
export * as PriceList from "./PriceList.js"
export * as Rate from "./Rate.js"
export * as Settlement from "./Settlement.js"
export * as Shipping from "./Shipping.js"
export * as Tax from "./Tax.js"
export * as Totals from "./Totals.js"
