/**
 * Payment session routes: create one for a checkout or an order, read it, confirm, capture,
 * void and refund it, and the provider's signed callback (`payments.handleCallback`).
 */
import type { PaymentSession as ContractSession } from "@shopvo/contract"
import type { SqlClient } from "@effect/sql"
import type { Database } from "@shopvo/kernel"
import { Clock, Effect, Either } from "effect"
import { Checkout } from "../Checkout/Service.js"
import * as ApiError from "../Platform/ApiError.js"
import { created, ok } from "../Platform/Envelope.js"
import type { Handler, Request } from "../Platform/Pipeline.js"
import type { CallbackRejected } from "./Provider.js"
import {
  type AmountNotDue,
  type CurrencyMismatch,
  type CustomerRequired,
  type OperationError,
  type PaymentDeclined,
  type PaymentSessionRow,
  Payments,
  type TargetClosed,
  type TargetNotFound,
  type TokenRequired
} from "./Service.js"

/** The spec's `PaymentSession`. */
export const serialize = (session: PaymentSessionRow): ContractSession => ({
  id: session.id,
  status: session.status,
  method: session.method,
  amount: session.amount,
  currency: session.currency,
  capturedAmount: session.capturedAmount,
  refundedAmount: session.refundedAmount,
  checkoutSessionId: session.checkoutSessionId,
  orderId: session.orderId,
  customerId: session.customerId,
  nextAction: session.nextAction,
  failureCode: session.failureCode,
  failureMessage: session.failureMessage,
  livemode: session.livemode,
  createdAt: session.createdAt.toISOString(),
  updatedAt: session.updatedAt.toISOString()
})

type PaymentsError =
  | OperationError
  | TargetNotFound
  | TargetClosed
  | CurrencyMismatch
  | AmountNotDue
  | CustomerRequired
  | TokenRequired
  | PaymentDeclined

/** The one mapping of payment sessions' failures to HTTP. */
const httpError = (error: PaymentsError): ApiError.ApiError => {
  switch (error._tag) {
    case "PaymentSessionNotFound":
      return ApiError.notFound("Payment session")
    case "TargetNotFound":
      return error.kind === "checkout"
        ? ApiError.unprocessable(`Checkout session ${error.id} not found`, "checkout_not_found")
        : ApiError.unprocessable(`Order ${error.id} not found`, "order_not_found")
    case "TargetClosed":
      return ApiError.unprocessable(error.reason, "illegal_payment_transition")
    case "OperationNotAllowed":
      return ApiError.unprocessable(error.message, "illegal_payment_transition")
    case "CurrencyMismatch":
      return ApiError.unprocessable(
        `The payment must be in ${error.expected}, not ${error.got}`,
        "currency_not_supported"
      )
    case "AmountNotDue":
      return ApiError.unprocessable(
        error.due === 0 ? "Nothing is due" : `An amount of ${error.requested} is more than the ${error.due} due`,
        "amount_out_of_range"
      )
    case "CustomerRequired":
      return ApiError.unprocessable("An on_account payment needs a customer", "customer_required")
    case "TokenRequired":
      return ApiError.badRequest(`A ${error.method} payment needs a token`, [
        { path: "body.token", message: "is required for this method" }
      ])
    case "PaymentDeclined":
      return ApiError.unprocessable(`The payment was declined: ${error.reason}`, "payment_failed")
    case "CaptureExceedsAuthorized":
      return ApiError.unprocessable(error.message, "capture_exceeds_authorized")
    case "RefundExceedsCaptured":
      return ApiError.unprocessable(error.message, "refund_exceeds_captured")
    case "InvalidAmount":
      return ApiError.badRequest(error.message, [{ path: "body.amount", message: "must be a positive integer" }])
    case "ProviderUnavailable":
      return ApiError.unavailable(5)
  }
}

/** Every failure but an unavailable database, as its HTTP answer. */
const refusing = <A, E extends PaymentsError | Database.DatabaseUnavailable, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.catchIf(
    effect,
    (error): error is Exclude<E, Database.DatabaseUnavailable> => error._tag !== "DatabaseUnavailable",
    (error) => Effect.fail(httpError(error))
  )

const idempotencyKeyOf = (request: Request) => request.headers["idempotency-key"]

const create: Handler<"payments.createSession", Payments | Checkout | SqlClient.SqlClient> = (request) =>
  Effect.gen(function* () {
    const { checkoutSessionId, orderId, amount, currency, method, customerId } = request.body
    if ((checkoutSessionId === undefined) === (orderId === undefined)) {
      return yield* ApiError.badRequest("Give exactly one of checkoutSessionId and orderId", [
        { path: "body", message: "needs exactly one of checkoutSessionId and orderId" }
      ])
    }
    const target =
      checkoutSessionId !== undefined
        ? {
            kind: "checkout" as const,
            checkout: yield* Checkout.get(request.tenant, checkoutSessionId).pipe(
              Effect.map((view) => ({
                id: view.session.id,
                amountDue: view.totals.amountDue,
                currency: view.session.currency,
                customerId: view.session.customerId,
                complete: view.session.state === "complete"
              })),
              Effect.catchTag("SessionNotFound", () =>
                Effect.fail(
                  ApiError.unprocessable(`Checkout session ${checkoutSessionId} not found`, "checkout_not_found")
                )
              )
            )
          }
        : { kind: "order" as const, orderId: orderId ?? "" }
    const session = yield* refusing(Payments.create(request.tenant, { target, method, amount, currency, customerId }))
    return created(serialize(session))
  })

const get: Handler<"payments.getSession", Payments> = (request) =>
  refusing(Payments.get(request.tenant, request.params.paymentSessionId)).pipe(Effect.map((s) => ok(serialize(s))))

const confirm: Handler<"payments.confirmSession", Payments | SqlClient.SqlClient> = (request) =>
  refusing(
    Payments.confirm(request.tenant, request.params.paymentSessionId, {
      token: request.body.token,
      idempotencyKey: idempotencyKeyOf(request)
    })
  ).pipe(Effect.map((s) => ok(serialize(s))))

const capture: Handler<"payments.captureSession", Payments | SqlClient.SqlClient> = (request) =>
  refusing(
    Payments.capture(request.tenant, request.params.paymentSessionId, {
      amount: request.body.amount,
      idempotencyKey: idempotencyKeyOf(request)
    })
  ).pipe(Effect.map((s) => ok(serialize(s))))

const voidSession: Handler<"payments.voidSession", Payments | SqlClient.SqlClient> = (request) =>
  refusing(
    Payments.void(request.tenant, request.params.paymentSessionId, {
      reason: request.body.reason,
      idempotencyKey: idempotencyKeyOf(request)
    })
  ).pipe(Effect.map((s) => ok(serialize(s))))

const refund: Handler<"payments.refundSession", Payments | SqlClient.SqlClient> = (request) =>
  refusing(
    Payments.refund(request.tenant, request.params.paymentSessionId, {
      amount: request.body.amount,
      reason: request.body.reason,
      idempotencyKey: idempotencyKeyOf(request)
    })
  ).pipe(Effect.map((s) => ok(serialize(s))))

const callbackRefusal: Record<
  Exclude<CallbackRejected["reason"], "MalformedCallback">,
  { readonly code: string; readonly message: string }
> = {
  SignatureMissing: { code: "signature_missing", message: "The callback has no X-Provider-Signature" },
  SignatureMalformed: { code: "signature_malformed", message: "X-Provider-Signature is malformed" },
  SignatureTimestampOutOfTolerance: { code: "signature_expired", message: "The callback's signature is too old" },
  SignatureMismatch: { code: "signature_mismatch", message: "X-Provider-Signature does not match the body" }
}

/**
 * The provider's callback: its signature over the exact bytes is checked first (constant time,
 * within 300 s); the mode is the one the provider signed, since a callback carries no API key.
 */
const callback: Handler<"payments.handleCallback", Payments | SqlClient.SqlClient> = (request) =>
  Effect.gen(function* () {
    const payments = yield* Payments
    const now = Math.floor((yield* Clock.currentTimeMillis) / 1000)
    const verified = payments.verifyCallback({
      body: request.rawBody,
      signature: request.headers["x-provider-signature"],
      now
    })
    if (Either.isLeft(verified)) {
      const reason = verified.left.reason
      if (reason === "MalformedCallback") return yield* ApiError.badRequest("The signed body is not a callback")
      const refusal = callbackRefusal[reason]
      return yield* ApiError.unauthorized(refusal.message, refusal.code)
    }
    const session = yield* refusing(
      Payments.resolve({ siteId: request.siteId, livemode: verified.right.livemode }, verified.right)
    )
    return ok(serialize(session))
  })

export const handlers = {
  "payments.createSession": create,
  "payments.getSession": get,
  "payments.confirmSession": confirm,
  "payments.captureSession": capture,
  "payments.voidSession": voidSession,
  "payments.refundSession": refund,
  "payments.handleCallback": callback
}
