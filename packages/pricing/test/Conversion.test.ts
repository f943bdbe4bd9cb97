import { describe, expect, it } from "@effect/vitest"
import { BigDecimal, FastCheck as fc } from "effect"
import { Conversion, Currency, type Money } from "../src/index.js"
import { left, right } from "./helpers.js"

describe("Conversion", () => {
  it("EUR → JPY drops to exponent 0", () => {
    // 12.34 EUR × 162.5 = 2005.25 JPY → 2005
    expect(right(Conversion.convert({ amount: 1234, currency: "EUR" }, "JPY", "162.5"))).toEqual({
      amount: 2005,
      currency: "JPY"
    })
  })

  it("JPY → EUR and EUR → BHD scale between exponents", () => {
    // 1000 JPY × 0.0061538 = 6.1538 EUR → 6.15
    expect(right(Conversion.convert({ amount: 1000, currency: "JPY" }, "EUR", "0.0061538"))).toEqual({
      amount: 615,
      currency: "EUR"
    })
    // 10.00 EUR × 0.41 = 4.100 BHD
    expect(right(Conversion.convert({ amount: 1000, currency: "EUR" }, "BHD", "0.41"))).toEqual({
      amount: 4100,
      currency: "BHD"
    })
    // 1.234 BHD × 2.4 = 2.9616 EUR → 2.96
    expect(right(Conversion.convert({ amount: 1234, currency: "BHD" }, "EUR", "2.4"))).toEqual({
      amount: 296,
      currency: "EUR"
    })
  })

  it("EUR ↔ USD ↔ GBP with half-even ties", () => {
    // 0.25 EUR × 1.1 = 0.275 USD → 0.28 (8 even); 0.35 × 1.1 = 0.385 → 0.38
    expect(right(Conversion.convert({ amount: 25, currency: "EUR" }, "USD", "1.1")).amount).toBe(28)
    expect(right(Conversion.convert({ amount: 35, currency: "EUR" }, "USD", "1.1")).amount).toBe(38)
    expect(right(Conversion.convert({ amount: 35, currency: "EUR" }, "USD", "1.1", "half-from-zero")).amount).toBe(39)
    expect(right(Conversion.convert({ amount: 10000, currency: "GBP" }, "EUR", "1.1712"))).toEqual({
      amount: 11712,
      currency: "EUR"
    })
  })

  it("refuses zero, negative and malformed rates", () => {
    const m: Money.Money = { amount: 100, currency: "EUR" }
    expect(left(Conversion.convert(m, "USD", "0"))._tag).toBe("InvalidRate")
    expect(left(Conversion.convert(m, "USD", "0.000"))._tag).toBe("InvalidRate")
    expect(left(Conversion.convert(m, "USD", "-1.1"))._tag).toBe("InvalidRate")
    expect(left(Conversion.convert(m, "USD", "1,1"))._tag).toBe("InvalidRate")
    expect(left(Conversion.convert(m, "USD", "1e2"))._tag).toBe("InvalidRate")
  })

  it("convertWith checks the quote's source currency", () => {
    const quote: Conversion.ExchangeRate = { from: "EUR", to: "USD", rate: "1.0845" }
    expect(right(Conversion.convertWith({ amount: 10000, currency: "EUR" }, quote))).toEqual({
      amount: 10845,
      currency: "USD"
    })
    expect(left(Conversion.convertWith({ amount: 10000, currency: "GBP" }, quote))._tag).toBe("CurrencyMismatch")
  })

  it("invert gives the reverse quote at a chosen scale", () => {
    expect(right(Conversion.invert({ from: "EUR", to: "USD", rate: "1.25" }, { scale: 6 }))).toEqual({
      from: "USD",
      to: "EUR",
      rate: "0.8"
    })
    expect(right(Conversion.invert({ from: "EUR", to: "JPY", rate: "162.5" }, { scale: 8 })).rate).toBe("0.00615385")
    expect(left(Conversion.invert({ from: "EUR", to: "JPY", rate: "162.5" }, { scale: 1 }))._tag).toBe("InvalidRate")
  })

  it("same currency at rate 1 is the identity", () => {
    expect(right(Conversion.convert({ amount: 4242, currency: "EUR" }, "EUR", "1"))).toEqual({
      amount: 4242,
      currency: "EUR"
    })
  })

  it.prop(
    "result is within half a target unit of the exact product",
    {
      amount: fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }),
      from: fc.constantFrom(...Currency.codes),
      to: fc.constantFrom(...Currency.codes),
      rateValue: fc.bigInt({ min: 1n, max: 10n ** 9n }),
      rateScale: fc.integer({ min: 0, max: 8 })
    },
    ({ amount, from, rateScale, rateValue, to }) => {
      const rate = BigDecimal.make(rateValue, rateScale)
      const result = Conversion.convert({ amount, currency: from }, to, rate)
      // exact = amount × rate × 10^(e_to − e_from); |out − exact| ≤ 1/2
      const exact = BigDecimal.multiply(
        BigDecimal.make(BigInt(amount) * rateValue, rateScale),
        BigDecimal.make(1n, Currency.exponent(from) - Currency.exponent(to))
      )
      if (result._tag === "Left") {
        // Only a result that truly leaves the safe range may fail.
        expect(result.left._tag).toBe("AmountOutOfRange")
        const limit = BigDecimal.make(BigInt(Number.MAX_SAFE_INTEGER), 0)
        expect(BigDecimal.greaterThan(BigDecimal.abs(exact), limit)).toBe(true)
        return
      }
      const out = result.right
      const diff = BigDecimal.abs(BigDecimal.subtract(BigDecimal.make(BigInt(out.amount), 0), exact))
      expect(BigDecimal.lessThanOrEqualTo(diff, BigDecimal.unsafeFromString("0.5"))).toBe(true)
    }
  )

  // Rates of the form 2^i·5^j·10^k have finite decimal inverses, so the
  // round trip isolates the two roundings of `convert`.
  const exactInvertible = fc
    .tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: -3, max: 3 }))
    .map(([i, j, k]) => BigDecimal.normalize(BigDecimal.make(2n ** BigInt(i) * 5n ** BigInt(j), k)))

  it.prop(
    "round trip a → b → a is within the rounding bound",
    {
      amount: fc.integer({ min: 0, max: 1_000_000_000 }),
      pair: fc.constantFrom(
        ["EUR", "USD"] as const,
        ["EUR", "GBP"] as const,
        ["USD", "GBP"] as const,
        ["EUR", "JPY"] as const,
        ["EUR", "BHD"] as const,
        ["JPY", "KWD"] as const
      ),
      rate: exactInvertible
    },
    ({ amount, pair: [a, b], rate }) => {
      const inverse = right(Conversion.invert({ from: a, to: b, rate: BigDecimal.format(rate) }, { scale: 30 }))
      const there = Conversion.convert({ amount, currency: a }, b, rate)
      if (there._tag === "Left") {
        expect(there.left._tag).toBe("AmountOutOfRange")
        return
      }
      const back = right(Conversion.convert(there.right, a, inverse.rate))
      expect(back.currency).toBe(a)
      // k = minor units of b per minor unit of a; |back − amount| ≤ 1/2 + 1/(2k)
      // ⇔ 2·|back − amount|·k ≤ k + 1
      const k = BigDecimal.multiply(rate, BigDecimal.make(1n, Currency.exponent(a) - Currency.exponent(b)))
      const lhs = BigDecimal.multiply(BigDecimal.make(2n * BigInt(Math.abs(back.amount - amount)), 0), k)
      expect(BigDecimal.lessThanOrEqualTo(lhs, BigDecimal.sum(k, BigDecimal.make(1n, 0)))).toBe(true)
    }
  )
})

describe("Conversion.priceIn", () => {
  const base: Money.Money = { amount: 2999, currency: "EUR" }
  it("a price set in the currency wins over conversion", () => {
    expect(right(Conversion.priceIn({ explicit: 2599, base, to: "GBP", rate: "0.8571" }))).toEqual({
      amount: 2599,
      currency: "GBP"
    })
  })
  it("the base price is used as is in its own currency", () => {
    expect(right(Conversion.priceIn({ explicit: null, base, to: "EUR", rate: undefined }))).toEqual(base)
  })
  it("else converts at the rate, half-even, and needs one", () => {
    // 29.99 × 0.8571 = 25.704429 → 25.70
    expect(right(Conversion.priceIn({ explicit: null, base, to: "GBP", rate: "0.8571" }))).toEqual({
      amount: 2570,
      currency: "GBP"
    })
    expect(left(Conversion.priceIn({ explicit: null, base, to: "GBP", rate: undefined }))._tag).toBe("MissingRate")
  })
})
