import { Either, Schema } from "effect"
import { LoyaltyAccount, LoyaltyProgram } from "@shopvo/loyalty"

// The rules, decoded from the store's settings: 1 point per €1 spent,
// 100 points = €1.00 off, GOLD from 1000 lifetime points earning ×1.5.
const program = Schema.decodeUnknownSync(LoyaltyProgram.LoyaltyProgram)({
  currency: "EUR",
  pointsPerUnit: "1",
  pointsPerRedemptionUnit: 100,
  redemptionUnitValue: { amount: 100, currency: "EUR" },
  tiers: [
    { name: "BRONZE", threshold: 0, earnMultiplier: "1" },
    { name: "GOLD", threshold: 1000, earnMultiplier: "1.5" }
  ]
})

export const checkout = Either.gen(function* () {
  let account = LoyaltyAccount.open(program) // 0 points, BRONZE

  // An order of €1,299.99 earns ⌊1299.99 × 1⌋ = 1299 points and reaches GOLD.
  const tier = LoyaltyProgram.tierFor(program, account.lifetimePoints)
  const earned = yield* LoyaltyProgram.pointsEarned(program, { amount: 129999, currency: "EUR" }, tier)
  account = yield* LoyaltyAccount.applyTransaction(program, account, { type: "EARN", points: earned })

  // Redeem 250 points: €2.50 off, 1049 points left, still GOLD.
  const redemption = yield* LoyaltyAccount.redeem(program, account, 250)
  return { earned, discount: redemption.discount, account: redemption.account }
})

// Failures are tagged values to branch on, never thrown.
export const refusal = LoyaltyAccount.redeem(program, LoyaltyAccount.open(program), 500).pipe(
  Either.match({
    onRight: () => "redeemed",
    onLeft: (error) => {
      switch (error._tag) {
        case "InsufficientPoints":
          return `only ${error.held} points available`
        case "InvalidPoints":
        case "RedemptionTooSmall":
        case "AmountOutOfRange":
          return error.message
      }
    }
  })
)
