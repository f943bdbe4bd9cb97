/**
 * B2B payment terms: when a wholesale account's orders are paid.
 *
 * - `DUE_ON_RECEIPT`: at checkout, like a retail order.
 * - `NET_n`: on credit. A contact of an `ACTIVE` account orders without
 *   paying; the order's payment stays `PENDING` and is due `n` days after the
 *   order was placed, as a UTC calendar date.
 * - An account that is not `ACTIVE` (suspended, or still pending approval)
 *   cannot order on credit, whatever its terms.
 */
import { Data, Either, Schema } from "effect"

/** The API's `B2BPaymentTerms`. */
export const PaymentTerms = Schema.Literal("DUE_ON_RECEIPT", "NET_15", "NET_30", "NET_60", "NET_90")
export type PaymentTerms = typeof PaymentTerms.Type

/** The API's `B2BAccountStatus`. */
export const AccountStatus = Schema.Literal("ACTIVE", "SUSPENDED", "PENDING")
export type AccountStatus = typeof AccountStatus.Type

/** Terms that give credit. */
export type NetTerms = Exclude<PaymentTerms, "DUE_ON_RECEIPT">

const days: Record<NetTerms, number> = { NET_15: 15, NET_30: 30, NET_60: 60, NET_90: 90 }

/** Days of credit the terms give; null when payment is due at checkout. */
export const netDays = (terms: PaymentTerms): number | null => (terms === "DUE_ON_RECEIPT" ? null : days[terms])

/** The account's terms give no credit. */
export class TermsUnavailable extends Data.TaggedError("TermsUnavailable")<{ readonly terms: PaymentTerms }> {
  override get message(): string {
    return `Payment terms ${this.terms} are due at checkout: the order needs a payment`
  }
}

/** The account is not `ACTIVE`, so it cannot order on credit. */
export class AccountNotActive extends Data.TaggedError("AccountNotActive")<{ readonly status: AccountStatus }> {
  override get message(): string {
    return `A ${this.status} B2B account cannot order on terms`
  }
}

/** The UTC calendar date (`YYYY-MM-DD`) `n` days after `placedAt`. */
export const dueDate = (terms: NetTerms, placedAt: Date): string => {
  const due = new Date(Date.UTC(placedAt.getUTCFullYear(), placedAt.getUTCMonth(), placedAt.getUTCDate() + days[terms]))
  return due.toISOString().slice(0, 10)
}

/** What an order placed on terms records. */
export interface OrderTerms {
  readonly terms: NetTerms
  readonly dueDate: string
}

/**
 * Whether an account may place an order on credit at `placedAt`, and when
 * that order is due. Status first: a suspended account is refused as such
 * whatever its terms.
 */
export const orderOnTerms = (
  account: { readonly status: AccountStatus; readonly paymentTerms: PaymentTerms },
  placedAt: Date
): Either.Either<OrderTerms, TermsUnavailable | AccountNotActive> => {
  if (account.status !== "ACTIVE") return Either.left(new AccountNotActive({ status: account.status }))
  const terms = account.paymentTerms
  if (terms === "DUE_ON_RECEIPT") return Either.left(new TermsUnavailable({ terms }))
  return Either.right({ terms, dueDate: dueDate(terms, placedAt) })
}
