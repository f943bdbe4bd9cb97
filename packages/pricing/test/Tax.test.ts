import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck as fc, Schema } from "effect"
import { type Money, Rate, Tax } from "../src/index.js"
import { left, right } from "./helpers.js"

const eur = (amount: number): Money.Money => ({ amount, currency: "EUR" })

describe("Rate", () => {
  it("basis points and percent strings are explicit and equivalent", () => {
    expect(right(Rate.toFraction({ basisPoints: 2100 }))).toEqual(right(Rate.toFraction({ percent: "21" })))
    expect(right(Rate.toFraction({ basisPoints: 550 }))).toEqual(right(Rate.toFraction({ percent: "5.5" })))
    expect(Rate.toPercentString({ basisPoints: 550 })).toBe("5.5%")
    expect(Rate.toPercentString({ basisPoints: 2000 })).toBe("20%")
  })

  it("refuses negative, fractional or malformed rates", () => {
    expect(left(Rate.toFraction({ basisPoints: -1 }))._tag).toBe("InvalidRate")
    expect(left(Rate.toFraction({ basisPoints: 2.5 }))._tag).toBe("InvalidRate")
    expect(left(Rate.toFraction({ percent: "-5" }))._tag).toBe("InvalidRate")
    expect(left(Rate.toFraction({ percent: "21%" }))._tag).toBe("InvalidRate")
    const decode = Schema.decodeUnknownEither(Rate.Rate)
    expect(Either.isRight(decode({ percent: "7.75" }))).toBe(true)
    expect(Either.isLeft(decode({ percent: 7.75 }))).toBe(true)
    expect(Either.isLeft(decode({ basisPoints: 7.5 }))).toBe(true)
    expect(Either.isLeft(decode({ basisPoints: -100 }))).toBe(true)
  })
})

describe("Tax", () => {
  it("EXCLUSIVE adds tax on top of the net", () => {
    expect(right(Tax.compute(eur(1000), { percent: "21" }, "EXCLUSIVE"))).toEqual({
      net: eur(1000),
      tax: eur(210),
      gross: eur(1210)
    })
    // 8.875% of 19.99 = 1.7741… → 1.77
    expect(right(Tax.compute(eur(1999), { percent: "8.875" }, "EXCLUSIVE")).tax).toEqual(eur(177))
  })

  it("INCLUSIVE extracts the tax from the gross", () => {
    expect(right(Tax.compute(eur(1210), { percent: "21" }, "INCLUSIVE"))).toEqual({
      net: eur(1000),
      tax: eur(210),
      gross: eur(1210)
    })
    // 10.00 incl. 21%: 10 × 21/121 = 1.7355… → 1.74, net 8.26
    expect(right(Tax.compute(eur(1000), { basisPoints: 2100 }, "INCLUSIVE"))).toEqual({
      net: eur(826),
      tax: eur(174),
      gross: eur(1000)
    })
    // 1.19 incl. 19%: exactly 0.19
    expect(right(Tax.compute(eur(119), { percent: "19" }, "INCLUSIVE")).tax).toEqual(eur(19))
  })

  it("rounds ties half-even unless told otherwise", () => {
    // 1% of 2.50 = 0.025 → 0.02; 1% of 3.50 = 0.035 → 0.04
    expect(right(Tax.compute(eur(250), { basisPoints: 100 }, "EXCLUSIVE")).tax).toEqual(eur(2))
    expect(right(Tax.compute(eur(350), { basisPoints: 100 }, "EXCLUSIVE")).tax).toEqual(eur(4))
    expect(right(Tax.compute(eur(250), { basisPoints: 100 }, "EXCLUSIVE", "half-from-zero")).tax).toEqual(eur(3))
  })

  it("respects currency exponents (JPY 0, BHD 3)", () => {
    expect(right(Tax.compute({ amount: 1100, currency: "JPY" }, { percent: "10" }, "INCLUSIVE")).tax).toEqual({
      amount: 100,
      currency: "JPY"
    })
    expect(right(Tax.compute({ amount: 999, currency: "JPY" }, { percent: "8" }, "EXCLUSIVE")).tax).toEqual({
      amount: 80,
      currency: "JPY"
    })
    // 10% VAT on 1.005 BHD = 0.1005 → 0.100 (fils are the unit; 100.5 rounds to even)
    expect(right(Tax.compute({ amount: 1005, currency: "BHD" }, { percent: "10" }, "EXCLUSIVE")).tax).toEqual({
      amount: 100,
      currency: "BHD"
    })
  })

  it("a zero rate is untaxed", () => {
    expect(right(Tax.compute(eur(999), Rate.zero, "INCLUSIVE"))).toEqual({
      net: eur(999),
      tax: eur(0),
      gross: eur(999)
    })
  })

  it.prop(
    "net + tax = gross, all non-negative, inclusive tax never above the gross",
    {
      amount: fc.integer({ min: 0, max: 10_000_000_000 }),
      basisPoints: fc.integer({ min: 0, max: 50_000 }),
      mode: fc.constantFrom("EXCLUSIVE" as const, "INCLUSIVE" as const),
      rounding: fc.constantFrom("half-even" as const, "ceil" as const, "floor" as const, "half-from-zero" as const)
    },
    ({ amount, basisPoints, mode, rounding }) => {
      const b = right(Tax.compute(eur(amount), { basisPoints }, mode, rounding))
      expect(b.net.amount + b.tax.amount).toBe(b.gross.amount)
      expect(b.net.amount).toBeGreaterThanOrEqual(0)
      expect(b.tax.amount).toBeGreaterThanOrEqual(0)
      expect(b.tax.amount).toBeLessThanOrEqual(mode === "INCLUSIVE" ? b.gross.amount : Number.MAX_SAFE_INTEGER)
      expect(mode === "INCLUSIVE" ? b.gross.amount : b.net.amount).toBe(amount)
    }
  )
})
