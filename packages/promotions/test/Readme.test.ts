// The README's usage example, verbatim, so that it is type-checked and run.
import { describe, expect, it } from "@effect/vitest"
import { Ids } from "@shopvo/pricing"
import { DateTime, Effect, Either } from "effect"
import { Promotion, Validation } from "@shopvo/promotions"

describe("README", () => {
  it.effect("usage example", () =>
    Effect.gen(function* () {
      // --- README example start
      const now = DateTime.unsafeMake("2026-06-15T12:00:00Z") // time is an input, never read

      // An admin creates a promotion (the id comes from the caller).
      const promotion = yield* Promotion.create(Promotion.PromotionId.make("promo_abc"), {
        code: "welcome20", // stored as WELCOME20
        type: "PERCENTAGE",
        value: 20,
        minOrderAmount: 1000,
        maxUses: 500,
        perCustomerLimit: 1
      })
      Promotion.status(promotion, now) // "ACTIVE"

      // A customer types the code at checkout.
      const result = Validation.validate({
        promotion, // what the lookup by Promotion.normalizeCode(code) found, or undefined
        code: "Welcome20",
        cart: {
          subtotal: { amount: 5000, currency: "EUR" },
          lines: [
            {
              lineId: Ids.LineId.make("l1"),
              productId: Ids.ProductId.make("prd_a"),
              subtotal: { amount: 3000, currency: "EUR" }
            },
            {
              lineId: Ids.LineId.make("l2"),
              productId: Ids.ProductId.make("prd_b"),
              subtotal: { amount: 2000, currency: "EUR" }
            }
          ],
          shipping: { amount: 495, currency: "EUR" }
        },
        customerEmail: "jane@example.com",
        customerUses: 0,
        now
      })

      const shown = Either.match(result, {
        onRight: (discount) => `-${discount.total.amount}`, // "-1000", allocated 600 / 400
        onLeft: (error) => (Validation.isRejection(error) ? error.reason : "error") // e.g. "min_order_not_met"
      })
      // --- README example end

      expect(Promotion.status(promotion, now)).toBe("ACTIVE")
      expect(promotion.code).toBe("WELCOME20")
      expect(shown).toBe("-1000")
      expect(Either.getOrThrow(result).allocation.map((a) => a.amount.amount)).toEqual([600, 400])
    })
  )
})
