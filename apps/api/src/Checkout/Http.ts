/**
 * Checkout routes: get a session and move it (`checkout.advance`). Starting one from a cart
 * (`checkout.create`) needs the cart's snapshot, which the Cart service provides once it lands;
 * until then that route answers 501 and sessions start through `Checkout.start`.
 */
import type { CheckoutSession as ContractSession } from "@shopvo/contract"
import type { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import * as ApiError from "../Platform/ApiError.js"
import { ok } from "../Platform/Envelope.js"
import type { Handler } from "../Platform/Pipeline.js"
import { Checkout, type CheckoutError, type PaymentFailed, type SessionView } from "./Service.js"

/** The spec's `CheckoutSession`. */
export const serialize = ({
  session,
  availableShippingOptions,
  shippingOption,
  totals
}: SessionView): ContractSession => ({
  id: session.id,
  cartId: session.cartId,
  customerId: session.customerId,
  state: session.state,
  email: session.email,
  shippingAddress: session.shippingAddress,
  billingAddress: session.billingAddress,
  shippingOption,
  availableShippingOptions: [...availableShippingOptions],
  payment: session.payment === null ? null : { status: session.payment.status, method: session.payment.method },
  promotionCode: session.promotionCode,
  giftCardCodes: [...session.giftCardCodes],
  loyaltyPoints: session.loyaltyPoints,
  totals,
  orderId: session.orderId,
  createdAt: session.createdAt.toISOString(),
  updatedAt: session.updatedAt.toISOString()
})

/** The one mapping of checkout's failures to HTTP. */
const httpError = (error: CheckoutError | PaymentFailed): ApiError.ApiError => {
  switch (error._tag) {
    case "SessionNotFound":
      return ApiError.notFound("Checkout session")
    case "IllegalMove":
      return new ApiError.ApiError({
        status: 422,
        code: "illegal_transition",
        message: error.reason,
        ...(error.missing.length > 0 ? { details: error.missing } : {})
      })
    case "ShippingOptionUnavailable":
      return ApiError.unprocessable(
        `Shipping option "${error.shippingOptionId}" is not available for this checkout`,
        "shipping_option_unavailable"
      )
    case "PaymentFailed":
      return ApiError.unprocessable(`The payment was declined: ${error.reason}`, "payment_failed")
    case "PaymentUnavailable":
      return ApiError.unavailable(5)
    case "CustomerRequired":
      return ApiError.unprocessable(`${error.what} needs a checkout with a customer`, "customer_required")
    case "NotYetAvailable": {
      // Until these services land, the spec's refusal for each, with a message that says why.
      const code = {
        "Promotion codes": "promotion_invalid",
        "Gift cards": "gift_card_not_found",
        "Store credit": "insufficient_balance",
        "Loyalty points": "insufficient_points"
      }[error.feature]
      return ApiError.unprocessable(`${error.feature} are not accepted at checkout yet`, code)
    }
    case "InsufficientStock":
      return ApiError.conflict(
        `Only ${error.available} of ${error.label} left in stock, ${error.requested} in the cart`,
        "insufficient_stock"
      )
    case "CartConverted":
      return ApiError.unprocessable(`Cart ${error.cartId} was already turned into an order`, "cart_converted")
  }
}

const get: Handler<"checkout.get", Checkout> = (request) =>
  Checkout.get(request.tenant, request.query.sessionId).pipe(
    Effect.map((view) => ok(serialize(view))),
    Effect.catchTag("SessionNotFound", (error) => Effect.fail(httpError(error)))
  )

// The move opens its transaction on the request's SqlClient.
const advance: Handler<"checkout.advance", Checkout | SqlClient.SqlClient> = (request) =>
  Checkout.advance(request.tenant, request.body).pipe(
    Effect.map((view) => ok(serialize(view))),
    Effect.catchIf(
      (error): error is CheckoutError | PaymentFailed => error._tag !== "DatabaseUnavailable",
      (error) => Effect.fail(httpError(error))
    )
  )

export const handlers = {
  "checkout.get": get,
  "checkout.advance": advance
}
