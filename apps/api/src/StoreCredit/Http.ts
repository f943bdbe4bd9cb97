/**
 * Store credit routes: a customer's account, and issuing (`CREDIT`) or deducting (`DEBIT`) credit.
 * The service's failures become HTTP answers in `httpError`, the one mapping of this aggregate.
 */
import type { StoreCreditTransaction } from "@shopvo/contract"
import type { Balance } from "@shopvo/balances"
import type { DatabaseUnavailable } from "@shopvo/kernel"
import type { SqlClient } from "@effect/sql"
import type { Money } from "@shopvo/pricing"
import { DateTime, Effect } from "effect"
import type { CustomerNotFound } from "../Customers/Errors.js"
import * as ApiError from "../Platform/ApiError.js"
import { created, ok } from "../Platform/Envelope.js"
import type { Handler } from "../Platform/Pipeline.js"
import { StoreCredit, type Transaction } from "./Service.js"

type R = StoreCredit | SqlClient.SqlClient

type Failure =
  | CustomerNotFound
  | Balance.InsufficientBalance
  | Money.InvalidAmount
  | Money.CurrencyMismatch
  | Money.AmountOutOfRange

/** The one mapping of the store-credit service's failures to HTTP. */
const httpError = (error: Failure): ApiError.ApiError => {
  switch (error._tag) {
    case "CustomerNotFound":
      return ApiError.notFound(`Customer ${error.customerId}`)
    case "InsufficientBalance":
      return ApiError.unprocessable(error.message, "insufficient_balance")
    case "CurrencyMismatch":
      return ApiError.unprocessable(error.message, "currency_not_supported")
    case "InvalidAmount":
    case "AmountOutOfRange":
      return ApiError.badRequest("Request validation failed", [{ path: "/amount", message: error.message }])
  }
}

const answer = <A, R>(effect: Effect.Effect<A, Failure | DatabaseUnavailable, R>) =>
  Effect.mapError(effect, (error) => (error._tag === "DatabaseUnavailable" ? error : httpError(error)))

const serialize = (tx: Transaction): StoreCreditTransaction => ({
  id: tx.id,
  type: tx.type,
  amount: tx.amount,
  note: tx.note,
  orderId: tx.orderId,
  createdAt: DateTime.formatIso(tx.createdAt)
})

const get: Handler<"storeCredit.get", R> = (request) =>
  Effect.map(answer(StoreCredit.get(request.tenant, request.params.customerId)), (account) =>
    ok({
      customerId: account.customerId,
      currency: account.balance.currency,
      balance: account.balance.amount,
      transactions: account.transactions.map(serialize)
    })
  )

const createTransaction: Handler<"storeCredit.createTransaction", R> = (request) => {
  const { type, amount, note, orderId } = request.body
  const details = { note, orderId }
  const customerId = request.params.customerId
  return Effect.map(
    answer(
      type === "CREDIT"
        ? StoreCredit.credit(request.tenant, customerId, amount, details)
        : StoreCredit.debit(request.tenant, customerId, amount, details)
    ),
    (result) => created({ balance: result.balance.amount, transaction: serialize(result.transaction) })
  )
}

export const handlers = {
  "storeCredit.get": get,
  "storeCredit.createTransaction": createTransaction
}
