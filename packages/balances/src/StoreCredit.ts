/**
 * Store credit: a customer's balance at one store, kept as a ledger of
 * `CREDIT` (issued, awarded, refunded) and `DEBIT` (spent, adjusted down)
 * transactions.
 *
 * A ledger starts from an `openingBalance` — zero for a full history, or the
 * stored balance when only new transactions are being applied — and lists the
 * transactions since then.
 *
 * Invariants (checked when a ledger is decoded or built with `fromTransactions`):
 * - every transaction amount is strictly positive and in the ledger's currency;
 * - the running balance never goes negative: after the opening balance and
 *   after each transaction in order;
 * - `balance` equals the opening balance plus credits minus debits.
 *
 * `apply` preserves them by construction: a `DEBIT` larger than the balance
 * fails with `InsufficientBalance`, so no sequence of operations can make a
 * ledger negative.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { Currency, Money } from "@shopvo/pricing"
import * as Balance from "./Balance.js"

/**
 * @since 0.1.0
 */
export const TransactionType = Schema.Literal("CREDIT", "DEBIT").annotations({
  identifier: "StoreCreditTransactionType"
})

/**
 * @since 0.1.0
 */
export type TransactionType = typeof TransactionType.Type

/**
 * One movement of store credit. `amount` is always positive; `type` says
 * which way it goes. Ids, notes and order references belong to the caller's
 * record (extend this schema with `Schema.extend` to keep them alongside).
 *
 * @since 0.1.0
 */
export const Transaction = Schema.Struct({
  type: TransactionType,
  amount: Money.Money.pipe(
    Schema.filter((amount) => amount.amount > 0 || "a store credit transaction amount must be positive")
  )
}).annotations({ identifier: "StoreCreditTransaction" })

/**
 * @since 0.1.0
 */
export interface Transaction extends Schema.Schema.Type<typeof Transaction> {}

/**
 * Why a transaction was refused.
 *
 * @since 0.1.0
 */
export type ApplyError =
  | Balance.InsufficientBalance
  | Money.CurrencyMismatch
  | Money.InvalidAmount
  | Money.AmountOutOfRange

const step = (balance: Money.Money, tx: Transaction): Either.Either<Money.Money, ApplyError> =>
  tx.type === "CREDIT" ? Balance.credit(balance, tx.amount) : Balance.debit(balance, tx.amount)

// Replays the transactions from the opening balance; the first one that would
// break an invariant is the error.
const replay = (
  openingBalance: Money.Money,
  transactions: Iterable<Transaction>
): Either.Either<Money.Money, ApplyError | Money.NegativeAmount> =>
  Either.gen(function* () {
    let balance = yield* Money.nonNegative(openingBalance, "store credit opening balance")
    for (const tx of transactions) balance = yield* step(balance, tx)
    return balance
  })

const Fields = Schema.Struct({
  currency: Currency.Code,
  openingBalance: Money.Money,
  balance: Money.Money,
  transactions: Schema.Array(Transaction)
})

/**
 * A store credit ledger. Decoding replays the transactions, so a stored
 * ledger whose history ever went negative, or whose balance disagrees with
 * its history, is rejected.
 *
 * @since 0.1.0
 */
export class StoreCreditLedger extends Schema.Class<StoreCreditLedger>("StoreCreditLedger")(
  Fields.pipe(
    Schema.filter((ledger) => {
      if (ledger.openingBalance.currency !== ledger.currency || ledger.balance.currency !== ledger.currency) {
        return `balances must be in the ledger currency ${ledger.currency}`
      }
      return Either.match(replay(ledger.openingBalance, ledger.transactions), {
        onLeft: (error) => error.message,
        onRight: (balance) =>
          balance.amount === ledger.balance.amount ||
          `balance ${ledger.balance.amount} does not match the transactions (${balance.amount})`
      })
    })
  )
) {}

// `apply` keeps every invariant by construction, so the constructor's O(n)
// replay of the whole history would be wasted work on every application.
const unchecked = (fields: typeof Fields.Type): StoreCreditLedger => new StoreCreditLedger(fields, true)

/**
 * An empty ledger: zero balance, no transactions.
 *
 * @since 0.1.0
 */
export const empty = (currency: Currency.Code): StoreCreditLedger =>
  unchecked({ currency, openingBalance: Money.zero(currency), balance: Money.zero(currency), transactions: [] })

/**
 * A ledger continuing from a stored balance, to apply new transactions to.
 * Fails if that balance is negative.
 *
 * @since 0.1.0
 */
export const open = (balance: Money.Money): Either.Either<StoreCreditLedger, Money.NegativeAmount> =>
  Either.map(Money.nonNegative(balance, "store credit balance"), () =>
    unchecked({ currency: balance.currency, openingBalance: balance, balance, transactions: [] })
  )

/**
 * Rebuilds a ledger from its full history, failing on the first transaction
 * that the ledger would have refused.
 *
 * @since 0.1.0
 */
export const fromTransactions = (
  currency: Currency.Code,
  transactions: Iterable<Transaction>
): Either.Either<StoreCreditLedger, ApplyError> => {
  let ledger = empty(currency)
  for (const tx of transactions) {
    const next = apply(ledger, tx)
    if (Either.isLeft(next)) return next
    ledger = next.right
  }
  return Either.right(ledger)
}

/**
 * The current balance; never negative.
 *
 * @since 0.1.0
 */
export const balance = (ledger: StoreCreditLedger): Money.Money => ledger.balance

/**
 * Appends a transaction. A `DEBIT` larger than the balance fails with
 * `InsufficientBalance` and leaves the ledger as it was; so do amounts that
 * are not positive (`InvalidAmount`) or in another currency
 * (`CurrencyMismatch`).
 *
 * @since 0.1.0
 */
export const apply = (ledger: StoreCreditLedger, tx: Transaction): Either.Either<StoreCreditLedger, ApplyError> =>
  Either.map(step(ledger.balance, tx), (balance) =>
    unchecked({
      currency: ledger.currency,
      openingBalance: ledger.openingBalance,
      balance,
      transactions: [...ledger.transactions, { type: tx.type, amount: tx.amount }]
    })
  )

/**
 * Issues `amount` of store credit.
 *
 * @since 0.1.0
 */
export const credit = (ledger: StoreCreditLedger, amount: Money.Money): Either.Either<StoreCreditLedger, ApplyError> =>
  apply(ledger, { type: "CREDIT", amount })

/**
 * Spends `amount` of store credit; fails with `InsufficientBalance` beyond
 * the balance.
 *
 * @since 0.1.0
 */
export const debit = (ledger: StoreCreditLedger, amount: Money.Money): Either.Either<StoreCreditLedger, ApplyError> =>
  apply(ledger, { type: "DEBIT", amount })
