import { bench, describe } from "vitest"
import { Either } from "effect"
import { type Cart, Ids, Totals } from "../src/index.js"

// A 100-line cart with mixed tax rates, half the lines on variant prices,
// one cart-wide discount, shipping and a gift card: the shape of a large
// B2C checkout.
const lines: Array<Cart.Line> = Array.from({ length: 100 }, (_, i) => ({
  id: Ids.LineId.make(`lin_${i}`),
  productId: Ids.ProductId.make(`prd_${i}`),
  variantId: Ids.VariantId.make(`var_${i}`),
  quantity: 1 + (i % 5),
  productPrice: { amount: 999 + i * 137, currency: "EUR" },
  variantPrice: i % 2 === 0 ? { amount: 1099 + i * 41, currency: "EUR" } : null,
  taxRate: i % 3 === 0 ? { percent: "21" } : i % 3 === 1 ? { basisPoints: 900 } : { percent: "5.5" }
}))

const cart: Cart.Cart = {
  currency: "EUR",
  taxMode: "EXCLUSIVE",
  lines,
  discounts: [{ label: "SPRING15", amount: { amount: 15_000, currency: "EUR" }, lineIds: null }],
  shipping: { price: { amount: 495, currency: "EUR" }, taxRate: { percent: "21" } },
  reductions: { giftCards: [{ code: "GIFT-ABCD-EFGH", amount: { amount: 5_000, currency: "EUR" } }] }
}

describe("Totals.compute", () => {
  bench("100-line cart with tax, a discount and a gift card", () => {
    const result = Totals.compute(cart)
    if (Either.isLeft(result)) throw result.left
  })

  bench("same cart, tax-inclusive prices", () => {
    const result = Totals.compute({ ...cart, taxMode: "INCLUSIVE" })
    if (Either.isLeft(result)) throw result.left
  })
})
