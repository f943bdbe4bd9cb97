/**
 * Payment sessions: one attempt to be paid for a checkout or an order, through the
 * `PaymentProvider`, on the lifecycle of @shopvo/checkout's `PaymentSession` (which decides what
 * each operation may do; this service runs it, the provider and the database).
 *
 * Every operation runs in one transaction that first locks the session's row, so operations on
 * one session queue: two refunds racing for the last cent cannot both pass, and a capture retried
 * while the first is still running finds it done. Money-moving provider calls carry an idempotency
 * key derived from the session, the operation and the client's `Idempotency-Key` (or, for a
 * checkout, the checkout session), so a retry after a lost answer is answered by the provider
 * with the first result instead of a second charge; operations made with a key are recorded, and
 * the same key again changes nothing.
 *
 * Events, in the transaction of the change: `payment.failed` (a decline, or the provider's late
 * failure after `requires_action`), `payment.succeeded` (funds captured). A session that pays an
 * order (created for it, not through its checkout) moves the order's payment status with the
 * order payment lifecycle: `PAID` (`payment.confirmed`) when funds are captured, `FAILED` when the
 * attempt fails.
 */
import { Payment as OrderPayment, PaymentSession as Lifecycle } from "@shopvo/checkout"
import { Database, Ids, Outbox, type Tenant } from "@shopvo/kernel"
import { Currency } from "@shopvo/pricing"
import { Data, Effect, Either, Option, Schema } from "effect"
import {
  type Confirmation,
  type NextAction,
  PaymentProvider,
  type ProviderCallback,
  TestPaymentProvider
} from "./Provider.js"
import { paymentConfirmed } from "../Orders/Json.js"
import { type PaymentSessionRow, PaymentsRepo, type SessionChange } from "./Repo.js"

export { PaymentSessionRow } from "./Repo.js"

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

export class PaymentSessionNotFound extends Data.TaggedError("PaymentSessionNotFound")<{ readonly id: string }> {}

/** The checkout session or order to pay does not exist for this site and mode. */
export class TargetNotFound extends Data.TaggedError("TargetNotFound")<{
  readonly kind: "checkout" | "order"
  readonly id: string
}> {}

/** The checkout is complete, or the order already paid: there is nothing to pay. */
export class TargetClosed extends Data.TaggedError("TargetClosed")<{ readonly reason: string }> {}

export class CurrencyMismatch extends Data.TaggedError("CurrencyMismatch")<{
  readonly expected: string
  readonly got: string
}> {}

/** More than is due, or nothing is due. */
export class AmountNotDue extends Data.TaggedError("AmountNotDue")<{
  readonly requested: number
  readonly due: number
}> {}

export class CustomerRequired extends Data.TaggedError("CustomerRequired")<Record<never, never>> {}

/** `card` and `wallet` are confirmed with the provider's token. */
export class TokenRequired extends Data.TaggedError("TokenRequired")<{ readonly method: string }> {}

/** The provider declined; the session was saved `failed`. */
export class PaymentDeclined extends Data.TaggedError("PaymentDeclined")<{ readonly reason: string }> {}

/** The provider did not answer: nothing changed, try again (with the same idempotency key). */
export class ProviderUnavailable extends Data.TaggedError("ProviderUnavailable")<Record<never, never>> {}

export type OperationError =
  | PaymentSessionNotFound
  | Lifecycle.OperationNotAllowed
  | Lifecycle.CaptureExceedsAuthorized
  | Lifecycle.RefundExceedsCaptured
  | Lifecycle.InvalidAmount
  | ProviderUnavailable

// ---------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------

/** What a checkout session owes now, as Checkout computes it. */
export interface CheckoutDue {
  readonly id: string
  readonly amountDue: number
  readonly currency: string
  readonly customerId: string | null
  readonly complete: boolean
}

export interface NewSession {
  readonly target:
    | { readonly kind: "checkout"; readonly checkout: CheckoutDue }
    | { readonly kind: "order"; readonly orderId: string }
  readonly method: Lifecycle.Method
  readonly amount?: number | undefined
  readonly currency?: string | undefined
  readonly customerId?: string | undefined
}

const isMethod = Schema.is(Lifecycle.Method)
const currencyCode = Schema.decodeUnknownSync(Currency.Code)
const needsToken = (method: Lifecycle.Method) => method === "card" || method === "wallet"

/**
 * The provider's idempotency key of an operation: the session, the operation, and whose retry it
 * is: the client's `Idempotency-Key`, or else what the operation is from the locked session's
 * state (`otherwise`). The provider is called inside the transaction, so when the transaction
 * fails after the call, a retry is the same operation to the provider, never a second one.
 */
const providerKey = (sessionId: string, operation: string, key: string | undefined, otherwise: string) =>
  `${sessionId}:${operation}:${key ?? otherwise}`

export class Payments extends Effect.Service<Payments>()("@shopvo/api/Payments", {
  accessors: true,
  // The test provider is the only one so far; a real one is another layer of `PaymentProvider`.
  dependencies: [PaymentsRepo.Default, TestPaymentProvider],
  effect: Effect.gen(function* () {
    const repo = yield* PaymentsRepo
    const provider = yield* PaymentProvider

    const locked = (tenant: Tenant, id: string) =>
      Effect.flatMap(
        repo.lock(tenant, id),
        Option.match({ onNone: () => Effect.fail(new PaymentSessionNotFound({ id })), onSome: Effect.succeed })
      )

    const unavailable = () => new ProviderUnavailable()

    /** The order a session pays on its own (not through its checkout, which places it paid). */
    const payingOrder = (session: PaymentSessionRow) =>
      session.checkoutSessionId === null && session.orderId !== null ? session.orderId : null

    /**
     * Moves the order a session pays with the order payment lifecycle: funds captured make it
     * `PAID` (after a failed attempt, through a new `PENDING` one), a failure makes it `FAILED`.
     * Returns the order's number and status, for the events.
     */
    const settleOrder = (tenant: Tenant, session: PaymentSessionRow) =>
      Effect.gen(function* () {
        const orderId = payingOrder(session)
        if (orderId === null) return null
        const order = Option.getOrThrow(yield* repo.orderDue(tenant, orderId, true))
        const zero = { amount: 0, currency: currencyCode(order.currency) }
        const payment = new OrderPayment.Payment({
          status: order.paymentStatus === "FAILED" ? "FAILED" : "PENDING",
          amount: { amount: order.due, currency: zero.currency },
          capturedAmount: zero,
          refundedAmount: zero
        })
        const paid = session.status === "succeeded"
        const moved = paid
          ? Either.flatMap(payment.status === "FAILED" ? OrderPayment.retry(payment) : Either.right({ payment }), (p) =>
              OrderPayment.confirm(p.payment, { amount: session.capturedAmount, currency: zero.currency })
            )
          : OrderPayment.fail(payment)
        // An order no longer PENDING/FAILED (paid another way since) keeps its status.
        if (Either.isLeft(moved) || order.paymentStatus === moved.right.payment.status) {
          return { number: order.number, paymentStatus: order.paymentStatus }
        }
        const status = moved.right.payment.status
        yield* repo.setOrderPaymentStatus(tenant, order.id, status)
        if (paid) {
          yield* Outbox.emit(
            tenant,
            "payment.confirmed",
            paymentConfirmed(order, { amount: session.capturedAmount, currency: session.currency }, status)
          )
        }
        return { number: order.number, paymentStatus: status }
      })

    /** Saves an operation's change, follows it on the order, and emits the events of its transition. */
    const apply = (
      tenant: Tenant,
      before: PaymentSessionRow,
      change: Lifecycle.Change,
      fields: Partial<SessionChange> = {}
    ) =>
      Effect.gen(function* () {
        const saved = yield* repo.save(tenant, before.id, {
          status: change.session.status,
          capturedAmount: change.session.captured,
          refundedAmount: change.session.refunded,
          providerReference: before.providerReference,
          nextAction: change.session.status === "requires_action" ? before.nextAction : null,
          failureCode: change.session.status === "failed" ? before.failureCode : null,
          failureMessage: change.session.status === "failed" ? before.failureMessage : null,
          orderId: before.orderId,
          ...fields
        })
        const order = change.transition.events.length > 0 ? yield* settleOrder(tenant, saved) : null
        for (const event of change.transition.events) {
          switch (event) {
            case "payment.failed":
              yield* Outbox.emit(tenant, event, {
                paymentSessionId: saved.id,
                checkoutSessionId: saved.checkoutSessionId,
                orderId: saved.orderId,
                orderNumber: order?.number ?? null,
                amount: saved.amount,
                currency: saved.currency,
                paymentStatus: order?.paymentStatus ?? null,
                failureCode: saved.failureCode,
                failureMessage: saved.failureMessage
              })
              break
            case "payment.succeeded":
              yield* Outbox.emit(tenant, event, {
                paymentSessionId: saved.id,
                checkoutSessionId: saved.checkoutSessionId,
                orderId: saved.orderId,
                method: saved.method,
                amount: saved.capturedAmount - before.capturedAmount,
                capturedAmount: saved.capturedAmount,
                currency: saved.currency
              })
              break
          }
        }
        return saved
      })

    /** An order a session may pay: one still `PENDING` or `FAILED`, for what it owes. */
    const orderTarget = (tenant: Tenant, orderId: string) =>
      Effect.gen(function* () {
        const found = yield* repo.orderDue(tenant, orderId)
        if (Option.isNone(found)) return yield* new TargetNotFound({ kind: "order", id: orderId })
        const order = found.value
        if (order.paymentStatus !== "PENDING" && order.paymentStatus !== "FAILED") {
          return yield* new TargetClosed({ reason: `Order ${order.number} is already ${order.paymentStatus}` })
        }
        return {
          checkoutSessionId: null,
          orderId: order.id,
          due: order.due,
          currency: order.currency,
          customerId: order.customerId
        }
      })

    const insert = (tenant: Tenant, input: NewSession) =>
      Effect.gen(function* () {
        const given = input.target
        const target =
          given.kind === "checkout"
            ? {
                checkoutSessionId: given.checkout.id,
                orderId: null,
                due: given.checkout.amountDue,
                currency: given.checkout.currency,
                customerId: given.checkout.customerId
              }
            : yield* orderTarget(tenant, given.orderId)
        if (input.target.kind === "checkout" && input.target.checkout.complete) {
          return yield* new TargetClosed({ reason: `Checkout ${input.target.checkout.id} is complete` })
        }
        if (input.currency !== undefined && input.currency !== target.currency) {
          return yield* new CurrencyMismatch({ expected: target.currency, got: input.currency })
        }
        const amount = input.amount ?? target.due
        if (amount <= 0 || amount > target.due) return yield* new AmountNotDue({ requested: amount, due: target.due })
        const customerId = target.customerId ?? input.customerId ?? null
        if (input.method === "on_account" && customerId === null) return yield* new CustomerRequired()
        return yield* repo.insert(tenant, {
          checkoutSessionId: target.checkoutSessionId,
          orderId: target.orderId,
          customerId,
          method: input.method,
          currency: target.currency,
          amount
        })
      })

    /** Confirms a locked session with the provider; a decline is saved (`failed`), not an error. */
    const confirmLocked = (
      tenant: Tenant,
      session: PaymentSessionRow,
      input: { readonly token?: string | undefined; readonly idempotencyKey?: string | undefined }
    ) =>
      Effect.gen(function* () {
        if (!Lifecycle.operableFrom.confirm.includes(session.status)) {
          return yield* new Lifecycle.OperationNotAllowed({ operation: "confirm", status: session.status })
        }
        if (needsToken(session.method) && input.token === undefined) {
          return yield* new TokenRequired({ method: session.method })
        }
        const answer = yield* provider
          .confirm({
            method: session.method,
            token: input.token,
            amount: session.amount,
            currency: session.currency,
            idempotencyKey: providerKey(session.id, "confirm", input.idempotencyKey, Ids.make("attempt"))
          })
          .pipe(
            Effect.map(
              (
                confirmation
              ): Confirmation | { readonly status: "failed"; readonly code: string; readonly reason: string } =>
                confirmation
            ),
            Effect.catchTags({
              PaymentDeclined: (e) =>
                Effect.succeed({ status: "failed" as const, code: e.code ?? "payment_declined", reason: e.reason }),
              PaymentMethodUnsupported: (e) =>
                e.missingToken
                  ? Effect.fail(new TokenRequired({ method: e.method }))
                  : Effect.succeed({
                      status: "failed" as const,
                      code: "method_not_offered",
                      reason: `the method "${e.method}" is not offered`
                    }),
              PaymentProviderUnavailable: () => Effect.fail(unavailable())
            })
          )
        // Allowed: the status was checked above.
        const change = yield* Effect.orDie(Lifecycle.resolve(session.amounts, answer.status))
        const nextAction: NextAction | null = answer.status === "requires_action" ? answer.nextAction : null
        return yield* apply(tenant, session, change, {
          providerReference: answer.status === "failed" ? session.providerReference : answer.reference,
          nextAction,
          failureCode: answer.status === "failed" ? answer.code : null,
          failureMessage: answer.status === "failed" ? answer.reason : null
        })
      })

    /** A confirmed session: a decline, saved and committed, is then refused. */
    const declinedIsAnError = (session: PaymentSessionRow) =>
      session.status === "failed"
        ? Effect.fail(new PaymentDeclined({ reason: session.failureMessage ?? "declined" }))
        : Effect.succeed(session)

    const captureLocked = (
      tenant: Tenant,
      session: PaymentSessionRow,
      input: { readonly amount?: number | undefined; readonly idempotencyKey?: string | undefined },
      fields: Partial<SessionChange> = {}
    ) =>
      Effect.gen(function* () {
        const key = input.idempotencyKey
        if (key !== undefined && (yield* repo.operationExists(tenant, session.id, "capture", key))) return session
        const change = yield* Lifecycle.capture(session.amounts, input.amount)
        const reference =
          session.providerReference ?? (yield* Effect.dieMessage("an authorized session has a reference"))
        const receipt = yield* provider
          .captureFunds({
            reference,
            amount: change.session.captured,
            currency: session.currency,
            idempotencyKey: providerKey(session.id, "capture", key, `${change.session.captured}`)
          })
          .pipe(Effect.mapError(unavailable))
        yield* repo.insertOperation(tenant, {
          paymentSessionId: session.id,
          kind: "capture",
          amount: receipt.amount,
          idempotencyKey: key ?? receipt.reference,
          providerReference: receipt.reference,
          reason: null
        })
        return yield* apply(tenant, session, change, fields)
      })

    const voidLocked = (
      tenant: Tenant,
      session: PaymentSessionRow,
      input: { readonly reason?: string | undefined; readonly idempotencyKey?: string | undefined }
    ) =>
      Effect.gen(function* () {
        const key = input.idempotencyKey
        if (key !== undefined && (yield* repo.operationExists(tenant, session.id, "void", key))) return session
        const change = yield* Lifecycle.cancel(session.amounts)
        // Funds are held only once the provider knows the session (authorized or awaiting action).
        if (session.providerReference !== null && session.status !== "failed") {
          yield* provider
            .releaseFunds({
              reference: session.providerReference,
              idempotencyKey: providerKey(session.id, "void", key, "once")
            })
            .pipe(Effect.mapError(unavailable))
        }
        yield* repo.insertOperation(tenant, {
          paymentSessionId: session.id,
          kind: "void",
          amount: 0,
          idempotencyKey: key ?? Ids.make("once"),
          providerReference: null,
          reason: input.reason ?? null
        })
        return yield* apply(tenant, session, change)
      })

    const refundLocked = (
      tenant: Tenant,
      session: PaymentSessionRow,
      input: {
        readonly amount?: number | undefined
        readonly reason?: string | undefined
        readonly idempotencyKey?: string | undefined
      }
    ) =>
      Effect.gen(function* () {
        const key = input.idempotencyKey
        if (key !== undefined && (yield* repo.operationExists(tenant, session.id, "refund", key))) return session
        const change = yield* Lifecycle.refund(session.amounts, input.amount)
        const reference = session.providerReference ?? (yield* Effect.dieMessage("a captured session has a reference"))
        const receipt = yield* provider
          .refundFunds({
            reference,
            amount: change.refunded,
            currency: session.currency,
            idempotencyKey: providerKey(session.id, "refund", key, `${session.amounts.refunded}+${change.refunded}`)
          })
          .pipe(Effect.mapError(unavailable))
        yield* repo.insertOperation(tenant, {
          paymentSessionId: session.id,
          kind: "refund",
          amount: receipt.amount,
          idempotencyKey: key ?? receipt.reference,
          providerReference: receipt.reference,
          reason: input.reason ?? null
        })
        return yield* apply(tenant, session, change)
      })

    return {
      /** The provider's check of a callback's signature and body. */
      verifyCallback: provider.verifyCallback,
      get: (tenant: Tenant, id: string) =>
        Effect.flatMap(
          repo.find(tenant, id),
          Option.match({ onNone: () => Effect.fail(new PaymentSessionNotFound({ id })), onSome: Effect.succeed })
        ),
      /** `payments.createSession`: a session for a checkout (what it owes, from Checkout) or an order. */
      create: (tenant: Tenant, input: NewSession) => Database.transaction(insert(tenant, input)),
      /** `payments.confirmSession`: authorized or `requires_action`; a decline is saved, then refused. */
      confirm: (
        tenant: Tenant,
        id: string,
        input: { readonly token?: string | undefined; readonly idempotencyKey?: string | undefined }
      ) =>
        Effect.flatMap(
          Database.transaction(Effect.flatMap(locked(tenant, id), (session) => confirmLocked(tenant, session, input))),
          declinedIsAnError
        ),
      /** `payments.captureSession`: full or partial; once per idempotency key. */
      capture: (
        tenant: Tenant,
        id: string,
        input: { readonly amount?: number | undefined; readonly idempotencyKey?: string | undefined }
      ) => Database.transaction(Effect.flatMap(locked(tenant, id), (session) => captureLocked(tenant, session, input))),
      /** `payments.voidSession`: releases what was held; nothing captured. */
      void: (
        tenant: Tenant,
        id: string,
        input: { readonly reason?: string | undefined; readonly idempotencyKey?: string | undefined }
      ) => Database.transaction(Effect.flatMap(locked(tenant, id), (session) => voidLocked(tenant, session, input))),
      /**
       * `payments.refundSession`, and the route for an order's refunds: at most captured −
       * refunded, serialized per session, once per idempotency key.
       */
      refund: (
        tenant: Tenant,
        id: string,
        input: {
          readonly amount?: number | undefined
          readonly reason?: string | undefined
          readonly idempotencyKey?: string | undefined
        }
      ) => Database.transaction(Effect.flatMap(locked(tenant, id), (session) => refundLocked(tenant, session, input))),
      /**
       * An order's refund through the session that captured it (its checkout's, or one that paid
       * it later): the route for the order refunds flow. `PaymentSessionNotFound` when no session
       * of the order has anything left to refund.
       */
      refundOrder: (
        tenant: Tenant,
        orderId: string,
        input: {
          readonly amount?: number | undefined
          readonly reason?: string | undefined
          readonly idempotencyKey?: string | undefined
        }
      ) =>
        Database.transaction(
          Effect.gen(function* () {
            const found = yield* repo.lockCapturedForOrder(tenant, orderId)
            if (Option.isNone(found)) return yield* new PaymentSessionNotFound({ id: orderId })
            return yield* refundLocked(tenant, found.value, input)
          })
        ),
      /**
       * `payments.handleCallback`, after the provider's signature was verified: resolves a
       * `requires_action` session; one already resolved is answered as it is (callbacks repeat).
       */
      resolve: (tenant: Tenant, callback: ProviderCallback) =>
        Database.transaction(
          Effect.gen(function* () {
            const found = yield* repo.lockByReference(tenant, callback.reference)
            if (Option.isNone(found)) return yield* new PaymentSessionNotFound({ id: callback.reference })
            const session = found.value
            const change = Lifecycle.resolve(session.amounts, callback.outcome, { late: true })
            if (Either.isLeft(change)) return session
            return yield* apply(tenant, session, change.right, {
              failureCode: callback.outcome === "failed" ? (callback.failureCode ?? "payment_failed") : null,
              failureMessage: callback.outcome === "failed" ? callback.failureMessage : null
            })
          })
        ),

      // Checkout's hooks: they run inside the checkout's transaction, which holds its session's lock.

      /**
       * A checkout entering `review`: a session for what it owes, confirmed now. Answers the saved
       * session: `authorized`, `requires_action` or `failed` (declined; an unknown method too).
       */
      authorizeCheckout: (
        tenant: Tenant,
        checkout: CheckoutDue,
        payment: { readonly method: string; readonly token: string | undefined }
      ) =>
        Effect.gen(function* () {
          if (!isMethod(payment.method)) {
            return yield* new PaymentDeclined({ reason: `the method "${payment.method}" is not offered` })
          }
          const session = yield* insert(tenant, {
            target: { kind: "checkout", checkout },
            method: payment.method
          })
          return yield* confirmLocked(tenant, session, { token: payment.token })
        }),
      /**
       * A checkout session's payment as the payment session now says: resolved since it
       * required action (the provider's callback), or as it was.
       */
      statusOf: (tenant: Tenant, paymentSessionId: string) =>
        Effect.map(repo.find(tenant, paymentSessionId), Option.getOrNull),
      /**
       * Completing a checkout: captures its session in full and links it to the order. The key is
       * the checkout's, so a completion retried after a lost answer charges once.
       */
      captureCheckout: (tenant: Tenant, paymentSessionId: string, orderId: string) =>
        Effect.flatMap(locked(tenant, paymentSessionId), (session) =>
          captureLocked(
            tenant,
            session,
            { idempotencyKey: `checkout:${session.checkoutSessionId ?? session.id}` },
            { orderId }
          )
        ),
      /** A checkout that no longer needs its session (new details, or back before review) releases it. */
      releaseCheckout: (tenant: Tenant, paymentSessionId: string) =>
        Effect.flatMap(locked(tenant, paymentSessionId), (session) =>
          // A failed attempt holds nothing and keeps its failure on record.
          session.status !== "failed" && Lifecycle.operableFrom.void.includes(session.status)
            ? voidLocked(tenant, session, {})
            : Effect.succeed(session)
        )
    }
  })
}) {}
