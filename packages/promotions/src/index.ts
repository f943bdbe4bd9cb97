/**
 * @shopvo/promotions — promotion codes: status at an instant, validation
 * against a cart, and the discount they give. Pure: depends on `effect` and
 * `@shopvo/pricing` only.
 *
 * @since 0.1.0
 */
export * as Discount from "./Discount.js"
export * as Promotion from "./Promotion.js"
export * as Validation from "./Validation.js"
