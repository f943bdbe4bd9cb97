/**
 * Store credit: a customer's balance at one site (per mode), kept as a ledger of `CREDIT` and
 * `DEBIT` transactions by `@shopvo/balances`' `StoreCredit`, which refuses a debit beyond the
 * balance. An account is opened, in the site's currency, by its first transaction.
 *
 * Every transaction locks the account's row before the ledger decides, so concurrent debits apply
 * one after the other, each to the balance the previous one left: the balance never goes below
 * zero. A refused transaction changes nothing.
 *
 * For checkout: `debit` runs inside the caller's transaction when there is one
 * (`Database.transaction` nests as a savepoint), holding the account's lock until the order
 * commits; a failure after it rolls the debit back.
 *
 * A transaction names a customer of the site (`CustomerNotFound` otherwise); reading the account
 * of an unknown id shows an empty balance, as for a customer who never had credit.
 */
import { StoreCredit as Ledger } from "@shopvo/balances"
import { Database, type Tenant } from "@shopvo/kernel"
import type { Money } from "@shopvo/pricing"
import { Effect, Option } from "effect"
import type { CustomerNotFound } from "../Customers/Errors.js"
import { Customers } from "../Customers/Service.js"
import { SiteCurrency } from "../Sites/Currency.js"
import { StoreCreditRepo, type Transaction } from "./Repo.js"

export { Transaction } from "./Repo.js"

export interface StoreCreditAccount {
  readonly customerId: string
  readonly balance: Money.Money
  /** The most recent, newest first. */
  readonly transactions: ReadonlyArray<Transaction>
}

export interface TransactionDetails {
  readonly note?: string | null | undefined
  readonly orderId?: string | null | undefined
}

export class StoreCredit extends Effect.Service<StoreCredit>()("@shopvo/api/StoreCredit", {
  accessors: true,
  dependencies: [StoreCreditRepo.Default, SiteCurrency.Default, Customers.Default],
  effect: Effect.gen(function* () {
    const repo = yield* StoreCreditRepo
    const customers = yield* Customers
    const sites = yield* SiteCurrency

    /** Applies one transaction to the locked account with the ledger's rule; returns the new balance and the entry. */
    const apply = (
      tenant: Tenant,
      customerId: string,
      type: Ledger.TransactionType,
      amount: number,
      details: TransactionDetails
    ) =>
      Database.transaction(
        Effect.gen(function* () {
          yield* customers.get(tenant, customerId)
          const account = yield* repo.lock(tenant, customerId, yield* sites.get(tenant))
          const ledger = yield* Effect.orDie(Ledger.open({ amount: account.balance, currency: account.currency }))
          const tx = { type, amount: { amount, currency: account.currency } }
          const balance = Ledger.balance(yield* Ledger.apply(ledger, tx))
          const transaction = yield* repo.record(tenant, customerId, balance.amount, {
            ...tx,
            note: details.note ?? null,
            orderId: details.orderId ?? null
          })
          return { balance, transaction }
        })
      )

    return {
      /** The balance (0 in the site's currency for a customer who never had credit) and recent entries. */
      get: (
        tenant: Tenant,
        customerId: string
      ): Effect.Effect<StoreCreditAccount, CustomerNotFound | Database.DatabaseUnavailable> =>
        Effect.gen(function* () {
          yield* customers.get(tenant, customerId)
          const found = yield* repo.find(tenant, customerId)
          if (Option.isNone(found)) {
            return { customerId, balance: { amount: 0, currency: yield* sites.get(tenant) }, transactions: [] }
          }
          const transactions = yield* repo.recent(tenant, customerId)
          return {
            customerId,
            balance: { amount: found.value.balance, currency: found.value.currency },
            transactions
          }
        }),
      /** Adds `amount` (minor units of the account's currency). */
      credit: (tenant: Tenant, customerId: string, amount: number, details: TransactionDetails = {}) =>
        apply(tenant, customerId, "CREDIT", amount, details),
      /** Takes `amount`, or fails with `InsufficientBalance` and takes nothing. */
      debit: (tenant: Tenant, customerId: string, amount: number, details: TransactionDetails = {}) =>
        apply(tenant, customerId, "DEBIT", amount, details)
    }
  })
}) {}
