/**
 * Checkout routes: start a session from a cart (`checkout.create`), get it, and move it
 * (`checkout.advance`).
 */
import type { CheckoutSession as ContractSession } from "@shopvo/contract"
import type { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import * as ApiError from "../Platform/ApiError.js"
import { created, ok } from "../Platform/Envelope.js"
import type { Handler } from "../Platform/Pipeline.js"
import type * as CartErrors from "../Cart/Errors.js"
import { Checkout, type CheckoutError, type PaymentFailed, type SessionView } from "./Service.js"

/** The spec's `CheckoutSession`. */
export const serialize = ({
  session,
  availableShippingOptions,
  shippingOption,
  totals,
  loyaltyPoints
}: SessionView): ContractSession => ({
  id: session.id,
  cartId: session.cartId,
  customerId: session.customerId,
  state: session.state,
  email: session.email,
  shippingAddress: session.shippingAddress,
  billingAddress: session.billingAddress,
  pickupPointId: session.pickupPointId,
  shippingOption,
  availableShippingOptions: [...availableShippingOptions],
  payment:
    session.payment === null
      ? null
      : { status: session.payment.status, method: session.payment.method, paymentSessionId: session.payment.sessionId },
  promotionCode: session.promotionCode,
  giftCardCodes: [...session.giftCardCodes],
  loyaltyPoints,
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
    case "PickupPointUnavailable":
      return ApiError.unprocessable(error.reason, "pickup_point_unavailable")
    case "PaymentFailed":
      return ApiError.unprocessable(`The payment was declined: ${error.reason}`, "payment_failed")
    case "PaymentUnavailable":
      return ApiError.unavailable(5)
    case "CustomerRequired":
      return ApiError.unprocessable(`${error.what} needs a checkout with a customer`, "customer_required")
    case "CannotApply":
      return ApiError.unprocessable(error.reason, error.code)
    case "InsufficientStock":
      return ApiError.conflict(
        `Only ${error.available} of ${error.label} left in stock, ${error.requested} in the cart`,
        "insufficient_stock"
      )
    case "CartConverted":
      return ApiError.unprocessable(`Cart ${error.cartId} was already turned into an order`, "cart_converted")
  }
}

/** Why a cart cannot start a checkout (the spec's `CheckoutCreateRejected`, all 422). */
const cartRefusal = (
  error:
    | CartErrors.CartNotFound
    | CartErrors.CartConverted
    | CartErrors.CartEmpty
    | CartErrors.ProductUnavailable
    | CartErrors.AmountOutOfRange
): ApiError.ApiError => {
  switch (error._tag) {
    case "CartNotFound":
      return ApiError.unprocessable(error.message, "cart_not_found")
    case "CartConverted":
      return ApiError.unprocessable(error.message, "cart_converted")
    case "CartEmpty":
      return ApiError.unprocessable(error.message, "cart_empty")
    case "ProductUnavailable":
      return ApiError.unprocessable(error.message, "product_unavailable")
    case "CartAmountOutOfRange":
      return ApiError.unprocessable(error.message, "amount_out_of_range")
  }
}

const create: Handler<"checkout.create", Checkout | SqlClient.SqlClient> = (request) =>
  Checkout.fromCart(request.tenant, request.body.cartId).pipe(
    Effect.map((view) => created(serialize(view))),
    Effect.catchIf(
      (error) => error._tag !== "DatabaseUnavailable",
      (error) => Effect.fail(cartRefusal(error))
    )
  )

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
  "checkout.create": create,
  "checkout.get": get,
  "checkout.advance": advance
}
