/**
 * Loyalty: the program of a site (per mode), and each customer's points with their ledger. Every
 * rule is `@shopvo/loyalty`'s: what an order earns (`LoyaltyProgram.pointsEarned`, with the tier's
 * multiplier), what points are worth (`LoyaltyAccount.redeem`), and the tier, which follows
 * lifetime points (`LoyaltyProgram.tierFor`) and is derived when read, so new tier thresholds apply
 * at once. A site that never set a program has `defaultProgram`.
 *
 * Every transaction locks the account's row before the package decides, so concurrent redemptions
 * apply one after the other and points never go below zero. A refused transaction changes nothing.
 *
 * For checkout: `redeem` and `earnForOrder` run inside the caller's transaction when there is one
 * (`Database.transaction` nests as a savepoint); a failure after them rolls them back.
 *
 * Every account belongs to a customer of the tenant: an id that is not one (another site's, the
 * other mode's, or none) is `CustomerNotFound`, for reads as for transactions, so no account is
 * ever opened for it.
 */
import { LoyaltyAccount, LoyaltyProgram, type LoyaltyTransaction, type Points } from "@shopvo/loyalty"
import { Database, type Tenant } from "@shopvo/kernel"
import { Currency, type Money } from "@shopvo/pricing"
import { Data, Effect, Option, ParseResult, Schema } from "effect"
import { Customers } from "../Customers/Service.js"
import { SiteCurrency } from "../Sites/Currency.js"
import type { CustomerNotFound } from "../Customers/Errors.js"
import { type Balance, LoyaltyRepo, type Transaction } from "./Repo.js"

export { Transaction } from "./Repo.js"

/**
 * The program of a site that set none: 1 point per currency unit, 100 points worth one currency
 * unit, and three tiers.
 */
export const defaultProgram = (currency: Currency.Code): LoyaltyProgram.LoyaltyProgram =>
  new LoyaltyProgram.LoyaltyProgram({
    currency,
    pointsPerUnit: "1",
    pointsPerRedemptionUnit: 100,
    redemptionUnitValue: { amount: Number(Currency.minorUnitsPerMajor(currency)), currency },
    tiers: [
      { name: "BRONZE", threshold: 0, earnMultiplier: "1" },
      { name: "SILVER", threshold: 500, earnMultiplier: "1.25" },
      { name: "GOLD", threshold: 1000, earnMultiplier: "1.5" }
    ]
  })

/** Program rules the package refuses; `issues` name the fields (paths from the rules' root). */
export class InvalidProgram extends Data.TaggedError("InvalidProgram")<{
  readonly issues: ReadonlyArray<{ readonly path: ReadonlyArray<PropertyKey>; readonly message: string }>
}> {
  override get message() {
    return "Invalid loyalty program"
  }
}

/** Program rules as a site sets them; the currency is always the site's. */
export interface ProgramRules {
  readonly pointsPerUnit: string
  readonly pointsPerRedemptionUnit: number
  /** Minor units of the site's currency. */
  readonly redemptionUnitValue: number
  readonly tiers: ReadonlyArray<LoyaltyProgram.Tier>
}

/** Why a movement of points was refused. */
export type PointsRefused = Points.InsufficientPoints | Points.InvalidPoints | Points.PointsOverflow

export interface LoyaltyAccountView {
  readonly customerId: string
  readonly account: LoyaltyAccount.LoyaltyAccount
  /** The most recent, newest first. */
  readonly transactions: ReadonlyArray<Transaction>
}

export interface TransactionDetails {
  readonly orderId?: string | null | undefined
  readonly note?: string | null | undefined
}

const decodeProgram = Schema.decodeUnknown(LoyaltyProgram.LoyaltyProgram, { errors: "all" })

export class Loyalty extends Effect.Service<Loyalty>()("@shopvo/api/Loyalty", {
  accessors: true,
  dependencies: [LoyaltyRepo.Default, SiteCurrency.Default, Customers.Default],
  effect: Effect.gen(function* () {
    const repo = yield* LoyaltyRepo
    const sites = yield* SiteCurrency
    const customers = yield* Customers

    const program = (tenant: Tenant) =>
      Effect.flatMap(
        repo.program(tenant),
        Option.match({
          onSome: (stored) => Effect.succeed(stored.rules),
          onNone: () => Effect.map(sites.get(tenant), defaultProgram)
        })
      )

    const accountOf = (rules: LoyaltyProgram.LoyaltyProgram, balance: Balance) =>
      new LoyaltyAccount.LoyaltyAccount({
        points: balance.points,
        lifetimePoints: balance.lifetimePoints,
        tier: LoyaltyProgram.tierFor(rules, balance.lifetimePoints).name
      })

    /** Stores a transaction the package accepted, with the account it led to. */
    const record = (
      tenant: Tenant,
      customerId: string,
      account: LoyaltyAccount.LoyaltyAccount,
      tx: LoyaltyTransaction.LoyaltyTransaction,
      details: TransactionDetails
    ) =>
      repo.record(
        tenant,
        customerId,
        { points: account.points, lifetimePoints: account.lifetimePoints },
        { ...tx, orderId: details.orderId ?? null, note: details.note ?? null }
      )

    /** Locks the customer's account (opening it if new) and reads it under the program's tiers. */
    const lock = (tenant: Tenant, customerId: string) =>
      Effect.gen(function* () {
        yield* customers.get(tenant, customerId)
        const rules = yield* program(tenant)
        return { rules, account: accountOf(rules, yield* repo.lock(tenant, customerId)) }
      })

    return {
      /** The program in force: the site's, or `defaultProgram` in its currency. */
      program,

      /** Replaces the program; the package's schema refuses rules that break its invariants. */
      setProgram: (tenant: Tenant, rules: ProgramRules) =>
        Database.transaction(
          Effect.gen(function* () {
            const currency = yield* sites.get(tenant)
            const decoded = yield* decodeProgram({
              currency,
              pointsPerUnit: rules.pointsPerUnit,
              pointsPerRedemptionUnit: rules.pointsPerRedemptionUnit,
              redemptionUnitValue: { amount: rules.redemptionUnitValue, currency },
              tiers: rules.tiers
            }).pipe(
              Effect.mapError(
                (error) => new InvalidProgram({ issues: ParseResult.ArrayFormatter.formatErrorSync(error) })
              )
            )
            yield* repo.saveProgram(tenant, decoded)
            return decoded
          })
        ),

      /** Points, lifetime points, tier and recent entries; an account never opened has none. */
      get: (
        tenant: Tenant,
        customerId: string
      ): Effect.Effect<LoyaltyAccountView, CustomerNotFound | Database.DatabaseUnavailable> =>
        Effect.gen(function* () {
          yield* customers.get(tenant, customerId)
          const rules = yield* program(tenant)
          const found = yield* repo.find(tenant, customerId)
          if (Option.isNone(found)) return { customerId, account: LoyaltyAccount.open(rules), transactions: [] }
          return {
            customerId,
            account: accountOf(rules, found.value),
            transactions: yield* repo.recent(tenant, customerId)
          }
        }),

      /** Adds `points` by hand (an `AWARD`), counting towards lifetime points and the tier. */
      award: (tenant: Tenant, customerId: string, points: number, details: TransactionDetails = {}) =>
        Database.transaction(
          Effect.gen(function* () {
            const { rules, account } = yield* lock(tenant, customerId)
            const tx = { type: "AWARD" as const, points }
            const next = yield* LoyaltyAccount.applyTransaction(rules, account, tx)
            return { account: next, transaction: yield* record(tenant, customerId, next, tx, details) }
          })
        ),

      /**
       * Exchanges `points` for a discount at the program's rate (a `REDEEM`); more points than the
       * account holds is `InsufficientPoints` and takes none.
       */
      redeem: (tenant: Tenant, customerId: string, points: number, details: TransactionDetails = {}) =>
        Database.transaction(
          Effect.gen(function* () {
            const { rules, account } = yield* lock(tenant, customerId)
            const redemption = yield* LoyaltyAccount.redeem(rules, account, points)
            const transaction = yield* record(tenant, customerId, redemption.account, redemption.transaction, details)
            return { discount: redemption.discount, account: redemption.account, transaction }
          })
        ),

      /**
       * For checkout, when an order is paid: the points `orderAmount` earns at the customer's tier
       * (an `EARN` naming the order). Once per order: a second call returns the first one's entry.
       * An amount too small to earn a point records nothing (`transaction` is `None`).
       */
      earnForOrder: (tenant: Tenant, customerId: string, orderAmount: Money.Money, orderId: string) =>
        Database.transaction(
          Effect.gen(function* () {
            const { rules, account } = yield* lock(tenant, customerId)
            const earned = yield* repo.earnedFor(tenant, customerId, orderId)
            if (Option.isSome(earned)) return { account, transaction: earned }
            const tier = LoyaltyProgram.tierFor(rules, account.lifetimePoints)
            const points = yield* LoyaltyProgram.pointsEarned(rules, orderAmount, tier)
            if (points === 0) return { account, transaction: Option.none<Transaction>() }
            const tx = { type: "EARN" as const, points }
            const next = yield* LoyaltyAccount.applyTransaction(rules, account, tx)
            const transaction = yield* record(tenant, customerId, next, tx, { orderId })
            return { account: next, transaction: Option.some(transaction) }
          })
        ),

      /**
       * For refunds: takes back (a `DEDUCT` naming the order) the points the order earned on the
       * refunded part, when its refunded amount grows from `refundedBefore` to `refundedAfter` of
       * `base` (the package's `pointsEarnedOnRefund`), never more than the account still holds.
       * Returns the points taken back (0 when the order earned none).
       */
      takeBackForRefund: (
        tenant: Tenant,
        customerId: string,
        orderId: string,
        refund: { readonly base: number; readonly refundedBefore: number; readonly refundedAfter: number }
      ) =>
        Database.transaction(
          Effect.gen(function* () {
            const earned = yield* repo.earnedFor(tenant, customerId, orderId)
            if (Option.isNone(earned)) return 0
            const { rules, account } = yield* lock(tenant, customerId)
            const owed = LoyaltyProgram.pointsEarnedOnRefund(
              earned.value.points,
              refund.base,
              refund.refundedBefore,
              refund.refundedAfter
            )
            const points = Math.min(owed, account.points)
            if (points <= 0) return 0
            const tx = { type: "DEDUCT" as const, points }
            const next = yield* LoyaltyAccount.applyTransaction(rules, account, tx)
            yield* record(tenant, customerId, next, tx, { orderId, note: "Points earned on a refunded part" })
            return points
          })
        )
    }
  })
}) {}
