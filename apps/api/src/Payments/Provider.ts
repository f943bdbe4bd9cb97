/**
 * The payment provider behind checkout and payment sessions. Checkout's original calls
 * (`authorize`, `capture`, `void`) hold and take a whole amount; payment sessions use the rest:
 * `confirm` (authorized, or `requires_action` resolved later by the provider's signed callback,
 * checked by `verifyCallback`), `captureFunds` (full or partial), `releaseFunds` and
 * `refundFunds`. Every call that moves money carries an idempotency key: the provider does it once
 * per key and answers a retry with the first result, so a retried capture never charges twice. A
 * real provider (Stripe, Adyen…) is one more implementation of `PaymentProvider`.
 *
 * `TestPaymentProvider` is deterministic and needs no network. Its documented test tokens
 * (`card` and `wallet` take the same ones):
 *
 * | token                  | authorize / confirm                    | capture                                  |
 * | ---------------------- | -------------------------------------- | ---------------------------------------- |
 * | `tok_visa`             | authorized                             | captured                                 |
 * | `tok_declined`         | declined (`PaymentDeclined`)           | —                                        |
 * | `tok_network_error`    | fails as a network error would         | —                                        |
 * | `tok_capture_error`    | authorized                             | fails as a network error, charging nothing |
 * | `tok_capture_timeout`  | authorized                             | the first call charges, then fails as a network error; a retry with the same key returns that charge |
 * | `tok_3ds_succeeds`     | `requires_action` (redirect); the callback later says authorized | captured        |
 * | `tok_3ds_fails`        | `requires_action` (redirect); the callback later says failed (`authentication_failed`) | — |
 *
 * `bank_transfer` needs no token: `requires_action` with transfer instructions, and the callback
 * later says `succeeded` (funds received); with token `tok_transfer_expires` it says failed
 * (`transfer_expired`). `on_account` (B2B terms) is authorized at once. Any other token is
 * declined; `authorize` (checkout's original call) offers only `card`.
 *
 * `refund` returns part or all of what was captured on an authorization (an order's
 * `paymentReference`), idempotently by key: the same key refunds once and answers the first
 * receipt again; the test provider refuses a refund beyond what it captured less what it refunded.
 *
 * Callbacks are signed like Shopvo's own requests (`t=<unix>,sha256=<hex>` over `<t>.<raw body>`,
 * @shopvo/signing) with the secret in `PAYMENT_TEST_CALLBACK_SECRET` (default `testCallbackSecret`);
 * `testCallback` builds the one the test provider would send for a reference.
 */
import { Ids } from "@shopvo/kernel"
import { Signature, type SignatureError } from "@shopvo/signing"
import { Config, Context, Data, Effect, Either, Layer, Redacted, Schema } from "effect"

/** The provider refused the payment (a declined card, an unknown token). */
export class PaymentDeclined extends Data.TaggedError("PaymentDeclined")<{
  readonly reason: string
  /** The provider's code for it (`card_declined`…), when it gives one. */
  readonly code?: string
}> {}

/** The provider could not be reached or did not answer: nothing is known to have happened. */
export class PaymentProviderUnavailable extends Data.TaggedError("PaymentProviderUnavailable")<{
  readonly operation: "authorize" | "capture" | "void" | "refund"
}> {}

/** A method the provider does not offer, or a card-like method sent without its token. */
export class PaymentMethodUnsupported extends Data.TaggedError("PaymentMethodUnsupported")<{
  readonly method: string
  readonly missingToken: boolean
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

/** A payment session's confirm: what to authorize, and the key that makes a retry a no-op. */
export interface ConfirmRequest {
  readonly method: string
  readonly token: string | undefined
  readonly amount: number
  readonly currency: string
  readonly idempotencyKey: string
}

/** What the customer must do before the provider can resolve a `requires_action` session. */
export interface NextAction {
  readonly type: "redirect" | "bank_transfer"
  readonly url: string | null
  readonly instructions: string | null
}

/** The provider's answer to a confirm; `reference` is its id of the session, which callbacks name. */
export type Confirmation =
  | { readonly status: "authorized"; readonly reference: string }
  | { readonly status: "requires_action"; readonly reference: string; readonly nextAction: NextAction }

/** Money to move on an authorization (`reference`), once per `idempotencyKey`. */
export interface FundsRequest {
  readonly reference: string
  readonly amount: number
  readonly currency: string
  readonly idempotencyKey: string
}

/** The provider's record of a capture or refund. */
export interface Receipt {
  readonly reference: string
  readonly amount: number
}

/** The provider's late report on a session, from a callback whose signature was verified. */
export interface ProviderCallback {
  readonly reference: string
  readonly outcome: "authorized" | "succeeded" | "failed"
  readonly livemode: boolean
  readonly failureCode: string | null
  readonly failureMessage: string | null
}

/** A callback whose signature is missing, malformed, stale or wrong, or whose body is not a callback. */
export class CallbackRejected extends Data.TaggedError("CallbackRejected")<{
  readonly reason: SignatureError.SignatureError["_tag"] | "MalformedCallback"
}> {}

export interface PaymentProviderShape {
  readonly authorize: (
    request: AuthorizeRequest
  ) => Effect.Effect<Authorization, PaymentDeclined | PaymentProviderUnavailable | PaymentMethodUnsupported>
  readonly capture: (authorization: Authorization) => Effect.Effect<void, PaymentProviderUnavailable>
  readonly void: (authorization: Authorization) => Effect.Effect<void, PaymentProviderUnavailable>
  /** Returns part or all of a captured payment (an order's refund). */
  readonly refund: (request: RefundRequest) => Effect.Effect<RefundReceipt, RefundRejected | PaymentProviderUnavailable>
  readonly confirm: (
    request: ConfirmRequest
  ) => Effect.Effect<Confirmation, PaymentDeclined | PaymentProviderUnavailable | PaymentMethodUnsupported>
  readonly captureFunds: (request: FundsRequest) => Effect.Effect<Receipt, PaymentProviderUnavailable>
  readonly releaseFunds: (request: {
    readonly reference: string
    readonly idempotencyKey: string
  }) => Effect.Effect<void, PaymentProviderUnavailable>
  readonly refundFunds: (request: FundsRequest) => Effect.Effect<Receipt, PaymentProviderUnavailable>
  /** Verifies a callback's signature over its raw body (constant time) and reads it. */
  readonly verifyCallback: (request: {
    readonly body: string
    readonly signature: string | undefined
    /** Unix seconds. */
    readonly now: number
  }) => Either.Either<ProviderCallback, CallbackRejected>
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
  tok_capture_error: { authorize: "ok", capture: "unavailable" },
  tok_capture_timeout: { authorize: "ok", capture: "lost" },
  tok_3ds_succeeds: { authorize: "action", capture: "ok" },
  tok_3ds_fails: { authorize: "action", capture: "ok" }
} as const

type TestToken = keyof typeof testTokens

const isTestToken = (token: string): token is TestToken => Object.hasOwn(testTokens, token)

/** The test provider's default callback secret (a real provider's comes from its dashboard). */
export const testCallbackSecret = "tpsec_test_7fK2mQ9xL4vN8rT1wZ6cB3hJ5dG0sA"

/** What the test provider will report, through its callback, for a `requires_action` reference. */
export const lateOutcome = (reference: string): Omit<ProviderCallback, "livemode"> => {
  const failed = (failureCode: string, failureMessage: string) =>
    ({ reference, outcome: "failed", failureCode, failureMessage }) as const
  if (reference.startsWith("auth_test_tok_3ds_fails_")) {
    return failed("authentication_failed", "The customer did not complete authentication.")
  }
  if (reference.startsWith("bt_test_tok_transfer_expires_")) {
    return failed("transfer_expired", "The bank transfer did not arrive in time.")
  }
  const outcome = reference.startsWith("bt_test_") ? "succeeded" : "authorized"
  return { reference, outcome, failureCode: null, failureMessage: null }
}

/** The callback the test provider sends for `reference`: its raw body and `X-Provider-Signature`. */
export const testCallback = (
  reference: string,
  options: { readonly livemode?: boolean; readonly secret?: string; readonly timestamp?: number } = {}
) => {
  const body = JSON.stringify({ ...lateOutcome(reference), livemode: options.livemode ?? false })
  const signature = Signature.sign({
    body,
    secret: options.secret ?? testCallbackSecret,
    timestamp: options.timestamp ?? Math.floor(Date.now() / 1000)
  })
  return { body, signature }
}

/**
 * The test provider's side of the money: every charge (capture) and refund it made, by the
 * authorization's reference. What a real provider's dashboard shows; tests read it to see that a
 * retried capture charged once.
 */
const ledger = new Map<string, Array<{ readonly kind: "charge" | "refund"; readonly amount: number }>>()
/** Results by idempotency key: a call repeated with its key answers the first result. */
const results = new Map<string, unknown>()

export const testLedger = (reference: string) => [...(ledger.get(reference) ?? [])]

/** What the test provider refunded on `reference`, in all. */
export const testRefunded = (reference: string) =>
  testLedger(reference).reduce((sum, entry) => (entry.kind === "refund" ? sum + entry.amount : sum), 0)

const record = (reference: string, kind: "charge" | "refund", amount: number) =>
  ledger.set(reference, [...(ledger.get(reference) ?? []), { kind, amount }])

/** Runs `effect` once per key: a retry with the key gets the first success back, without running again. */
const once = <A, E>(key: string, effect: Effect.Effect<A, E>): Effect.Effect<A, E> =>
  Effect.suspend(() =>
    results.has(key)
      ? Effect.succeed(results.get(key) as A)
      : Effect.tap(effect, (result) => Effect.sync(() => results.set(key, result)))
  )

const CallbackBody = Schema.Struct({
  reference: Schema.String,
  outcome: Schema.Literal("authorized", "succeeded", "failed"),
  livemode: Schema.Boolean,
  failureCode: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
  failureMessage: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null })
})
const decodeCallback = Schema.decodeUnknownEither(Schema.parseJson(CallbackBody))

const tokenOf = (token: string | undefined) =>
  token !== undefined && isTestToken(token) ? Either.right(token) : Either.left(token)

// A card reference carries its token, so later calls need no state: `auth_test_<token>_<random>`.
export const TestPaymentProvider = Layer.effect(
  PaymentProvider,
  Effect.gen(function* () {
    const secret = yield* Config.redacted("PAYMENT_TEST_CALLBACK_SECRET").pipe(
      Config.withDefault(Redacted.make(testCallbackSecret))
    )
    const confirmCard = (
      request: ConfirmRequest
    ): Effect.Effect<Confirmation, PaymentDeclined | PaymentProviderUnavailable | PaymentMethodUnsupported> => {
      if (request.token === undefined) {
        return Effect.fail(new PaymentMethodUnsupported({ method: request.method, missingToken: true }))
      }
      const token = tokenOf(request.token)
      if (Either.isLeft(token))
        return Effect.fail(new PaymentDeclined({ reason: "unknown token", code: "card_declined" }))
      const reference = Ids.make(`auth_test_${token.right}`)
      switch (testTokens[token.right].authorize) {
        case "declined":
          return Effect.fail(new PaymentDeclined({ reason: "card declined", code: "card_declined" }))
        case "unavailable":
          return Effect.fail(new PaymentProviderUnavailable({ operation: "authorize" }))
        case "action":
          return Effect.succeed({
            status: "requires_action",
            reference,
            nextAction: {
              type: "redirect",
              url: `https://test-provider.shopvo.dev/3ds/${reference}`,
              instructions: null
            }
          })
        case "ok":
          return Effect.succeed({ status: "authorized", reference })
      }
    }
    return {
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
              case "action":
                return Effect.fail(new PaymentDeclined({ reason: "the card needs authentication" }))
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
          : Effect.sync(() => record(authorization.reference, "charge", authorization.amount)),
      void: () => Effect.void,
      refund: (request) =>
        once(
          `refund:${request.idempotencyKey}`,
          Effect.suspend((): Effect.Effect<RefundReceipt, RefundRejected> => {
            const entries = ledger.get(request.reference) ?? []
            if (!entries.some((entry) => entry.kind === "charge"))
              return Effect.fail(new RefundRejected({ reason: "unknown payment" }))
            const left = entries.reduce((sum, e) => (e.kind === "charge" ? sum + e.amount : sum - e.amount), 0)
            if (!Number.isSafeInteger(request.amount) || request.amount <= 0 || request.amount > left) {
              return Effect.fail(new RefundRejected({ reason: `cannot refund ${request.amount} of ${left}` }))
            }
            record(request.reference, "refund", request.amount)
            return Effect.succeed({
              reference: Ids.make("re_test"),
              amount: request.amount,
              currency: request.currency
            })
          })
        ),
      confirm: (request) =>
        once(
          `confirm:${request.idempotencyKey}`,
          Effect.suspend(
            (): Effect.Effect<
              Confirmation,
              PaymentDeclined | PaymentProviderUnavailable | PaymentMethodUnsupported
            > => {
              switch (request.method) {
                case "card":
                case "wallet":
                  return confirmCard(request)
                case "bank_transfer": {
                  const reference = Ids.make(
                    request.token === "tok_transfer_expires" ? "bt_test_tok_transfer_expires" : "bt_test"
                  )
                  return Effect.succeed({
                    status: "requires_action",
                    reference,
                    nextAction: {
                      type: "bank_transfer",
                      url: null,
                      instructions: `Transfer ${request.amount} (minor units) ${request.currency} to IBAN DE89370400440532013000 with reference ${reference}`
                    }
                  })
                }
                case "on_account":
                  return Effect.succeed({ status: "authorized", reference: Ids.make("acct_test") })
                default:
                  return Effect.fail(new PaymentMethodUnsupported({ method: request.method, missingToken: false }))
              }
            }
          )
        ),
      captureFunds: (request) =>
        once(
          `capture:${request.idempotencyKey}`,
          Effect.suspend((): Effect.Effect<Receipt, PaymentProviderUnavailable> => {
            if (request.reference.startsWith("auth_test_tok_capture_error_")) {
              return Effect.fail(new PaymentProviderUnavailable({ operation: "capture" }))
            }
            const receipt = { reference: Ids.make("ch_test"), amount: request.amount }
            record(request.reference, "charge", request.amount)
            if (
              request.reference.startsWith("auth_test_tok_capture_timeout_") &&
              !results.has(`lost:${request.idempotencyKey}`)
            ) {
              // Charged, but the answer is lost: only a retry with the same key learns of it.
              results.set(`lost:${request.idempotencyKey}`, true)
              results.set(`capture:${request.idempotencyKey}`, receipt)
              return Effect.fail(new PaymentProviderUnavailable({ operation: "capture" }))
            }
            return Effect.succeed(receipt)
          })
        ),
      releaseFunds: () => Effect.void,
      refundFunds: (request) =>
        once(
          `refund:${request.idempotencyKey}`,
          Effect.sync(() => {
            record(request.reference, "refund", request.amount)
            return { reference: Ids.make("re_test"), amount: request.amount }
          })
        ),
      verifyCallback: ({ body, signature, now }) =>
        Either.gen(function* () {
          yield* Either.mapLeft(
            Signature.verify({ body, header: signature, secrets: secret, now }),
            (error) => new CallbackRejected({ reason: error._tag })
          )
          return yield* Either.mapLeft(
            decodeCallback(body),
            () => new CallbackRejected({ reason: "MalformedCallback" })
          )
        })
    } satisfies PaymentProviderShape
  })
)
