import { FastCheck } from "effect"
import { LoyaltyProgram } from "@shopvo/loyalty"

// A non-negative decimal string with up to 3 decimals, e.g. "0", "1.5", "12.125".
export const decimalString = (maxWhole: number): FastCheck.Arbitrary<string> =>
  FastCheck.tuple(
    FastCheck.integer({ min: 0, max: maxWhole }),
    FastCheck.integer({ min: 0, max: 999 }),
    FastCheck.integer({ min: 0, max: 3 })
  ).map(([whole, fraction, digits]) =>
    digits === 0 ? `${whole}` : `${whole}.${fraction.toString().padStart(3, "0").slice(0, digits)}`
  )

// Any valid program in EUR: 1–6 tiers with strictly increasing thresholds from 0.
export const program: FastCheck.Arbitrary<LoyaltyProgram.LoyaltyProgram> = FastCheck.record({
  pointsPerUnit: decimalString(20),
  pointsPerRedemptionUnit: FastCheck.integer({ min: 1, max: 1000 }),
  unitValue: FastCheck.integer({ min: 1, max: 1000 }),
  gaps: FastCheck.array(FastCheck.integer({ min: 1, max: 5000 }), { maxLength: 5 }),
  multipliers: FastCheck.array(decimalString(5), { minLength: 6, maxLength: 6 })
}).map(({ gaps, multipliers, pointsPerRedemptionUnit, pointsPerUnit, unitValue }) => {
  let threshold = 0
  const thresholds = [0, ...gaps.map((gap) => (threshold += gap))]
  const tiers = thresholds.map((t, i) => ({ name: `T${i}`, threshold: t, earnMultiplier: multipliers[i]! }))
  return new LoyaltyProgram.LoyaltyProgram({
    currency: "EUR",
    pointsPerUnit,
    pointsPerRedemptionUnit,
    redemptionUnitValue: { amount: unitValue, currency: "EUR" },
    tiers: [tiers[0]!, ...tiers.slice(1)]
  })
})

// The reference's program: 1 point per €1, 100 points = €1.00, three tiers.
export const standard = new LoyaltyProgram.LoyaltyProgram({
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
