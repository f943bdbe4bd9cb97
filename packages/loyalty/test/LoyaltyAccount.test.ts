import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck, Schema } from "effect"
import { LoyaltyAccount, LoyaltyProgram, LoyaltyTransaction, Points } from "@shopvo/loyalty"
import * as Arb from "./arbitraries.js"

const program = Arb.standard
const account = (points: number, lifetimePoints: number, tier: string) =>
  new LoyaltyAccount.LoyaltyAccount({ points, lifetimePoints, tier })
const tx = (type: LoyaltyTransaction.TransactionType, points: number): LoyaltyTransaction.LoyaltyTransaction => ({
  type,
  points
})

describe("LoyaltyAccount", () => {
  it("open: no points, base tier", () => {
    expect(LoyaltyAccount.open(program)).toStrictEqual(account(0, 0, "BRONZE"))
  })

  describe("applyTransaction", () => {
    it("EARN and AWARD add to points and lifetime points, and can raise the tier", () => {
      const earned = Either.getOrThrow(
        LoyaltyAccount.applyTransaction(program, LoyaltyAccount.open(program), tx("EARN", 300))
      )
      expect(earned).toStrictEqual(account(300, 300, "BRONZE"))
      const awarded = Either.getOrThrow(LoyaltyAccount.applyTransaction(program, earned, tx("AWARD", 700)))
      expect(awarded).toStrictEqual(account(1000, 1000, "SILVER"))
    })

    it("REDEEM, DEDUCT and EXPIRE take from points only; the tier stays", () => {
      let current = account(6000, 6000, "GOLD")
      for (const type of ["REDEEM", "DEDUCT", "EXPIRE"] as const) {
        current = Either.getOrThrow(LoyaltyAccount.applyTransaction(program, current, tx(type, 2000)))
      }
      expect(current).toStrictEqual(account(0, 6000, "GOLD"))
    })

    it("a decrease beyond the balance is InsufficientPoints, whatever its type", () => {
      for (const type of ["REDEEM", "DEDUCT", "EXPIRE"] as const) {
        expect(LoyaltyAccount.applyTransaction(program, account(100, 500, "BRONZE"), tx(type, 101))).toStrictEqual(
          Either.left(new Points.InsufficientPoints({ held: 100, requested: 101 }))
        )
      }
    })

    it("zero, negative or fractional points are InvalidPoints", () => {
      for (const points of [0, -5, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) {
        expect(LoyaltyAccount.applyTransaction(program, account(100, 100, "BRONZE"), tx("EARN", points))).toStrictEqual(
          Either.left(new Points.InvalidPoints({ points }))
        )
      }
    })

    it("refuses to overflow lifetime points", () => {
      const full = account(0, Number.MAX_SAFE_INTEGER, "GOLD")
      const result = LoyaltyAccount.applyTransaction(program, full, tx("AWARD", 1))
      expect(Either.isLeft(result) && result.left._tag).toBe("PointsOverflow")
    })

    it("the schema refuses more points than lifetime points", () => {
      const decode = Schema.decodeUnknownEither(LoyaltyAccount.LoyaltyAccount)
      expect(decode({ points: 10, lifetimePoints: 10, tier: "BRONZE" })).toSatisfy(Either.isRight)
      expect(decode({ points: 11, lifetimePoints: 10, tier: "BRONZE" })).toSatisfy(Either.isLeft)
      expect(decode({ points: -1, lifetimePoints: 10, tier: "BRONZE" })).toSatisfy(Either.isLeft)
    })
  })

  describe("redeem", () => {
    it("converts points to a discount at the program's rate (the reference's example)", () => {
      const result = Either.getOrThrow(LoyaltyAccount.redeem(program, account(1250, 1250, "SILVER"), 100))
      expect(result.discount).toStrictEqual({ amount: 100, currency: "EUR" })
      expect(result.account).toStrictEqual(account(1150, 1250, "SILVER"))
      expect(result.transaction).toStrictEqual(tx("REDEEM", 100))
      expect(LoyaltyTransaction.signedPoints(result.transaction)).toBe(-100)
    })

    it("redeeming more than held is InsufficientPoints with both numbers", () => {
      const result = LoyaltyAccount.redeem(program, account(50, 50, "BRONZE"), 51)
      expect(result).toStrictEqual(Either.left(new Points.InsufficientPoints({ held: 50, requested: 51 })))
      expect(Either.isLeft(result) && result.left.message).toBe("Cannot use 51 points: the account holds 50")
    })

    it("zero or negative points are InvalidPoints", () => {
      for (const points of [0, -1]) {
        expect(LoyaltyAccount.redeem(program, account(50, 50, "BRONZE"), points)).toStrictEqual(
          Either.left(new Points.InvalidPoints({ points }))
        )
      }
    })

    it("points worth less than a minor unit are refused, not taken for nothing", () => {
      const thrifty = new LoyaltyProgram.LoyaltyProgram({
        ...program,
        pointsPerRedemptionUnit: 3,
        redemptionUnitValue: { amount: 1, currency: "EUR" }
      })
      expect(LoyaltyAccount.redeem(thrifty, account(50, 50, "BRONZE"), 2)).toStrictEqual(
        Either.left(new LoyaltyProgram.RedemptionTooSmall({ points: 2, minimum: 3 }))
      )
      // 10 points → 3 cents (3.33 rounded down); all 10 are spent.
      const ten = Either.getOrThrow(LoyaltyAccount.redeem(thrifty, account(50, 50, "BRONZE"), 10))
      expect(ten.discount.amount).toBe(3)
      expect(ten.account.points).toBe(40)
    })

    it.prop(
      "the discount never exceeds the points' value, and the points leave the account",
      [Arb.program, FastCheck.nat(1_000_000), FastCheck.nat(1_000_000)],
      ([p, held, requested]) => {
        const start = new LoyaltyAccount.LoyaltyAccount({
          points: held,
          lifetimePoints: held,
          tier: LoyaltyProgram.tierFor(p, held).name
        })
        const result = LoyaltyAccount.redeem(p, start, requested)
        if (Either.isLeft(result)) {
          switch (result.left._tag) {
            case "InvalidPoints":
              expect(requested).toBe(0)
              break
            case "InsufficientPoints":
              expect(requested).toBeGreaterThan(held)
              break
            case "RedemptionTooSmall":
              expect(requested).toBeLessThan(LoyaltyProgram.minimumRedemption(p))
              break
            default:
              expect.fail(`unexpected ${result.left._tag}`)
          }
          return
        }
        const { account: after, discount } = result.right
        // discount ≤ requested × unitValue / pointsPerRedemptionUnit, in exact integers
        expect(BigInt(discount.amount) * BigInt(p.pointsPerRedemptionUnit)).toBeLessThanOrEqual(
          BigInt(requested) * BigInt(p.redemptionUnitValue.amount)
        )
        expect(discount.amount).toBeGreaterThan(0)
        expect(discount.currency).toBe(p.currency)
        expect(after.points).toBe(held - requested)
        expect(after.lifetimePoints).toBe(held)
      }
    )
  })

  // Any sequence of transactions of any type and size, including invalid ones
  // and decreases sized around the balance.
  type Step =
    | { readonly _tag: "Absolute"; readonly type: LoyaltyTransaction.TransactionType; readonly points: number }
    | { readonly _tag: "NearBalance"; readonly type: LoyaltyTransaction.TransactionType; readonly delta: number }
  const type = FastCheck.constantFrom(...LoyaltyTransaction.TransactionType.literals)
  const step: FastCheck.Arbitrary<Step> = FastCheck.oneof(
    FastCheck.record({
      _tag: FastCheck.constant("Absolute" as const),
      type,
      points: FastCheck.integer({ min: -10, max: 3000 })
    }),
    FastCheck.record({
      _tag: FastCheck.constant("NearBalance" as const),
      type,
      delta: FastCheck.integer({ min: -2, max: 2 })
    })
  )

  it.prop(
    "under any sequence: points never negative, lifetime grows only with EARN/AWARD, tier follows it, never drops",
    [Arb.program, FastCheck.array(step, { maxLength: 80 })],
    ([p, steps]) => {
      let current = LoyaltyAccount.open(p)
      for (const s of steps) {
        const t = tx(s.type, s._tag === "Absolute" ? s.points : current.points + s.delta)
        const result = LoyaltyAccount.applyTransaction(p, current, t)
        if (Either.isLeft(result)) {
          if (result.left._tag === "InsufficientPoints") {
            expect(LoyaltyTransaction.isIncrease(t)).toBe(false)
            expect(t.points).toBeGreaterThan(current.points)
          } else {
            expect(result.left._tag).toBe("InvalidPoints")
            expect(t.points).toBeLessThanOrEqual(0)
          }
          continue
        }
        const next = result.right
        expect(next.points).toBeGreaterThanOrEqual(0)
        expect(next.points).toBe(current.points + LoyaltyTransaction.signedPoints(t))
        expect(next.lifetimePoints).toBe(current.lifetimePoints + (LoyaltyTransaction.isIncrease(t) ? t.points : 0))
        expect(next.points).toBeLessThanOrEqual(next.lifetimePoints)
        expect(next.tier).toBe(LoyaltyProgram.tierFor(p, next.lifetimePoints).name)
        expect(LoyaltyProgram.tierRank(p, next.tier)).toBeGreaterThanOrEqual(LoyaltyProgram.tierRank(p, current.tier))
        current = next
      }
    },
    { fastCheck: { numRuns: 200 } }
  )

  it.prop(
    "applyAll equals applying one by one, and stops at the first refusal",
    [Arb.program, FastCheck.array(FastCheck.tuple(type, FastCheck.integer({ min: 1, max: 500 })), { maxLength: 30 })],
    ([p, pairs]) => {
      const txs = pairs.map(([t, n]) => tx(t, n))
      let expected: Either.Either<LoyaltyAccount.LoyaltyAccount, LoyaltyAccount.ApplyError> = Either.right(
        LoyaltyAccount.open(p)
      )
      for (const t of txs) {
        if (Either.isLeft(expected)) break
        expected = LoyaltyAccount.applyTransaction(p, expected.right, t)
      }
      expect(LoyaltyAccount.applyAll(p, LoyaltyAccount.open(p), txs)).toStrictEqual(expected)
    }
  )
})
