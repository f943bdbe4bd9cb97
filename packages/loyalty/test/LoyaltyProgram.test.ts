import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck, Schema } from "effect"
import { LoyaltyProgram } from "@shopvo/loyalty"
import type { Money } from "@shopvo/pricing"
import * as Arb from "./arbitraries.js"

const eur = (amount: number): Money.Money => ({ amount, currency: "EUR" })
const program = Arb.standard
const [bronze, silver, gold] = program.tiers

const encoded = Schema.encodeSync(LoyaltyProgram.LoyaltyProgram)(program)
const decode = Schema.decodeUnknownEither(LoyaltyProgram.LoyaltyProgram)

describe("LoyaltyProgram", () => {
  describe("schema", () => {
    it("round-trips through plain JSON", () => {
      expect(encoded).toStrictEqual({
        currency: "EUR",
        pointsPerUnit: "1",
        pointsPerRedemptionUnit: 100,
        redemptionUnitValue: { amount: 100, currency: "EUR" },
        tiers: [
          { name: "BRONZE", threshold: 0, earnMultiplier: "1" },
          { name: "SILVER", threshold: 1000, earnMultiplier: "1.25" },
          { name: "GOLD", threshold: 5000, earnMultiplier: "1.5" }
        ]
      })
      expect(decode(encoded)).toStrictEqual(Either.right(program))
    })

    it("rejects programs whose tiers or rates are ambiguous", () => {
      const tiers = encoded.tiers
      for (const broken of [
        { ...encoded, tiers: [] },
        { ...encoded, tiers: [{ ...tiers[0], threshold: 10 }] },
        { ...encoded, tiers: [tiers[0], tiers[2], tiers[1]] },
        { ...encoded, tiers: [tiers[0], { ...tiers[1], threshold: 0 }] },
        { ...encoded, tiers: [tiers[0], { ...tiers[1], name: "BRONZE" }] },
        { ...encoded, redemptionUnitValue: { amount: 100, currency: "USD" } },
        { ...encoded, redemptionUnitValue: { amount: 0, currency: "EUR" } },
        { ...encoded, pointsPerRedemptionUnit: 0 },
        { ...encoded, pointsPerUnit: "-1" },
        { ...encoded, pointsPerUnit: "1e2" },
        { ...encoded, pointsPerUnit: 1 },
        { ...encoded, tiers: [{ ...tiers[0], earnMultiplier: "1,5" }] }
      ]) {
        expect(decode(broken)).toSatisfy(Either.isLeft)
      }
    })
  })

  describe("tierFor", () => {
    it("is the highest tier whose threshold was reached", () => {
      expect(LoyaltyProgram.tierFor(program, 0)).toBe(bronze)
      expect(LoyaltyProgram.tierFor(program, 999)).toBe(bronze)
      expect(LoyaltyProgram.tierFor(program, 1000)).toBe(silver)
      expect(LoyaltyProgram.tierFor(program, 4999)).toBe(silver)
      expect(LoyaltyProgram.tierFor(program, 5000)).toBe(gold)
      expect(LoyaltyProgram.tierFor(program, Number.MAX_SAFE_INTEGER)).toBe(gold)
    })

    it.prop(
      "is monotone in lifetime points, and is the last tier reached",
      [Arb.program, FastCheck.nat(30_000), FastCheck.nat(10), FastCheck.integer({ min: -2, max: 2 })],
      ([p, a, tierIndex, delta]) => {
        // One value anywhere, one right around a threshold, where off-by-ones live.
        const b = Math.max(0, p.tiers[tierIndex % p.tiers.length]!.threshold + delta)
        const [low, high] = a <= b ? [a, b] : [b, a]
        const rankLow = LoyaltyProgram.tierRank(p, LoyaltyProgram.tierFor(p, low).name)
        const rankHigh = LoyaltyProgram.tierRank(p, LoyaltyProgram.tierFor(p, high).name)
        expect(rankLow).toBeGreaterThanOrEqual(0)
        expect(rankLow).toBeLessThanOrEqual(rankHigh)
        for (const value of [low, high]) {
          const reached = p.tiers.filter((t) => t.threshold <= value)
          expect(LoyaltyProgram.tierFor(p, value)).toBe(reached[reached.length - 1])
        }
      }
    )
  })

  describe("pointsEarned", () => {
    it("earns per whole currency unit, rounded down", () => {
      expect(LoyaltyProgram.pointsEarned(program, eur(1299), bronze!)).toStrictEqual(Either.right(12))
      expect(LoyaltyProgram.pointsEarned(program, eur(99), bronze!)).toStrictEqual(Either.right(0))
      expect(LoyaltyProgram.pointsEarned(program, eur(0), bronze!)).toStrictEqual(Either.right(0))
    })

    it("applies the tier multiplier to the exact amount, rounding once", () => {
      // 12.99 × 1.5 = 19.485 → 19 (flooring first would give 12 × 1.5 = 18).
      expect(LoyaltyProgram.pointsEarned(program, eur(1299), gold!)).toStrictEqual(Either.right(19))
      // 12.99 × 1.25 = 16.2375 → 16
      expect(LoyaltyProgram.pointsEarned(program, eur(1299), silver!)).toStrictEqual(Either.right(16))
    })

    it("uses the currency's exponent: yen have no minor unit, dinars have three", () => {
      const inCurrency = (currency: "JPY" | "BHD", pointsPerUnit: string) =>
        new LoyaltyProgram.LoyaltyProgram({
          ...program,
          currency,
          pointsPerUnit,
          redemptionUnitValue: { amount: 1, currency }
        })
      const jpy = inCurrency("JPY", "0.01")
      expect(LoyaltyProgram.pointsEarned(jpy, { amount: 1299, currency: "JPY" }, bronze!)).toStrictEqual(
        Either.right(12)
      )
      const bhd = inCurrency("BHD", "10")
      expect(LoyaltyProgram.pointsEarned(bhd, { amount: 1234, currency: "BHD" }, bronze!)).toStrictEqual(
        Either.right(12)
      )
    })

    it("supports fractional rates such as 1 point per €2", () => {
      const half = new LoyaltyProgram.LoyaltyProgram({ ...program, pointsPerUnit: "0.5" })
      expect(LoyaltyProgram.pointsEarned(half, eur(1999), bronze!)).toStrictEqual(Either.right(9))
    })

    it("refuses other currencies, negative amounts, malformed rates and overflowing results", () => {
      const usd = LoyaltyProgram.pointsEarned(program, { amount: 1000, currency: "USD" }, bronze!)
      expect(Either.isLeft(usd) && usd.left._tag).toBe("CurrencyMismatch")
      const negative = LoyaltyProgram.pointsEarned(program, eur(-100), bronze!)
      expect(Either.isLeft(negative) && negative.left._tag).toBe("NegativeAmount")
      const malformed = LoyaltyProgram.pointsEarned(program, eur(100), { ...bronze!, earnMultiplier: "-2" })
      expect(Either.isLeft(malformed) && malformed.left._tag).toBe("InvalidRate")
      const huge = new LoyaltyProgram.LoyaltyProgram({ ...program, pointsPerUnit: "1000" })
      const overflow = LoyaltyProgram.pointsEarned(huge, eur(Number.MAX_SAFE_INTEGER), bronze!)
      expect(Either.isLeft(overflow) && overflow.left._tag).toBe("PointsOverflow")
    })

    it.prop(
      "is the floor of amount × rate × multiplier, computed exactly",
      [Arb.program, FastCheck.nat(10_000_000), FastCheck.nat(10)],
      ([p, amount, tierIndex]) => {
        const tier = p.tiers[tierIndex % p.tiers.length]!
        const earned = Either.getOrThrow(LoyaltyProgram.pointsEarned(p, eur(amount), tier))
        // Compare as fractions over 10^k: earned ≤ exact < earned + 1.
        const exact = (s: string) => {
          const [w, f = ""] = s.split(".")
          return { n: BigInt(w! + f), k: f.length }
        }
        const rate = exact(p.pointsPerUnit)
        const mult = exact(tier.earnMultiplier)
        const numerator = BigInt(amount) * rate.n * mult.n
        const denominator = 10n ** BigInt(rate.k + mult.k + 2)
        expect(BigInt(earned) * denominator <= numerator).toBe(true)
        expect(numerator < BigInt(earned + 1) * denominator).toBe(true)
      }
    )

    it.prop(
      "never decreases when the amount grows",
      [Arb.program, FastCheck.nat(1_000_000), FastCheck.nat(1_000_000)],
      ([p, a, b]) => {
        const tier = p.tiers[0]
        const earn = (amount: number) => Either.getOrThrow(LoyaltyProgram.pointsEarned(p, eur(amount), tier))
        expect(earn(Math.min(a, b))).toBeLessThanOrEqual(earn(Math.max(a, b)))
      }
    )
  })

  describe("redemption value", () => {
    it("100 points = €1.00: every point is a cent", () => {
      expect(LoyaltyProgram.redemptionValue(program, 100)).toStrictEqual(Either.right(eur(100)))
      expect(LoyaltyProgram.redemptionValue(program, 150)).toStrictEqual(Either.right(eur(150)))
      expect(LoyaltyProgram.redemptionStep(program)).toBe(1)
      expect(LoyaltyProgram.minimumRedemption(program)).toBe(1)
    })

    it("rounds down when points do not convert to whole minor units", () => {
      // 3 points = 1 cent: 10 points are worth 3.33… cents → 3.
      const thrifty = new LoyaltyProgram.LoyaltyProgram({
        ...program,
        pointsPerRedemptionUnit: 3,
        redemptionUnitValue: eur(1)
      })
      expect(LoyaltyProgram.redemptionValue(thrifty, 10)).toStrictEqual(Either.right(eur(3)))
      expect(LoyaltyProgram.redemptionValue(thrifty, 2)).toStrictEqual(Either.right(eur(0)))
      expect(LoyaltyProgram.redemptionStep(thrifty)).toBe(3)
      expect(LoyaltyProgram.minimumRedemption(thrifty)).toBe(3)
      // 250 points = €1.50: 5 points are worth exactly 3 cents.
      const odd = new LoyaltyProgram.LoyaltyProgram({
        ...program,
        pointsPerRedemptionUnit: 250,
        redemptionUnitValue: eur(150)
      })
      expect(LoyaltyProgram.redemptionStep(odd)).toBe(5)
      expect(LoyaltyProgram.minimumRedemption(odd)).toBe(2)
      expect(LoyaltyProgram.redemptionValue(odd, 5)).toStrictEqual(Either.right(eur(3)))
    })

    it.prop(
      "never exceeds the points' exact value, and is less than one minor unit below it",
      [Arb.program, FastCheck.nat(10_000_000)],
      ([p, points]) => {
        const value = Either.getOrThrow(LoyaltyProgram.redemptionValue(p, points))
        const exactTimesPer = BigInt(points) * BigInt(p.redemptionUnitValue.amount)
        const per = BigInt(p.pointsPerRedemptionUnit)
        expect(BigInt(value.amount) * per <= exactTimesPer).toBe(true)
        expect(exactTimesPer < BigInt(value.amount + 1) * per).toBe(true)
        if (points % LoyaltyProgram.redemptionStep(p) === 0) {
          expect(BigInt(value.amount) * per).toBe(exactTimesPer)
        }
      }
    )

    it.prop(
      "pointsWorth: the most points whose exact value fits in the amount",
      [Arb.program, FastCheck.nat(1_000_000)],
      ([p, amount]) => {
        const points = Either.getOrThrow(LoyaltyProgram.pointsWorth(p, eur(amount)))
        const per = BigInt(p.pointsPerRedemptionUnit)
        const unit = BigInt(p.redemptionUnitValue.amount)
        expect(BigInt(points) * unit <= BigInt(amount) * per).toBe(true)
        expect(BigInt(points + 1) * unit > BigInt(amount) * per).toBe(true)
        expect(Either.getOrThrow(LoyaltyProgram.redemptionValue(p, points)).amount).toBeLessThanOrEqual(amount)
      }
    )
  })
})

describe("LoyaltyProgram.pointsEarnedOnRefund", () => {
  it("takes back the points earned on the refunded part, rounded so the parts add up", () => {
    expect(LoyaltyProgram.pointsEarnedOnRefund(100, 3000, 0, 1000)).toBe(33)
    expect(LoyaltyProgram.pointsEarnedOnRefund(100, 3000, 1000, 2000)).toBe(33)
    expect(LoyaltyProgram.pointsEarnedOnRefund(100, 3000, 2000, 3000)).toBe(34)
    expect(LoyaltyProgram.pointsEarnedOnRefund(100, 3000, 3000, 4000)).toBe(0)
    expect(LoyaltyProgram.pointsEarnedOnRefund(0, 3000, 0, 3000)).toBe(0)
  })

  it.prop(
    "partial refunds adding up to the base take back exactly what was earned, never more",
    [
      FastCheck.integer({ min: 0, max: 1_000_000 }),
      FastCheck.integer({ min: 1, max: 10_000_000 }),
      FastCheck.array(FastCheck.integer({ min: 1, max: 1_000_000 }), { maxLength: 20 })
    ],
    ([earned, base, parts]) => {
      let refunded = 0
      let takenBack = 0
      for (const part of [...parts, base]) {
        const after = Math.min(base, refunded + part)
        const points = LoyaltyProgram.pointsEarnedOnRefund(earned, base, refunded, after)
        expect(points).toBeGreaterThanOrEqual(0)
        takenBack += points
        refunded = after
        expect(takenBack).toBeLessThanOrEqual(earned)
      }
      expect(takenBack).toBe(earned)
    }
  )
})
