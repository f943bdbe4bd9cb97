// The README's usage example, verbatim, so that it is type-checked and run.
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { Allocation, type Cart, Conversion, Ids, Money, Totals } from "@shopvo/pricing"

describe("README", () => {
  it.effect("usage example", () =>
    Effect.gen(function* () {
      // --- README example start
      const price: Money.Money = { amount: 2999, currency: "EUR" } // 29.99 EUR

      const vat = yield* Money.percentage(price, "21") // 630 (629.79 rounded half-even)
      const thirds = yield* Allocation.allocate({ amount: 100, currency: "EUR" }, [1, 1, 1]) // 34, 33, 33
      const yen = yield* Conversion.convert(price, "JPY", "162.5") // 4873 JPY

      const cart: Cart.Cart = {
        currency: "EUR",
        taxMode: "INCLUSIVE",
        lines: [
          {
            id: Ids.LineId.make("lin_1"),
            productId: Ids.ProductId.make("prd_abc"),
            variantId: Ids.VariantId.make("var_s"),
            quantity: 2,
            productPrice: price,
            variantPrice: null, // falls back to the product price
            taxRate: { percent: "21" }
          }
        ],
        discounts: [{ label: "WELCOME10", amount: { amount: 598, currency: "EUR" }, lineIds: null }],
        shipping: { price: { amount: 495, currency: "EUR" }, taxRate: { percent: "21" } },
        reductions: { giftCards: [{ code: "GIFT-ABCD-EFGH", amount: { amount: 2000, currency: "EUR" } }] }
      }
      const totals = yield* Totals.compute(cart)
      // totals.total = 5895 (59.98 − 5.98 + 4.95), totals.amountDue = 3895 after the gift card

      const mixed = yield* Effect.either(Money.add(price, { amount: 100, currency: "USD" }))
      // Left(CurrencyMismatch { expected: "EUR", actual: "USD" })
      // --- README example end

      expect(vat.amount).toBe(630)
      expect(thirds.map((m) => m.amount)).toEqual([34, 33, 33])
      expect(yen).toEqual({ amount: 4873, currency: "JPY" })
      expect(totals.total.amount).toBe(5895)
      expect(totals.amountDue.amount).toBe(3895)
      expect(mixed._tag === "Left" && mixed.left._tag).toBe("CurrencyMismatch")
    })
  )
})
