/**
 * Settlement routes: the setup (accounts and routing rules) and the report per settlement currency
 * and day. `orderSettlement` serialises an order's recorded settlement for `orders.get`.
 */
import type { OrderSettlement } from "@shopvo/contract"
import type { DatabaseUnavailable } from "@shopvo/kernel"
import type { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import * as ApiError from "../Platform/ApiError.js"
import { ok } from "../Platform/Envelope.js"
import type { Handler } from "../Platform/Pipeline.js"
import {
  type OrderSettlementRecord,
  type ReportRangeInvalid,
  Settlement,
  type SettingsInvalid,
  type SettlementSettings
} from "./Service.js"

type R = Settlement | SqlClient.SqlClient

/** The one mapping of the settlement service's failures to HTTP. */
const httpError = (error: SettingsInvalid | ReportRangeInvalid): ApiError.ApiError => {
  switch (error._tag) {
    case "SettingsInvalid":
      return ApiError.badRequest("Request validation failed", [{ path: error.path, message: error.reason }])
    case "ReportRangeInvalid":
      return ApiError.badRequest("Invalid report range", [{ path: "query.from", message: error.reason }])
  }
}

const answer = <A, R>(effect: Effect.Effect<A, SettingsInvalid | ReportRangeInvalid | DatabaseUnavailable, R>) =>
  Effect.mapError(effect, (error) => (error._tag === "DatabaseUnavailable" ? error : httpError(error)))

const serializeSettings = (settings: SettlementSettings) => ({
  defaultCurrency: settings.defaultCurrency,
  accounts: settings.accounts.map((account) => ({
    currency: account.currency,
    name: account.name,
    reference: account.reference
  })),
  rules: settings.rules.map((rule) => ({
    presentmentCurrency: rule.presentmentCurrency,
    country: rule.country,
    settlementCurrency: rule.settlementCurrency
  }))
})

/** The spec's `OrderSettlement`. */
export const orderSettlement = (row: OrderSettlementRecord): OrderSettlement => ({
  presentmentCurrency: row.presentmentCurrency,
  presentmentTotal: row.presentmentTotal,
  presentmentRefunded: row.presentmentRefunded,
  settlementCurrency: row.settlementCurrency,
  settlementTotal: row.settlementTotal,
  settlementRefunded: row.settlementRefunded,
  rate: row.rate,
  rateId: row.rateId
})

const get: Handler<"settlement.get", R> = (request) =>
  Effect.map(Settlement.get(request.tenant), (settings) => ok(serializeSettings(settings)))

const update: Handler<"settlement.update", R> = (request) =>
  Effect.map(answer(Settlement.update(request.tenant, request.body)), (settings) => ok(serializeSettings(settings)))

const report: Handler<"settlement.report", R> = (request) => {
  const { from, to } = request.query
  return Effect.map(answer(Settlement.report(request.tenant, from, to)), (rows) =>
    ok({
      from,
      to,
      rows: rows.map((row) => ({
        date: row.date,
        settlementCurrency: row.settlementCurrency,
        orderCount: row.orderCount,
        grossAmount: row.grossAmount,
        refundedAmount: row.refundedAmount,
        netAmount: row.grossAmount - row.refundedAmount
      }))
    })
  )
}

export const handlers = {
  "settlement.get": get,
  "settlement.update": update,
  "settlement.report": report
}
