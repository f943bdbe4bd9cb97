import { describe, expect, it } from "@effect/vitest"
import { BigDecimal, type Either, FastCheck as fc, pipe } from "effect"
import { Currency, Money } from "../src/index.js"
import { divideRounded, roundingModes } from "../src/internal/rounding.js"
import { left, right } from "./helpers.js"

const eur = (amount: number): Money.Money => ({ amount, currency: "EUR" })

const currency = fc.constantFrom(...Currency.codes)
const amount = fc.integer({ min: -1_000_000_000_000, max: 1_000_000_000_000 })
const money = fc.record({ amount, currency })

describe("Money", () => {
  describe("constructors", () => {
    it("make accepts safe integers only", () => {
      expect(right(Money.make(1234, "EUR"))).toEqual(eur(1234))
      expect(left(Money.make(12.5, "EUR"))._tag).toBe("InvalidAmount")
      expect(left(Money.make(Number.MAX_SAFE_INTEGER + 1, "EUR"))._tag).toBe("InvalidAmount")
      expect(left(Money.make(Number.NaN, "EUR"))._tag).toBe("InvalidAmount")
    })

    it("fromDecimalString respects each currency's exponent", () => {
      expect(right(Money.fromDecimalString("12.34", "EUR"))).toEqual(eur(1234))
      expect(right(Money.fromDecimalString("12.3", "EUR"))).toEqual(eur(1230))
      expect(right(Money.fromDecimalString("-0.05", "EUR"))).toEqual(eur(-5))
      expect(right(Money.fromDecimalString("1234", "JPY"))).toEqual({ amount: 1234, currency: "JPY" })
      expect(right(Money.fromDecimalString("1.234", "BHD"))).toEqual({ amount: 1234, currency: "BHD" })
      expect(left(Money.fromDecimalString("12.3", "JPY"))._tag).toBe("InvalidAmount")
      expect(left(Money.fromDecimalString("1.2345", "BHD"))._tag).toBe("InvalidAmount")
      expect(left(Money.fromDecimalString("12.345", "EUR"))._tag).toBe("InvalidAmount")
      expect(left(Money.fromDecimalString("1e3", "EUR"))._tag).toBe("InvalidAmount")
      expect(left(Money.fromDecimalString("1,000.00", "EUR"))._tag).toBe("InvalidAmount")
      expect(left(Money.fromDecimalString("99999999999999999", "EUR"))._tag).toBe("AmountOutOfRange")
    })

    it("fromBigDecimal rounds to the currency's minor unit", () => {
      expect(right(Money.fromBigDecimal(BigDecimal.unsafeFromString("12.345"), "EUR"))).toEqual(eur(1234))
      expect(right(Money.fromBigDecimal(BigDecimal.unsafeFromString("12.355"), "EUR"))).toEqual(eur(1236))
      expect(right(Money.fromBigDecimal(BigDecimal.unsafeFromString("12.345"), "EUR", "half-from-zero"))).toEqual(
        eur(1235)
      )
      expect(right(Money.fromBigDecimal(BigDecimal.unsafeFromString("100.5"), "JPY"))).toEqual({
        amount: 100,
        currency: "JPY"
      })
      expect(right(Money.fromBigDecimal(BigDecimal.unsafeFromString("1.0005"), "BHD"))).toEqual({
        amount: 1000,
        currency: "BHD"
      })
    })

    it("toBigDecimal is exact in major units", () => {
      expect(BigDecimal.format(Money.toBigDecimal(eur(1234)))).toBe("12.34")
      expect(BigDecimal.format(Money.toBigDecimal({ amount: 1234, currency: "BHD" }))).toBe("1.234")
      expect(BigDecimal.format(Money.toBigDecimal({ amount: 1234, currency: "JPY" }))).toBe("1234")
    })
  })

  describe("arithmetic", () => {
    it("adds, subtracts and multiplies in minor units", () => {
      expect(right(Money.add(eur(1050), eur(250)))).toEqual(eur(1300))
      expect(right(Money.subtract(eur(250), eur(1050)))).toEqual(eur(-800))
      expect(right(Money.multiply(eur(2999), 3))).toEqual(eur(8997))
      expect(right(pipe(eur(2999), Money.multiply(2)))).toEqual(eur(5998))
      expect(right(Money.sum("EUR", [eur(1), eur(2), eur(3)]))).toEqual(eur(6))
      expect(right(Money.sum("EUR", []))).toEqual(eur(0))
    })

    it("mixing currencies is a typed failure naming both", () => {
      const error = left(Money.add(eur(100), { amount: 100, currency: "USD" }))
      expect(error).toBeInstanceOf(Money.CurrencyMismatch)
      expect(error).toMatchObject({ _tag: "CurrencyMismatch", expected: "EUR", actual: "USD", operation: "add" })
      expect(error.message).toBe("Cannot add: expected EUR, got USD")
      expect(left(Money.sum("EUR", [eur(1), { amount: 1, currency: "GBP" }]))._tag).toBe("CurrencyMismatch")
    })

    it("refuses fractional quantities and results beyond the safe range", () => {
      expect(left(Money.multiply(eur(100), 1.5))._tag).toBe("InvalidAmount")
      expect(left(Money.multiply(eur(Number.MAX_SAFE_INTEGER), 2))._tag).toBe("AmountOutOfRange")
      expect(left(Money.add(eur(Number.MAX_SAFE_INTEGER), eur(1)))).toMatchObject({
        _tag: "AmountOutOfRange",
        minorUnits: "9007199254740992"
      })
    })

    it.prop(
      "any binary operation on different currencies fails with CurrencyMismatch",
      {
        a: money,
        b: money
      },
      ({ a, b }) => {
        fc.pre(a.currency !== b.currency)
        const results: ReadonlyArray<Either.Either<unknown, { readonly _tag: string }>> = [
          Money.add(a, b),
          Money.subtract(a, b),
          Money.compare(a, b),
          Money.min(a, b),
          Money.max(a, b)
        ]
        for (const result of results) expect(left(result)._tag).toBe("CurrencyMismatch")
      }
    )

    it.prop(
      "add then subtract is the identity; add commutes",
      { a: amount, b: amount, currency },
      ({ a, b, currency }) => {
        const x = { amount: a, currency }
        const y = { amount: b, currency }
        const s = right(Money.add(x, y))
        expect(right(Money.add(y, x))).toEqual(s)
        expect(right(Money.subtract(s, y))).toEqual(x)
      }
    )
  })

  describe("percentage", () => {
    it("rounds half-even by default", () => {
      // 10% of 10.05 = 1.005 → 1.00 (0 is even); 10% of 10.15 = 1.015 → 1.02
      expect(right(Money.percentage(eur(1005), 10))).toEqual(eur(100))
      expect(right(Money.percentage(eur(1015), 10))).toEqual(eur(102))
      expect(right(Money.percentage(eur(25), 10))).toEqual(eur(2))
      expect(right(Money.percentage(eur(35), 10))).toEqual(eur(4))
      expect(right(Money.percentage(eur(-1005), 10))).toEqual(eur(-100))
      // not a tie: ordinary rounding
      expect(right(Money.percentage(eur(1006), 10))).toEqual(eur(101))
    })

    it("uses the rounding mode it is given", () => {
      expect(right(Money.percentage(eur(1005), 10, "half-from-zero"))).toEqual(eur(101))
      expect(right(Money.percentage(eur(1001), 10, "ceil"))).toEqual(eur(101))
      expect(right(Money.percentage(eur(1009), 10, "floor"))).toEqual(eur(100))
      expect(right(Money.percentage(eur(-1009), 10, "to-zero"))).toEqual(eur(-100))
      expect(right(pipe(eur(1005), Money.percentage(10, "half-odd")))).toEqual(eur(101))
      expect(right(pipe(eur(1005), Money.percentage(10)))).toEqual(eur(100))
    })

    it("accepts decimal strings and BigDecimals, refuses floats", () => {
      expect(right(Money.percentage(eur(1000), "12.5"))).toEqual(eur(125))
      expect(right(Money.percentage(eur(999), "33.333"))).toEqual(eur(333))
      expect(right(Money.percentage(eur(1000), BigDecimal.unsafeFromString("7.5")))).toEqual(eur(75))
      expect(left(Money.percentage(eur(1000), 0.1))._tag).toBe("InvalidRate")
      expect(left(Money.percentage(eur(1000), "1e2"))._tag).toBe("InvalidRate")
      expect(left(Money.percentage(eur(1000), "ten"))._tag).toBe("InvalidRate")
    })

    it("JPY has no minor unit: 8% of 999 yen is 80 yen", () => {
      expect(right(Money.percentage({ amount: 999, currency: "JPY" }, 8))).toEqual({ amount: 80, currency: "JPY" })
    })

    it.prop(
      "is within half a minor unit of the exact value",
      {
        a: amount,
        basisPoints: fc.integer({ min: 0, max: 100_000 })
      },
      ({ a, basisPoints }) => {
        const result = right(Money.percentage(eur(a), BigDecimal.make(BigInt(basisPoints), 2)))
        // |result − a·bp/10000| ≤ 1/2  ⇔  |result·20000 − a·bp·2| ≤ 10000
        const diff = BigInt(result.amount) * 20000n - BigInt(a) * BigInt(basisPoints) * 2n
        expect(diff <= 10000n && diff >= -10000n).toBe(true)
      }
    )
  })

  describe("comparison", () => {
    it("compares, orders and tests sign", () => {
      expect(right(Money.compare(eur(1), eur(2)))).toBe(-1)
      expect(right(Money.compare(eur(2), eur(2)))).toBe(0)
      expect(right(Money.compare(eur(3), eur(2)))).toBe(1)
      expect(right(Money.min(eur(3), eur(2)))).toEqual(eur(2))
      expect(right(Money.max(eur(3), eur(2)))).toEqual(eur(3))
      expect(Money.isNegative(eur(-1))).toBe(true)
      expect(Money.isNegative(eur(0))).toBe(false)
      expect(Money.isZero(eur(0))).toBe(true)
      expect(Money.isPositive(eur(1))).toBe(true)
      expect(Money.equals(eur(1), { amount: 1, currency: "USD" })).toBe(false)
      expect(Money.negate(eur(0))).toEqual(eur(0))
      expect(Object.is(Money.negate(eur(0)).amount, -0)).toBe(false)
      expect(left(Money.nonNegative(eur(-1), "gift card balance")).message).toBe(
        "gift card balance must not be negative (got -1 minor units of EUR)"
      )
    })
  })

  describe("rounding kernel", () => {
    it("matches the documented tie behaviour of every mode", () => {
      const at = (n: bigint) => roundingModes.map((mode) => divideRounded(n, 2n, mode))
      // modes:      ceil floor to-zero from-zero half-ceil half-floor half-to-zero half-from-zero half-even half-odd
      expect(at(5n)).toEqual([3n, 2n, 2n, 3n, 3n, 2n, 2n, 3n, 2n, 3n])
      expect(at(-5n)).toEqual([-2n, -3n, -2n, -3n, -2n, -3n, -2n, -3n, -2n, -3n])
      expect(at(7n)).toEqual([4n, 3n, 3n, 4n, 4n, 3n, 3n, 4n, 4n, 3n])
    })

    it.prop(
      "agrees with BigDecimal.round for every mode",
      {
        n: fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
        exponent: fc.integer({ min: 0, max: 6 }),
        mode: fc.constantFrom(...roundingModes)
      },
      ({ exponent, mode, n }) => {
        const expected = BigDecimal.round(BigDecimal.make(n, exponent), { scale: 0, mode })
        expect(divideRounded(n, 10n ** BigInt(exponent), mode)).toBe(BigDecimal.scale(expected, 0).value)
      }
    )
  })
})
