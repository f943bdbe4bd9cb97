import { describe, expect, it } from "@effect/vitest"
import { BigDecimal, FastCheck as fc } from "effect"
import { Currency, type Money, Settlement } from "../src/index.js"
import { left, right } from "./helpers.js"

const rules: ReadonlyArray<Settlement.Rule> = [
  { presentmentCurrency: "GBP", country: "IE", settlementCurrency: "EUR" },
  { presentmentCurrency: "GBP", country: null, settlementCurrency: "GBP" },
  { presentmentCurrency: null, country: "US", settlementCurrency: "USD" }
]

describe("Settlement.route", () => {
  it("takes the first rule whose every condition holds, else the default", () => {
    expect(Settlement.route(rules, "EUR", { presentmentCurrency: "GBP", country: "IE" })).toBe("EUR")
    expect(Settlement.route(rules, "EUR", { presentmentCurrency: "GBP", country: "GB" })).toBe("GBP")
    expect(Settlement.route(rules, "EUR", { presentmentCurrency: "GBP", country: null })).toBe("GBP")
    expect(Settlement.route(rules, "EUR", { presentmentCurrency: "EUR", country: "US" })).toBe("USD")
    expect(Settlement.route(rules, "EUR", { presentmentCurrency: "USD", country: "DE" })).toBe("EUR")
    expect(Settlement.route([], "CHF", { presentmentCurrency: "USD", country: "DE" })).toBe("CHF")
  })

  it("a rule naming no condition matches nothing", () => {
    const empty: Settlement.Rule = { presentmentCurrency: null, country: null, settlementCurrency: "USD" }
    expect(Settlement.route([empty], "EUR", { presentmentCurrency: "GBP", country: "GB" })).toBe("EUR")
  })
})

describe("Settlement.settle and refund", () => {
  it("converts once, half-even, at the recorded rate", () => {
    // 25.99 GBP × 1.1712 = 30.439488 EUR → 30.44
    const settled = right(Settlement.settle({ amount: 2599, currency: "GBP" }, "EUR", "1.1712"))
    expect(settled).toEqual({
      presentment: { amount: 2599, currency: "GBP" },
      settlement: { amount: 3044, currency: "EUR" },
      rate: "1.1712"
    })
    expect(Settlement.agrees(settled)).toBe(true)
    expect(Settlement.agrees({ ...settled, settlement: { amount: 3043, currency: "EUR" } })).toBe(false)
  })

  it("the same currency settles at 1 whatever rate is passed", () => {
    expect(right(Settlement.settle({ amount: 999, currency: "EUR" }, "EUR", "1.2"))).toEqual({
      presentment: { amount: 999, currency: "EUR" },
      settlement: { amount: 999, currency: "EUR" },
      rate: "1"
    })
  })

  it("partial refunds add up to the settlement total, never drifting by a rounding", () => {
    // 0.03 GBP at 1.5 = 0.045 → 0.04 EUR (half-even); refunding 0.01 three times converts
    // 0.015 → 0.02, then 0.03 → 0.03 (+1), then 0.045 → 0.04 (+1): 2 + 1 + 1 = 4.
    const settled = right(Settlement.settle({ amount: 3, currency: "GBP" }, "EUR", "1.5"))
    const one: Money.Money = { amount: 1, currency: "GBP" }
    const first = right(Settlement.refund(settled, { amount: 0, currency: "GBP" }, one))
    const second = right(Settlement.refund(settled, { amount: 1, currency: "GBP" }, one))
    const third = right(Settlement.refund(settled, { amount: 2, currency: "GBP" }, one))
    expect([first.amount, second.amount, third.amount]).toEqual([2, 1, 1])
    expect(first.amount + second.amount + third.amount).toBe(settled.settlement.amount)
    expect(third.currency).toBe("EUR")
  })

  it("refuses a refund beyond the total, in another currency, or negative", () => {
    const settled = right(Settlement.settle({ amount: 1000, currency: "USD" }, "GBP", "0.79"))
    expect(
      left(Settlement.refund(settled, { amount: 600, currency: "USD" }, { amount: 401, currency: "USD" }))._tag
    ).toBe("RefundExceedsTotal")
    expect(left(Settlement.refund(settled, { amount: 0, currency: "USD" }, { amount: 10, currency: "GBP" }))._tag).toBe(
      "CurrencyMismatch"
    )
    expect(left(Settlement.refund(settled, { amount: 0, currency: "USD" }, { amount: -1, currency: "USD" }))._tag).toBe(
      "NegativeAmount"
    )
  })
})

/** A positive exchange rate as a decimal string, "0.0001" to "999.99999999". */
const rateString = fc
  .tuple(fc.bigInt({ min: 1n, max: 99_999_999_999n }), fc.integer({ min: 0, max: 8 }))
  .map(([value, scale]) => BigDecimal.format(BigDecimal.make(value, scale)))
  .filter((rate) => BigDecimal.lessThan(BigDecimal.unsafeFromString(rate), BigDecimal.unsafeFromString("1000")))

/** An order total in any currency, split into the refunds a merchant might make. */
const order = fc
  .record({
    presentmentCurrency: fc.constantFrom(...Currency.codes),
    settlementCurrency: fc.constantFrom(...(["EUR", "USD", "GBP"] as const)),
    total: fc.integer({ min: 0, max: 1_000_000_000 }),
    rate: rateString,
    cuts: fc.array(fc.integer({ min: 0, max: 1_000_000_000 }), { maxLength: 6 })
  })
  .map((o) => {
    // Refund parts that add up to the total: the gaps between sorted cut points.
    const points = [0, ...o.cuts.map((c) => c % (o.total + 1)).sort((a, b) => a - b), o.total]
    return { ...o, refunds: points.slice(1).map((p, i) => p - points[i]!) }
  })

describe("Settlement properties", () => {
  it.prop(
    "for any order in any currency, presentment, settlement and rate agree to the minor unit",
    { order },
    ({ order: o }) => {
      const presentment: Money.Money = { amount: o.total, currency: o.presentmentCurrency }
      const settled = right(Settlement.settle(presentment, o.settlementCurrency, o.rate))
      expect(settled.presentment).toEqual(presentment)
      expect(settled.settlement.currency).toBe(o.settlementCurrency)
      expect(Settlement.agrees(settled)).toBe(true)
      // Within half a minor unit of the exact product, computed independently in BigDecimal.
      const exact = BigDecimal.multiply(
        BigDecimal.multiply(BigDecimal.make(BigInt(o.total), 0), BigDecimal.unsafeFromString(settled.rate)),
        BigDecimal.make(1n, Currency.exponent(o.presentmentCurrency) - Currency.exponent(o.settlementCurrency))
      )
      const diff = BigDecimal.abs(BigDecimal.subtract(BigDecimal.make(BigInt(settled.settlement.amount), 0), exact))
      expect(BigDecimal.lessThanOrEqualTo(diff, BigDecimal.unsafeFromString("0.5"))).toBe(true)
    }
  )

  it.prop(
    "refunds settle back in the settlement currency at the order's rate, and a full refund takes back exactly the settlement",
    { order },
    ({ order: o }) => {
      const settled = right(
        Settlement.settle({ amount: o.total, currency: o.presentmentCurrency }, o.settlementCurrency, o.rate)
      )
      let refunded = 0
      let settledBack = 0
      for (const part of o.refunds) {
        const back = right(
          Settlement.refund(
            settled,
            { amount: refunded, currency: o.presentmentCurrency },
            { amount: part, currency: o.presentmentCurrency }
          )
        )
        expect(back.currency).toBe(settled.settlement.currency)
        expect(back.amount).toBeGreaterThanOrEqual(0)
        refunded += part
        settledBack += back.amount
        // So far, the refunds took back what their sum is worth at the order's rate.
        const soFar = right(
          Settlement.settle({ amount: refunded, currency: o.presentmentCurrency }, o.settlementCurrency, settled.rate)
        )
        expect(settledBack).toBe(soFar.settlement.amount)
      }
      expect(refunded).toBe(o.total)
      expect(settledBack).toBe(settled.settlement.amount)
      // Nothing remains: one more minor unit is refused.
      expect(
        left(
          Settlement.refund(
            settled,
            { amount: refunded, currency: o.presentmentCurrency },
            { amount: 1, currency: o.presentmentCurrency }
          )
        )._tag
      ).toBe("RefundExceedsTotal")
    }
  )
})
