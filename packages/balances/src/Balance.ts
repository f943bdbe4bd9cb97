/**
 * A prepaid balance: money held for a customer that can be spent down but
 * never below zero. Gift cards and store credit are both balances; this module
 * holds what they share.
 *
 * Invariants:
 * - `debit` never returns a negative balance: spending more than is held fails
 *   with `InsufficientBalance`, naming both amounts;
 * - amounts moved in or out are strictly positive and in the balance's
 *   currency (`Money.InvalidAmount`, `Money.CurrencyMismatch` otherwise).
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Either from "effect/Either"
import { Money } from "@shopvo/pricing"
import { formatMoney } from "./internal/format.js"

/**
 * A debit asked for more than the balance holds. `available` is what could
 * have been spent, so a storefront can offer it instead.
 *
 * @since 0.1.0
 */
export class InsufficientBalance extends Data.TaggedError("InsufficientBalance")<{
  readonly available: Money.Money
  readonly requested: Money.Money
}> {
  override get message(): string {
    return `Insufficient balance: requested ${formatMoney(this.requested)}, available ${formatMoney(this.available)}`
  }
}

/**
 * Fails unless `amount` is strictly positive: a zero or negative movement
 * would be a no-op or a debit in disguise. `what` names it in the error.
 *
 * @since 0.1.0
 */
export const positive = (amount: Money.Money, what: string): Either.Either<Money.Money, Money.InvalidAmount> =>
  amount.amount > 0
    ? Either.right(amount)
    : Either.left(new Money.InvalidAmount({ input: formatMoney(amount), reason: `${what} must be a positive amount` }))

/**
 * `available - requested`, refusing to go below zero.
 *
 * @since 0.1.0
 */
export const debit = (
  available: Money.Money,
  requested: Money.Money
): Either.Either<Money.Money, InsufficientBalance | Money.CurrencyMismatch | Money.InvalidAmount> =>
  Either.gen(function* () {
    yield* Money.assertCurrency(requested, available.currency, "debit a balance")
    yield* positive(requested, "a debit")
    if (requested.amount > available.amount) {
      return yield* Either.left(new InsufficientBalance({ available, requested }))
    }
    // Both are safe integers and requested ≤ available, so the difference is
    // a safe integer in [0, available]: no overflow check needed.
    return { amount: available.amount - requested.amount, currency: available.currency }
  })

/**
 * `balance + amount`.
 *
 * @since 0.1.0
 */
export const credit = (
  balance: Money.Money,
  amount: Money.Money
): Either.Either<Money.Money, Money.CurrencyMismatch | Money.InvalidAmount | Money.AmountOutOfRange> =>
  Either.gen(function* () {
    yield* Money.assertCurrency(amount, balance.currency, "credit a balance")
    yield* positive(amount, "a credit")
    return yield* Money.add(balance, amount)
  })
