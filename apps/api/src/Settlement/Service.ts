/**
 * Settlement: where a site's orders settle (one account per settlement currency, EUR, USD or GBP,
 * and ordered routing rules by presentment currency and country), the settlement each order
 * records when it is placed (presentment total, settlement currency and total, the rate used), the
 * refunds that settle back at that rate, and the report per settlement currency and day.
 *
 * Every amount is computed by `@shopvo/pricing`'s `Settlement` (exact integer arithmetic over the
 * rate's decimal string, one half-even rounding); this module only routes, reads and records.
 */
import { Database, type Tenant } from "@shopvo/kernel"
import { Currency, type Money, Settlement as Rules } from "@shopvo/pricing"
import { Data, Effect, Option } from "effect"
import { Currencies } from "../Currencies/Service.js"
import { type AccountRecord, type OrderSettlementRecord, type RuleRecord, SettlementRepo } from "./Repo.js"

export type { OrderSettlementRecord, ReportRow } from "./Repo.js"

/** The setup breaks a rule (`path` names the field, JSON-pointer style). */
export class SettingsInvalid extends Data.TaggedError("SettingsInvalid")<{
  readonly path: string
  readonly reason: string
}> {}

/** No exchange rate is in effect from the order's currency into its settlement currency. */
export class SettlementRateMissing extends Data.TaggedError("SettlementRateMissing")<{
  readonly from: string
  readonly to: string
}> {
  override get message(): string {
    return `No exchange rate from ${this.from} to ${this.to} is in effect to settle this order`
  }
}

export class SettlementNotFound extends Data.TaggedError("SettlementNotFound")<{ readonly orderId: string }> {}

export class ReportRangeInvalid extends Data.TaggedError("ReportRangeInvalid")<{ readonly reason: string }> {}

export interface SettlementSettings {
  readonly defaultCurrency: string
  readonly accounts: ReadonlyArray<AccountRecord>
  readonly rules: ReadonlyArray<RuleRecord>
}

export interface SettingsInput {
  readonly defaultCurrency: Rules.SettlementCurrency
  readonly accounts: ReadonlyArray<{
    readonly currency: Rules.SettlementCurrency
    readonly name: string
    readonly reference: string
  }>
  readonly rules: ReadonlyArray<{
    readonly presentmentCurrency?: string | undefined
    readonly country?: string | undefined
    readonly settlementCurrency: Rules.SettlementCurrency
  }>
}

/** What checkout knows of a placed order that settlement needs. */
export interface PlacedOrder {
  readonly id: string
  readonly currency: string
  readonly total: number
  readonly createdAt: Date
  readonly shippingAddress: { readonly country: string } | null
  readonly billingAddress: { readonly country: string } | null
}

const maxReportDays = 366
const dayMs = 86_400_000

/** Midnight UTC of a `YYYY-MM-DD` calendar date, in ms; undefined for "2026-02-30" and the like. */
const dayOf = (date: string): number | undefined => {
  const ms = Date.parse(`${date}T00:00:00Z`)
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === date
    ? ms
    : undefined
}

const code = (currency: string): Currency.Code => {
  if (!Currency.isCode(currency)) throw new Error(`unknown currency ${currency} in a stored settlement`)
  return currency
}

/** A recorded row as `@shopvo/pricing` settles it. */
const settledOf = (row: OrderSettlementRecord): Rules.Settled => ({
  presentment: { amount: row.presentmentTotal, currency: code(row.presentmentCurrency) },
  settlement: { amount: row.settlementTotal, currency: code(row.settlementCurrency) },
  rate: row.rate
})

export class Settlement extends Effect.Service<Settlement>()("@shopvo/api/Settlement", {
  accessors: true,
  dependencies: [SettlementRepo.Default, Currencies.Default],
  effect: Effect.gen(function* () {
    const repo = yield* SettlementRepo
    const currencies = yield* Currencies

    /** The setup; a site that never set one up settles everything in its base currency. */
    const settings = (tenant: Tenant) =>
      Effect.gen(function* () {
        const stored = yield* repo.settings(tenant)
        const defaultCurrency = Option.isSome(stored.defaultCurrency)
          ? stored.defaultCurrency.value
          : (yield* currencies.get(tenant)).baseCurrency
        return { defaultCurrency, accounts: stored.accounts, rules: stored.rules } satisfies SettlementSettings
      })

    return {
      get: settings,

      /** Replaces the setup: one account per currency, and every currency routed to has an account. */
      update: (tenant: Tenant, input: SettingsInput) =>
        Database.transaction(
          Effect.gen(function* () {
            const held = new Set<string>()
            for (const [index, account] of input.accounts.entries()) {
              if (held.has(account.currency)) {
                return yield* new SettingsInvalid({
                  path: `/accounts/${index}/currency`,
                  reason: `a second account in ${account.currency}`
                })
              }
              held.add(account.currency)
            }
            if (!held.has(input.defaultCurrency)) {
              return yield* new SettingsInvalid({
                path: "/defaultCurrency",
                reason: `no account in ${input.defaultCurrency}`
              })
            }
            for (const [index, rule] of input.rules.entries()) {
              if (rule.presentmentCurrency === undefined && rule.country === undefined) {
                return yield* new SettingsInvalid({
                  path: `/rules/${index}`,
                  reason: "a rule names a presentmentCurrency, a country, or both"
                })
              }
              if (rule.presentmentCurrency !== undefined && !Currency.isCode(rule.presentmentCurrency)) {
                return yield* new SettingsInvalid({
                  path: `/rules/${index}/presentmentCurrency`,
                  reason: `Shopvo does not know the currency ${rule.presentmentCurrency}`
                })
              }
              if (!held.has(rule.settlementCurrency)) {
                return yield* new SettingsInvalid({
                  path: `/rules/${index}/settlementCurrency`,
                  reason: `no account in ${rule.settlementCurrency}`
                })
              }
            }
            yield* repo.replace(tenant, {
              defaultCurrency: input.defaultCurrency,
              accounts: input.accounts,
              rules: input.rules.map((rule) => ({
                presentmentCurrency: rule.presentmentCurrency ?? null,
                country: rule.country ?? null,
                settlementCurrency: rule.settlementCurrency
              }))
            })
            return yield* settings(tenant)
          })
        ),

      /**
       * For checkout, inside its transaction: records how a just-placed order settles. The route
       * reads the shipping address's country, else the billing address's.
       */
      record: (tenant: Tenant, order: PlacedOrder) =>
        Effect.gen(function* () {
          const setup = yield* repo.routing(tenant)
          const presentmentCurrency = code(order.currency)
          const settlementCurrency = Rules.route(
            setup.rules.map((rule) => ({
              presentmentCurrency: rule.presentmentCurrency === null ? null : code(rule.presentmentCurrency),
              country: rule.country,
              settlementCurrency: rule.settlementCurrency
            })),
            code(setup.defaultCurrency ?? setup.baseCurrency),
            {
              presentmentCurrency,
              country: order.shippingAddress?.country ?? order.billingAddress?.country ?? null
            }
          )
          const rate = yield* Effect.flatMap(
            currencies.rateBetween(tenant, presentmentCurrency, settlementCurrency),
            Option.match({
              onNone: () =>
                Effect.fail(new SettlementRateMissing({ from: presentmentCurrency, to: settlementCurrency })),
              onSome: Effect.succeed
            })
          )
          // A total beyond the safe range after conversion would be a catalogue far beyond money: a defect.
          const settled = yield* Effect.orDie(
            Rules.settle({ amount: order.total, currency: presentmentCurrency }, settlementCurrency, rate.rate)
          )
          return yield* repo.insert(tenant, {
            orderId: order.id,
            presentmentCurrency,
            presentmentTotal: settled.presentment.amount,
            settlementCurrency,
            settlementTotal: settled.settlement.amount,
            rate: settled.rate,
            rateId: rate.id,
            placedAt: order.createdAt
          })
        }),

      forOrder: (tenant: Tenant, orderId: string) => repo.find(tenant, orderId),

      /**
       * Records a refund of `amount` (presentment currency) against an order's settlement, at the
       * order's recorded rate; returns the settlement amount it takes back. For the refund flow,
       * inside its transaction; the row is locked so concurrent refunds apply one after the other.
       */
      refund: (tenant: Tenant, orderId: string, amount: Money.Money) =>
        Database.transaction(
          Effect.gen(function* () {
            const row = yield* Effect.flatMap(
              repo.lock(tenant, orderId),
              Option.match({ onNone: () => Effect.fail(new SettlementNotFound({ orderId })), onSome: Effect.succeed })
            )
            const settled = settledOf(row)
            const back = yield* Rules.refund(
              settled,
              { amount: row.presentmentRefunded, currency: settled.presentment.currency },
              amount
            )
            const updated = yield* repo.addRefund(tenant, orderId, amount.amount, back.amount)
            return { settlement: back, record: updated }
          })
        ),

      /** Orders placed from `from` to `to` (UTC days, inclusive), summed per day and settlement currency. */
      report: (tenant: Tenant, from: string, to: string) =>
        Effect.gen(function* () {
          const start = dayOf(from)
          const end = dayOf(to)
          if (start === undefined || end === undefined) {
            return yield* new ReportRangeInvalid({ reason: "`from` and `to` are calendar dates (YYYY-MM-DD)" })
          }
          const days = (end - start) / dayMs
          if (days < 0) return yield* new ReportRangeInvalid({ reason: "`from` is later than `to`" })
          if (days >= maxReportDays) {
            return yield* new ReportRangeInvalid({ reason: `a report covers at most ${maxReportDays} days` })
          }
          return yield* repo.report(tenant, from, to)
        })
    }
  })
}) {}
