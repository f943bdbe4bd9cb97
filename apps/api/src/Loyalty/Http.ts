/**
 * Loyalty routes: the program's rules (read and set), a customer's account, awarding points and
 * redeeming them for a discount. The service's failures become HTTP answers in `httpError`, the
 * one mapping of this aggregate.
 */
import type {
  LoyaltyProgram as LoyaltyProgramJson,
  LoyaltyTransaction as LoyaltyTransactionJson
} from "@shopvo/contract"
import { LoyaltyTransaction, type LoyaltyProgram } from "@shopvo/loyalty"
import type { DatabaseUnavailable } from "@shopvo/kernel"
import type { SqlClient } from "@effect/sql"
import type { Money } from "@shopvo/pricing"
import { DateTime, Effect } from "effect"
import type { CustomerNotFound } from "../Customers/Errors.js"
import * as ApiError from "../Platform/ApiError.js"
import { created, ok } from "../Platform/Envelope.js"
import type { Handler } from "../Platform/Pipeline.js"
import { type InvalidProgram, Loyalty, type PointsRefused, type Transaction } from "./Service.js"

type R = Loyalty | SqlClient.SqlClient

type Failure =
  | CustomerNotFound
  | InvalidProgram
  | PointsRefused
  | LoyaltyProgram.RedemptionTooSmall
  | Money.AmountOutOfRange

const invalidPoints = (message: string) =>
  ApiError.badRequest("Request validation failed", [{ path: "/points", message }])

/** The one mapping of the loyalty service's failures to HTTP. */
const httpError = (error: Failure): ApiError.ApiError => {
  switch (error._tag) {
    case "CustomerNotFound":
      return ApiError.notFound(`Customer ${error.customerId}`)
    case "InvalidProgram":
      return ApiError.badRequest(
        "Invalid loyalty program",
        error.issues.map((issue) => ({ path: `/${issue.path.map(String).join("/")}`, message: issue.message }))
      )
    case "InsufficientPoints":
      return ApiError.unprocessable(error.message, "insufficient_points")
    case "InvalidPoints":
    case "PointsOverflow":
    case "RedemptionTooSmall":
    case "AmountOutOfRange":
      return invalidPoints(error.message)
  }
}

const answer = <A, R>(effect: Effect.Effect<A, Failure | DatabaseUnavailable, R>) =>
  Effect.mapError(effect, (error) => (error._tag === "DatabaseUnavailable" ? error : httpError(error)))

const serializeProgram = (program: LoyaltyProgram.LoyaltyProgram): LoyaltyProgramJson => ({
  currency: program.currency,
  pointsPerUnit: program.pointsPerUnit,
  pointsPerRedemptionUnit: program.pointsPerRedemptionUnit,
  redemptionUnitValue: program.redemptionUnitValue.amount,
  tiers: program.tiers.map((tier) => ({
    name: tier.name,
    threshold: tier.threshold,
    earnMultiplier: tier.earnMultiplier
  }))
})

const serialize = (tx: Transaction): LoyaltyTransactionJson => ({
  id: tx.id,
  type: tx.type,
  points: LoyaltyTransaction.signedPoints(tx),
  orderId: tx.orderId,
  note: tx.note,
  createdAt: DateTime.formatIso(tx.createdAt)
})

const getProgram: Handler<"loyalty.getProgram", R> = (request) =>
  Effect.map(Loyalty.program(request.tenant), (program) => ok(serializeProgram(program)))

const updateProgram: Handler<"loyalty.updateProgram", R> = (request) =>
  Effect.map(answer(Loyalty.setProgram(request.tenant, request.body)), (program) => ok(serializeProgram(program)))

const get: Handler<"loyalty.get", R> = (request) =>
  Effect.map(answer(Loyalty.get(request.tenant, request.params.customerId)), ({ customerId, account, transactions }) =>
    ok({
      customerId,
      points: account.points,
      lifetimePoints: account.lifetimePoints,
      tier: account.tier,
      transactions: transactions.map(serialize)
    })
  )

const award: Handler<"loyalty.award", R> = (request) =>
  Effect.map(
    answer(Loyalty.award(request.tenant, request.params.customerId, request.body.points, { note: request.body.note })),
    ({ account, transaction }) =>
      created({ points: account.points, tier: account.tier, transaction: serialize(transaction) })
  )

const redeem: Handler<"loyalty.redeem", R> = (request) =>
  Effect.map(
    answer(
      Loyalty.redeem(request.tenant, request.params.customerId, request.body.points, { orderId: request.body.orderId })
    ),
    ({ discount, account }) =>
      ok({ discountAmount: discount.amount, pointsRemaining: account.points, tier: account.tier })
  )

export const handlers = {
  "loyalty.getProgram": getProgram,
  "loyalty.updateProgram": updateProgram,
  "loyalty.get": get,
  "loyalty.award": award,
  "loyalty.redeem": redeem
}
