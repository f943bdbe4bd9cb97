import { describe, expect, it } from "@effect/vitest"
import { type Cart, Ids, Totals } from "@shopvo/pricing"
import { DateTime, Either, FastCheck as fc } from "effect"
import { Discount, Promotion, Validation } from "../src/index.js"
import { at, cart, eur, input, line, now, promotion } from "./fixtures.js"
import { left, right } from "./helpers.js"

const reason = (i: Validation.Input) => {
  const error = left(Validation.validate(i))
  return Validation.isRejection(error) ? error.reason : error._tag
}

describe("Validation", () => {
  describe("reasons a storefront shows", () => {
    it("not_found: no promotion, or another code", () => {
      expect(reason(input({ promotion: undefined }))).toBe("not_found")
      expect(reason(input({ code: "WELCOME21" }))).toBe("not_found")
      const error = left(Validation.validate(input({ promotion: undefined, code: "nope" })))
      expect(error).toBeInstanceOf(Validation.PromotionNotFound)
      expect(error).toMatchObject({ _tag: "PromotionNotFound", reason: "not_found", code: "nope" })
    })

    it("expired", () => {
      const error = left(
        Validation.validate(input({ promotion: promotion({ expiresAt: at("2026-06-01T00:00:00Z") }) }))
      )
      expect(error).toMatchObject({ _tag: "PromotionExpired", reason: "expired" })
      expect(error.message).toBe("Promotion WELCOME20 expired at 2026-06-01T00:00:00.000Z")
    })

    it("scheduled", () => {
      expect(
        left(Validation.validate(input({ promotion: promotion({ startsAt: at("2026-07-01T00:00:00Z") }) })))
      ).toMatchObject({ _tag: "PromotionScheduled", reason: "scheduled" })
    })

    it("exhausted", () => {
      expect(
        left(Validation.validate(input({ promotion: promotion({ maxUses: 500, usedCount: 500 }) })))
      ).toMatchObject({ _tag: "PromotionExhausted", reason: "exhausted", maxUses: 500, usedCount: 500 })
    })

    it("customer_limit_reached", () => {
      const p = promotion({ perCustomerLimit: 1 })
      expect(Either.isRight(Validation.validate(input({ promotion: p, customerUses: 0 })))).toBe(true)
      expect(left(Validation.validate(input({ promotion: p, customerUses: 1 })))).toMatchObject({
        _tag: "CustomerLimitReached",
        reason: "customer_limit_reached",
        perCustomerLimit: 1,
        customerUses: 1
      })
    })

    it("not_applicable: none of the promotion's products, or another currency", () => {
      const p = promotion({ appliesToProducts: [Ids.ProductId.make("prd_zzz")] })
      expect(left(Validation.validate(input({ promotion: p })))).toMatchObject({
        _tag: "PromotionNotApplicable",
        reason: "not_applicable",
        because: "products"
      })
      expect(left(Validation.validate(input({ promotion: promotion({ currency: "USD" }) })))).toMatchObject({
        _tag: "PromotionNotApplicable",
        reason: "not_applicable",
        because: "currency"
      })
      expect(Either.isRight(Validation.validate(input({ promotion: promotion({ currency: "EUR" }) })))).toBe(true)
    })

    it("min_order_not_met: the cart subtotal is compared, not the eligible one", () => {
      const p = promotion({ minOrderAmount: 5001 })
      expect(left(Validation.validate(input({ promotion: p })))).toMatchObject({
        _tag: "MinOrderNotMet",
        reason: "min_order_not_met",
        minOrderAmount: eur(5001),
        subtotal: eur(5000)
      })
      expect(Either.isRight(Validation.validate(input({ promotion: promotion({ minOrderAmount: 5000 }) })))).toBe(true)
      // restricted to prd_b (20.00) but the whole cart (50.00) meets the minimum
      const restricted = promotion({ minOrderAmount: 5000, appliesToProducts: [Ids.ProductId.make("prd_b")] })
      expect(right(Validation.validate(input({ promotion: restricted }))).amount).toEqual(eur(400))
    })

    it("reasons come in a fixed order, from what the customer cannot change to what they can", () => {
      const everything = promotion({
        expiresAt: at("2026-06-01T00:00:00Z"),
        maxUses: 1,
        usedCount: 1,
        perCustomerLimit: 1,
        minOrderAmount: 999_999,
        appliesToProducts: [Ids.ProductId.make("prd_zzz")]
      })
      expect(reason(input({ promotion: everything, code: "OTHER", customerUses: 5 }))).toBe("not_found")
      expect(reason(input({ promotion: everything, customerUses: 5 }))).toBe("expired")
      expect(reason(input({ promotion: { ...everything, expiresAt: null }, customerUses: 5 }))).toBe("exhausted")
      expect(reason(input({ promotion: { ...everything, expiresAt: null, maxUses: null }, customerUses: 5 }))).toBe(
        "customer_limit_reached"
      )
      expect(reason(input({ promotion: { ...everything, expiresAt: null, maxUses: null }, customerUses: 0 }))).toBe(
        "not_applicable"
      )
      expect(
        reason(input({ promotion: { ...everything, expiresAt: null, maxUses: null, appliesToProducts: [] } }))
      ).toBe("min_order_not_met")
    })

    it("a malformed cart is a pricing error, not a storefront reason", () => {
      const bad = { ...cart([line("l1", "prd_a", 1000)]), shipping: { amount: 100, currency: "USD" as const } }
      const error = left(Validation.validate(input({ cart: bad })))
      expect(error._tag).toBe("CurrencyMismatch")
      expect(Validation.isRejection(error)).toBe(false)
      expect(left(Validation.validate(input({ cart: cart([line("l1", "prd_a", -1)]) })))._tag).toBe("NegativeAmount")
    })
  })

  describe("discounts", () => {
    it("the code is matched case-insensitively", () => {
      expect(right(Validation.validate(input({ code: "welcome20" }))).code).toBe("WELCOME20")
      expect(right(Validation.validate(input({ code: " WeLcOmE20 " }))).amount).toEqual(eur(1000))
    })

    it("PERCENTAGE: the reference's example, 20% of 50.00 is 10.00, allocated by subtotal", () => {
      const d = right(Validation.validate(input()))
      expect(d.amount).toEqual(eur(1000))
      expect(d.total).toEqual(eur(1000))
      expect(d.freeShipping).toEqual(eur(0))
      expect(d.allocation).toEqual([
        { lineId: "l1", amount: eur(600) },
        { lineId: "l2", amount: eur(400) }
      ])
    })

    it("PERCENTAGE is rounded once, half-even by default, on the eligible subtotal", () => {
      // 15% of 0.30 = 0.045 → 0.04 (half-even), split 0.02 / 0.02
      const d = right(
        Validation.validate(
          input({
            promotion: promotion({ value: 15 }),
            cart: cart([line("l1", "prd_a", 15), line("l2", "prd_b", 15)])
          })
        )
      )
      expect(d.amount).toEqual(eur(4))
      expect(d.allocation.map((a) => a.amount.amount)).toEqual([2, 2])
      const up = right(
        Validation.validate(
          input({
            promotion: promotion({ value: 15 }),
            cart: cart([line("l1", "prd_a", 15), line("l2", "prd_b", 15)]),
            rounding: "half-from-zero"
          })
        )
      )
      expect(up.amount).toEqual(eur(5))
    })

    it("applies to the eligible lines only", () => {
      const p = promotion({ appliesToProducts: [Ids.ProductId.make("prd_b")] })
      const d = right(Validation.validate(input({ promotion: p })))
      expect(d.eligibleSubtotal).toEqual(eur(2000))
      expect(d.amount).toEqual(eur(400))
      expect(d.allocation).toEqual([{ lineId: "l2", amount: eur(400) }])
    })

    it("FIXED_AMOUNT never exceeds the eligible lines", () => {
      const p = promotion({ type: "FIXED_AMOUNT", value: 2500, appliesToProducts: [Ids.ProductId.make("prd_b")] })
      const d = right(Validation.validate(input({ promotion: p })))
      expect(d.amount).toEqual(eur(2000))
      expect(d.allocation).toEqual([{ lineId: "l2", amount: eur(2000) }])
      const small = right(Validation.validate(input({ promotion: promotion({ type: "FIXED_AMOUNT", value: 1001 }) })))
      // 10.01 over 30.00 / 20.00: 600.6 → 601, 400.4 → 400
      expect(small.allocation.map((a) => a.amount.amount)).toEqual([601, 400])
    })

    it("FREE_SHIPPING zeroes shipping and leaves the lines alone", () => {
      const d = right(Validation.validate(input({ promotion: promotion({ type: "FREE_SHIPPING", value: 0 }) })))
      expect(d.freeShipping).toEqual(eur(495))
      expect(d.amount).toEqual(eur(0))
      expect(d.total).toEqual(eur(495))
      // before shipping is chosen the code is still accepted, worth nothing yet
      const early = right(
        Validation.validate(
          input({
            promotion: promotion({ type: "FREE_SHIPPING", value: 0 }),
            cart: cart([line("l1", "prd_a", 1000)], 0)
          })
        )
      )
      expect(early.total).toEqual(eur(0))
    })

    it("a cart known only by its subtotal (the reference's validate endpoint)", () => {
      const d = right(Validation.validate(input({ cart: { subtotal: eur(5000), lines: [], shipping: eur(0) } })))
      expect(d.amount).toEqual(eur(1000))
      expect(d.allocation).toEqual([])
      expect(Discount.toLineDiscount(d).lineIds).toBeNull()
      const restricted = promotion({ appliesToProducts: [Ids.ProductId.make("prd_a")] })
      expect(reason(input({ promotion: restricted, cart: { subtotal: eur(5000), lines: [], shipping: eur(0) } }))).toBe(
        "not_applicable"
      )
    })

    it("works in JPY (no minor unit)", () => {
      const jpy = (amount: number) => ({ amount, currency: "JPY" as const })
      const d = right(
        Validation.validate(
          input({
            cart: {
              subtotal: jpy(3333),
              lines: [
                { lineId: Ids.LineId.make("l1"), productId: Ids.ProductId.make("prd_a"), subtotal: jpy(1111) },
                { lineId: Ids.LineId.make("l2"), productId: Ids.ProductId.make("prd_b"), subtotal: jpy(2222) }
              ],
              shipping: jpy(0)
            }
          })
        )
      )
      // 20% of 3333 = 666.6 → 667 yen
      expect(d.amount).toEqual(jpy(667))
      expect(d.allocation.map((a) => a.amount.amount)).toEqual([222, 445])
    })

    it("feeds @shopvo/pricing totals, which allocate it the same way", () => {
      const d = right(Validation.validate(input({ promotion: promotion({ value: 15 }) })))
      const priced: Cart.Cart = {
        currency: "EUR",
        taxMode: "INCLUSIVE",
        lines: [
          {
            id: Ids.LineId.make("l1"),
            productId: Ids.ProductId.make("prd_a"),
            variantId: null,
            quantity: 1,
            productPrice: eur(3000),
            variantPrice: null,
            taxRate: { percent: "21" }
          },
          {
            id: Ids.LineId.make("l2"),
            productId: Ids.ProductId.make("prd_b"),
            variantId: null,
            quantity: 2,
            productPrice: eur(1000),
            variantPrice: null,
            taxRate: { percent: "21" }
          }
        ],
        discounts: [Discount.toLineDiscount(d)],
        shipping: { price: eur(495), taxRate: { percent: "21" }, discount: Discount.toShippingDiscount(d) }
      }
      const totals = right(Totals.compute(priced))
      expect(totals.discounts[0]!.allocation).toEqual(d.allocation)
      expect(totals.lines.map((l) => l.discount)).toEqual(d.allocation.map((a) => a.amount))
    })
  })

  describe("properties", () => {
    const products = ["prd_a", "prd_b", "prd_c", "prd_d"] as const
    const arbitraryCart = fc
      .array(fc.record({ product: fc.constantFrom(...products), subtotal: fc.integer({ min: 0, max: 10_000_000 }) }), {
        maxLength: 15
      })
      .chain((ls) =>
        fc.integer({ min: 0, max: 5000 }).map((shipping) =>
          cart(
            ls.map((l, i) => line(`l${i}`, l.product, l.subtotal)),
            shipping
          )
        )
      )
    const arbitraryPromotion = fc
      .record({
        type: fc.constantFrom("PERCENTAGE" as const, "FIXED_AMOUNT" as const, "FREE_SHIPPING" as const),
        percent: fc.integer({ min: 1, max: 100 }),
        fixed: fc.integer({ min: 1, max: 50_000_000 }),
        appliesTo: fc.subarray([...products])
      })
      .map((g) =>
        promotion({
          type: g.type,
          value: g.type === "PERCENTAGE" ? g.percent : g.type === "FIXED_AMOUNT" ? g.fixed : 0,
          appliesToProducts: g.appliesTo.map((p) => Ids.ProductId.make(p))
        })
      )

    it.prop(
      "a discount never exceeds the eligible subtotal and is allocated over eligible lines only",
      {
        cart: arbitraryCart,
        promotion: arbitraryPromotion
      },
      ({ cart, promotion }) => {
        const result = Validation.validate(input({ cart, promotion }))
        if (Either.isLeft(result)) {
          // the only possible refusal here: none of the restricted products
          expect(result.left).toMatchObject({ reason: "not_applicable", because: "products" })
          return
        }
        const d = result.right
        const eligible =
          promotion.appliesToProducts.length === 0
            ? cart.lines
            : cart.lines.filter((l) => promotion.appliesToProducts.includes(l.productId))
        expect(d.eligibleSubtotal.amount).toBe(eligible.reduce((s, l) => s + l.subtotal.amount, 0))
        expect(d.amount.amount).toBeGreaterThanOrEqual(0)
        expect(d.amount.amount).toBeLessThanOrEqual(d.eligibleSubtotal.amount)
        expect(d.allocation.map((a) => a.lineId)).toEqual(eligible.map((l) => l.lineId))
        expect(d.allocation.reduce((s, a) => s + a.amount.amount, 0)).toBe(d.amount.amount)
        d.allocation.forEach((a, i) => {
          expect(a.amount.amount).toBeGreaterThanOrEqual(0)
          expect(a.amount.amount).toBeLessThanOrEqual(eligible[i]!.subtotal.amount)
        })
        expect(d.freeShipping.amount).toBe(promotion.type === "FREE_SHIPPING" ? cart.shipping.amount : 0)
        expect(d.total.amount).toBe(d.amount.amount + d.freeShipping.amount)
      }
    )

    it.prop(
      "only an ACTIVE promotion gives a discount",
      {
        start: fc.option(fc.integer({ min: -1000, max: 1000 })),
        end: fc.option(fc.integer({ min: -1000, max: 1000 })),
        maxUses: fc.option(fc.integer({ min: 0, max: 3 })),
        usedCount: fc.integer({ min: 0, max: 4 })
      },
      ({ end, maxUses, start, usedCount }) => {
        const shift = (s: number | null) => (s === null ? null : DateTime.add(now, { seconds: s }))
        const p = promotion({ startsAt: shift(start), expiresAt: shift(end), maxUses, usedCount })
        const result = Validation.validate(input({ promotion: p }))
        const status = Promotion.status(p, now)
        expect(Either.isRight(result)).toBe(status === "ACTIVE")
        if (Either.isLeft(result)) {
          expect(Validation.isRejection(result.left) && result.left.reason).toBe(status.toLowerCase())
        }
      }
    )

    it.prop(
      "any casing of the code validates the same",
      {
        code: fc.stringMatching(/^[A-Z0-9_-]{3,32}$/),
        flips: fc.array(fc.boolean(), { minLength: 32, maxLength: 32 })
      },
      ({ code, flips }) => {
        const p = promotion({ code: Promotion.PromotionCode.make(code) })
        const typed = [...code].map((c, i) => (flips[i] ? c.toLowerCase() : c)).join("")
        expect(right(Validation.validate(input({ promotion: p, code: typed })))).toEqual(
          right(Validation.validate(input({ promotion: p, code })))
        )
      }
    )
  })
})
