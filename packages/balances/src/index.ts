/**
 * @shopvo/balances — money held for customers: gift cards (codes, partial
 * redemption, expiry, void) and store-credit ledgers. Neither can ever go
 * below zero. Pure: depends on `effect` and `@shopvo/pricing` only.
 *
 * @since 0.1.0
 */
export * as Balance from "./Balance.js"
export * as GiftCard from "./GiftCard.js"
export * as GiftCardCode from "./GiftCardCode.js"
export * as GiftCardCodeGenerator from "./GiftCardCodeGenerator.js"
export * as StoreCredit from "./StoreCredit.js"
