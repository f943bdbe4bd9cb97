import { describe, expect, it } from "@effect/vitest"
import { FastCheck as fc } from "effect"
import { Allocation, Currency, type Money } from "../src/index.js"
import { left, right } from "./helpers.js"

const eur = (amount: number): Money.Money => ({ amount, currency: "EUR" })
const amounts = (ms: ReadonlyArray<Money.Money>) => ms.map((m) => m.amount)

describe("Allocation", () => {
  it("allocate: remainder goes to the largest remainders, ties to the lowest index", () => {
    expect(amounts(right(Allocation.allocate(eur(100), [1, 1, 1])))).toEqual([34, 33, 33])
    expect(amounts(right(Allocation.allocate(eur(200), [1, 1, 1])))).toEqual([67, 67, 66])
    // exact shares 10/3·1 = 3.33, 10/3·2 = 6.67 → the second has the larger remainder
    expect(amounts(right(Allocation.allocate(eur(10), [1, 2])))).toEqual([3, 7])
    expect(amounts(right(Allocation.allocate(eur(1), [1, 1, 1, 1])))).toEqual([1, 0, 0, 0])
  })

  it("allocate: proportional to weights", () => {
    expect(amounts(right(Allocation.allocate(eur(1000), [2999, 5998, 1003])))).toEqual([300, 600, 100])
    expect(amounts(right(Allocation.allocate(eur(1000), [70, 30])))).toEqual([700, 300])
  })

  it("allocate: zero weights get nothing; all-zero weights split evenly", () => {
    expect(amounts(right(Allocation.allocate(eur(100), [0, 1, 1])))).toEqual([0, 50, 50])
    expect(amounts(right(Allocation.allocate(eur(101), [0, 1, 0, 1])))).toEqual([0, 51, 0, 50])
    expect(amounts(right(Allocation.allocate(eur(10), [0, 0, 0])))).toEqual([4, 3, 3])
    expect(amounts(right(Allocation.allocate(eur(0), [0, 0])))).toEqual([0, 0])
  })

  it("allocate: negative amounts mirror positive ones", () => {
    expect(amounts(right(Allocation.allocate(eur(-100), [1, 1, 1])))).toEqual([-34, -33, -33])
  })

  it("allocate: invalid weights are typed failures", () => {
    expect(right(Allocation.allocate(eur(0), []))).toEqual([])
    expect(left(Allocation.allocate(eur(5), []))._tag).toBe("InvalidWeights")
    expect(left(Allocation.allocate(eur(5), [1, -1]))).toMatchObject({
      _tag: "InvalidWeights",
      reason: "weight 1 is negative"
    })
    expect(left(Allocation.allocate(eur(5), [1, 0.5]))._tag).toBe("InvalidWeights")
  })

  it("allocateByAmounts: weights must share the amount's currency", () => {
    expect(amounts(right(Allocation.allocateByAmounts(eur(10), [eur(1), eur(1)])))).toEqual([5, 5])
    expect(left(Allocation.allocateByAmounts(eur(10), [eur(1), { amount: 1, currency: "USD" }]))._tag).toBe(
      "CurrencyMismatch"
    )
  })

  it("keeps the currency (JPY has no minor unit to split)", () => {
    const parts = right(Allocation.allocate({ amount: 1000, currency: "JPY" }, [1, 1, 1]))
    expect(parts).toEqual([
      { amount: 334, currency: "JPY" },
      { amount: 333, currency: "JPY" },
      { amount: 333, currency: "JPY" }
    ])
  })

  const weights = fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 40 })
  const amount = fc.integer({ min: -10_000_000_000, max: 10_000_000_000 })
  const currency = fc.constantFrom(...Currency.codes)

  it.prop(
    "allocations sum exactly, keep the sign and stay within one unit of the exact share",
    {
      amount,
      weights,
      currency
    },
    ({ amount, currency, weights }) => {
      const parts = right(Allocation.allocate({ amount, currency }, weights))
      expect(parts).toHaveLength(weights.length)
      expect(parts.every((p) => p.currency === currency)).toBe(true)
      expect(parts.reduce((s, p) => s + BigInt(p.amount), 0n)).toBe(BigInt(amount))
      const total = weights.reduce((s, w) => s + BigInt(w), 0n)
      const effective = total === 0n ? weights.map(() => 1n) : weights.map(BigInt)
      const divisor = total === 0n ? BigInt(weights.length) : total
      parts.forEach((p, i) => {
        if (amount >= 0) expect(p.amount).toBeGreaterThanOrEqual(0)
        else expect(p.amount).toBeLessThanOrEqual(0)
        // |p − amount·w/W| < 1  ⇔  |p·W − amount·w| < W
        const diff = BigInt(p.amount) * divisor - BigInt(amount) * effective[i]!
        expect(diff < divisor && diff > -divisor).toBe(true)
        if (total > 0n && weights[i] === 0) expect(p.amount).toBe(0)
      })
    }
  )

  it.prop(
    "no part exceeds its weight when the amount does not exceed the total weight",
    {
      weights,
      numerator: fc.integer({ min: 0, max: 1000 })
    },
    ({ numerator, weights }) => {
      const total = weights.reduce((s, w) => s + w, 0)
      const amount = Math.floor((total * numerator) / 1000)
      const parts = right(Allocation.allocate(eur(amount), weights))
      for (const [i, p] of parts.entries()) expect(p.amount).toBeLessThanOrEqual(weights[i]!)
    }
  )

  it.prop("is deterministic and symmetric in sign", { amount, weights }, ({ amount, weights }) => {
    const a = right(Allocation.allocate(eur(amount), weights))
    expect(right(Allocation.allocate(eur(amount), weights))).toEqual(a)
    expect(amounts(right(Allocation.allocate(eur(-amount), weights)))).toEqual(
      a.map((p) => (p.amount === 0 ? 0 : -p.amount))
    )
  })
})
