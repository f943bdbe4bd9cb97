/**
 * The payment provider behind checkout: it authorizes the amount due when a session enters
 * `review`, captures it when the session completes, and voids an authorization the session no
 * longer needs. A real provider (Stripe, Adyen…) is one more implementation of `PaymentProvider`.
 *
 * `TestPaymentProvider` is deterministic and needs no network. Its documented test tokens:
 *
 * | token                | authorize                        | capture                     |
 * | -------------------- | -------------------------------- | --------------------------- |
 * | `tok_visa`           | authorized                       | captured                    |
 * | `tok_declined`       | declined (`PaymentDeclined`)     | —                           |
 * | `tok_network_error`  | fails as a network error would   | —                           |
 * | `tok_capture_error`  | authorized                       | fails as a network error    |
 *
 * Any other token is declined. The only method offered is `card`, which needs a token.
 *
 * `refund` returns part or all of a captured payment, idempotently by key: the same key refunds
 * once and answers the first receipt again. The test provider keeps what it captured and refunded
 * per payment in memory (see `testLedger`), and refuses a refund beyond what it captured.
 */
import { Ids } from "@shopvo/kernel"
import { Context, Data, Effect, Layer } from "effect"

/** The provider refused the payment (a declined card, an unknown token). */
export class PaymentDeclined extends Data.TaggedError("PaymentDeclined")<{ readonly reason: string }> {}

/** The provider could not be reached or did not answer: nothing is known to have happened. */
export class PaymentProviderUnavailable extends Data.TaggedError("PaymentProviderUnavailable")<{
  readonly operation: "authorize" | "capture" | "void" | "refund"
}> {}

/** The provider refused a refund (an unknown payment, more than it captured). */
export class RefundRejected extends Data.TaggedError("RefundRejected")<{ readonly reason: string }> {}

export interface RefundRequest {
  /** The captured payment's reference (the authorization's). */
  readonly reference: string
  readonly amount: number
  readonly currency: string
  /** The same key refunds once: a retry answers the first receipt. */
  readonly idempotencyKey: string
}

/** Money the provider returned; `reference` is the provider's id of the refund. */
export interface RefundReceipt {
  readonly reference: string
  readonly amount: number
  readonly currency: string
}

/** A method the provider does not offer, or a card-like method sent without its token. */
export class PaymentMethodUnsupported extends Data.TaggedError("PaymentMethodUnsupported")<{
  readonly method: string
  readonly missingToken: boolean
}> {}

export interface AuthorizeRequest {
  readonly method: string
  readonly token: string | undefined
  readonly amount: number
  readonly currency: string
}

/** Funds held by the provider; `reference` is the provider's id of the authorization. */
export interface Authorization {
  readonly reference: string
  readonly amount: number
  readonly currency: string
}

export interface PaymentProviderShape {
  readonly authorize: (
    request: AuthorizeRequest
  ) => Effect.Effect<Authorization, PaymentDeclined | PaymentProviderUnavailable | PaymentMethodUnsupported>
  readonly capture: (authorization: Authorization) => Effect.Effect<void, PaymentProviderUnavailable>
  readonly void: (authorization: Authorization) => Effect.Effect<void, PaymentProviderUnavailable>
  readonly refund: (request: RefundRequest) => Effect.Effect<RefundReceipt, RefundRejected | PaymentProviderUnavailable>
}

export class PaymentProvider extends Context.Tag("@shopvo/api/PaymentProvider")<
  PaymentProvider,
  PaymentProviderShape
>() {}

/** The test tokens and what they do, as data (the table above). */
export const testTokens = {
  tok_visa: { authorize: "ok", capture: "ok" },
  tok_declined: { authorize: "declined", capture: "ok" },
  tok_network_error: { authorize: "unavailable", capture: "ok" },
  tok_capture_error: { authorize: "ok", capture: "unavailable" }
} as const

type TestToken = keyof typeof testTokens

const isTestToken = (token: string): token is TestToken => Object.hasOwn(testTokens, token)

/** What the test provider captured and refunded, per payment reference, and its refunds by key. */
export const testLedger = {
  captured: new Map<string, number>(),
  refunded: new Map<string, number>(),
  receipts: new Map<string, RefundReceipt>()
}

// The reference carries the token, so capture needs no state: `auth_test_<token>_<random>`.
export const TestPaymentProvider = Layer.succeed(PaymentProvider, {
  authorize: (request) =>
    Effect.suspend(
      (): Effect.Effect<Authorization, PaymentDeclined | PaymentProviderUnavailable | PaymentMethodUnsupported> => {
        if (request.method !== "card") {
          return Effect.fail(new PaymentMethodUnsupported({ method: request.method, missingToken: false }))
        }
        if (request.token === undefined) {
          return Effect.fail(new PaymentMethodUnsupported({ method: request.method, missingToken: true }))
        }
        const token = request.token
        if (!isTestToken(token)) return Effect.fail(new PaymentDeclined({ reason: "unknown token" }))
        switch (testTokens[token].authorize) {
          case "declined":
            return Effect.fail(new PaymentDeclined({ reason: "card declined" }))
          case "unavailable":
            return Effect.fail(new PaymentProviderUnavailable({ operation: "authorize" }))
          case "ok":
            return Effect.succeed({
              reference: Ids.make(`auth_test_${token}`),
              amount: request.amount,
              currency: request.currency
            })
        }
      }
    ),
  capture: (authorization) =>
    authorization.reference.startsWith("auth_test_tok_capture_error_")
      ? Effect.fail(new PaymentProviderUnavailable({ operation: "capture" }))
      : Effect.sync(() => {
          testLedger.captured.set(authorization.reference, authorization.amount)
        }),
  void: () => Effect.void,
  refund: (request) =>
    Effect.suspend((): Effect.Effect<RefundReceipt, RefundRejected> => {
      const previous = testLedger.receipts.get(request.idempotencyKey)
      if (previous !== undefined) return Effect.succeed(previous)
      const captured = testLedger.captured.get(request.reference)
      if (captured === undefined) return Effect.fail(new RefundRejected({ reason: "unknown payment" }))
      const refunded = testLedger.refunded.get(request.reference) ?? 0
      if (!Number.isSafeInteger(request.amount) || request.amount <= 0 || refunded + request.amount > captured) {
        return Effect.fail(new RefundRejected({ reason: `cannot refund ${request.amount} of ${captured - refunded}` }))
      }
      const receipt = { reference: Ids.make("re_test"), amount: request.amount, currency: request.currency }
      testLedger.refunded.set(request.reference, refunded + request.amount)
      testLedger.receipts.set(request.idempotencyKey, receipt)
      return Effect.succeed(receipt)
    })
})
