/**
 * Order lifecycle routes: status moves, cancellation, fulfilments, refunds and the timeline. Each
 * names the API key that made the change on the order's timeline.
 */
import type { StateMachine } from "@shopvo/checkout"
import type { Fulfilment as Fulfilments } from "@shopvo/checkout"
import type { Database } from "@shopvo/kernel"
import type { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { serialize } from "../Orders/Json.js"
import type { OrderNotFound } from "../Orders/Service.js"
import * as ApiError from "../Platform/ApiError.js"
import { created, ok } from "../Platform/Envelope.js"
import type { Handler, Request } from "../Platform/Pipeline.js"
import type { Fulfilment, TimelineEntry } from "./Repo.js"
import {
  OrderLifecycleService,
  type PaymentNotPending,
  type ProviderUnavailable,
  type RefundRefused
} from "./Service.js"

/** Changes run in a transaction, so they need the client too. */
type R = OrderLifecycleService | SqlClient.SqlClient

type LifecycleError =
  | OrderNotFound
  | StateMachine.IllegalTransition
  | Fulfilments.InvalidFulfilment
  | RefundRefused
  | PaymentNotPending
  | ProviderUnavailable
  | Database.DatabaseUnavailable

/** The one mapping of the lifecycle's failures to HTTP; the database's own pass through. */
const httpError = (error: LifecycleError): ApiError.ApiError | Database.DatabaseUnavailable => {
  switch (error._tag) {
    case "OrderNotFound":
      return ApiError.notFound("Order")
    case "IllegalTransition":
      return new ApiError.ApiError({
        status: 422,
        code: "illegal_transition",
        message: error.message,
        details: [
          {
            path: "/status",
            message:
              error.allowed.length === 0
                ? `${error.from} is final`
                : `allowed from ${error.from}: ${error.allowed.join(", ")}`
          }
        ]
      })
    case "InvalidFulfilment":
      return ApiError.unprocessable(error.message, "fulfilment_invalid")
    case "RefundRefused":
      return ApiError.unprocessable(error.reason, error.code)
    case "PaymentNotPending":
      return ApiError.unprocessable(error.reason, "illegal_payment_transition")
    case "ProviderUnavailable":
      return ApiError.unavailable(5)
    case "DatabaseUnavailable":
      return error
  }
}

const actor = (request: Request) => ({ apiKeyId: request.principal?.keyId ?? null })

const fulfilmentJson = (fulfilment: Fulfilment) => ({
  id: fulfilment.id,
  orderId: fulfilment.orderId,
  lines: fulfilment.lines.map((line) => ({ orderItemId: line.orderItemId, quantity: line.quantity })),
  carrier: fulfilment.carrier,
  trackingNumber: fulfilment.trackingNumber,
  trackingUrl: fulfilment.trackingUrl,
  apiKeyId: fulfilment.apiKeyId,
  createdAt: fulfilment.createdAt.toISOString()
})

const timelineJson = (entry: TimelineEntry) => ({
  id: entry.id,
  type: entry.type,
  message: entry.message,
  fromStatus: entry.fromStatus,
  toStatus: entry.toStatus,
  paymentStatus: entry.paymentStatus,
  amount: entry.amount,
  apiKeyId: entry.apiKeyId,
  createdAt: entry.createdAt.toISOString()
})

const updateStatus: Handler<"orders.updateStatus", R> = (request) =>
  OrderLifecycleService.updateStatus(request.tenant, request.params.orderId, request.body.status, {
    ...actor(request),
    note: request.body.note
  }).pipe(
    Effect.map((order) => ok(serialize(order))),
    Effect.mapError(httpError)
  )

const cancel: Handler<"orders.cancel", R> = (request) =>
  OrderLifecycleService.cancel(request.tenant, request.params.orderId, {
    ...actor(request),
    reason: request.body.reason,
    restock: request.body.restock
  }).pipe(
    Effect.map((order) => ok(serialize(order))),
    Effect.mapError(httpError)
  )

const refund: Handler<"orders.refund", R> = (request) =>
  OrderLifecycleService.refund(request.tenant, request.params.orderId, {
    ...actor(request),
    amount: request.body.amount,
    lines: request.body.lines,
    restock: request.body.restock,
    method: request.body.method,
    reason: request.body.reason
  }).pipe(
    Effect.map((order) => created(serialize(order))),
    Effect.mapError(httpError)
  )

const markPaid: Handler<"orders.markPaid", R> = (request) =>
  OrderLifecycleService.markPaid(request.tenant, request.params.orderId, {
    ...actor(request),
    reference: request.body.reference,
    note: request.body.note
  }).pipe(
    Effect.map((order) => ok(serialize(order))),
    Effect.mapError(httpError)
  )

const createFulfilment: Handler<"orders.createFulfilment", R> = (request) =>
  OrderLifecycleService.fulfil(request.tenant, request.params.orderId, {
    ...actor(request),
    lines: request.body.lines,
    carrier: request.body.carrier,
    trackingNumber: request.body.trackingNumber,
    trackingUrl: request.body.trackingUrl
  }).pipe(
    Effect.map((fulfilment) => created(fulfilmentJson(fulfilment))),
    Effect.mapError(httpError)
  )

const listFulfilments: Handler<"orders.listFulfilments", R> = (request) =>
  OrderLifecycleService.fulfilments(request.tenant, request.params.orderId).pipe(
    Effect.map((fulfilments) => ok(fulfilments.map(fulfilmentJson))),
    Effect.mapError(httpError)
  )

const getTimeline: Handler<"orders.getTimeline", R> = (request) =>
  OrderLifecycleService.timeline(request.tenant, request.params.orderId).pipe(
    Effect.map((entries) => ok(entries.map(timelineJson))),
    Effect.mapError(httpError)
  )

export const handlers = {
  "orders.updateStatus": updateStatus,
  "orders.cancel": cancel,
  "orders.refund": refund,
  "orders.markPaid": markPaid,
  "orders.createFulfilment": createFulfilment,
  "orders.listFulfilments": listFulfilments,
  "orders.getTimeline": getTimeline
}
