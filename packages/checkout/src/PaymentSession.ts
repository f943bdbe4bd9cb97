/**
 * A payment session: one attempt to be paid `amount` through a payment provider, with its
 * statuses (in the style of Persevo's payment API), captures and refunds.
 *
 *     requires_confirmation → authorized, requires_action, succeeded, failed (confirm)
 *     requires_action       → authorized, succeeded, failed (the provider's late answer)
 *     failed                → authorized, requires_action, succeeded, failed (confirm again)
 *     authorized            → succeeded (capture)
 *     succeeded             → partially_refunded, refunded (refund)
 *     partially_refunded    → partially_refunded, refunded (refund)
 *     any of the first four → canceled (void: nothing was captured)
 *     refunded, canceled    (final)
 *
 * Entering `succeeded` emits `payment.succeeded` (funds captured); entering `failed` emits
 * `payment.failed`.
 *
 * Invariants (checked by `Amounts`, so also on rows read back, and property-tested):
 * - 0 ≤ refunded ≤ captured ≤ amount, amount > 0, all integer minor units;
 * - nothing is captured before `succeeded`; `succeeded` has refunded nothing; `partially_refunded`
 *   has 0 < refunded < captured; `refunded` has refunded = captured > 0.
 */
import { Either, Schema } from "effect"
import * as StateMachine from "./StateMachine.js"
import type { WebhookEvent } from "./WebhookEvent.js"

export const Status = Schema.Literal(
  "requires_confirmation",
  "requires_action",
  "authorized",
  "succeeded",
  "partially_refunded",
  "refunded",
  "failed",
  "canceled"
)
export type Status = typeof Status.Type

/** How the customer pays: `card`/`wallet` need a token, `bank_transfer` resolves later, `on_account` is B2B terms. */
export const Method = Schema.Literal("card", "wallet", "bank_transfer", "on_account")
export type Method = typeof Method.Type

/** What the provider answered to a confirm, or reported later through its callback. */
export type Outcome = "authorized" | "requires_action" | "succeeded" | "failed"

const succeeded = ["payment.succeeded"] as const
const failed = ["payment.failed"] as const
const confirmTargets = { authorized: [], requires_action: [], succeeded, failed, canceled: [] } as const

export const machine: StateMachine.StateMachine<Status, WebhookEvent> = StateMachine.make<Status, WebhookEvent>({
  name: "payment session",
  states: Status.literals,
  initial: "requires_confirmation",
  initialEvents: [],
  transitions: {
    requires_confirmation: confirmTargets,
    requires_action: { authorized: [], succeeded, failed, canceled: [] },
    failed: confirmTargets,
    authorized: { succeeded, canceled: [] },
    succeeded: { partially_refunded: [], refunded: [] },
    partially_refunded: { partially_refunded: [], refunded: [] },
    refunded: {},
    canceled: {}
  }
})

const consistency = (s: {
  readonly status: Status
  readonly amount: number
  readonly captured: number
  readonly refunded: number
}): string | true => {
  if (!(0 <= s.refunded && s.refunded <= s.captured && s.captured <= s.amount && s.amount > 0)) {
    return "expected 0 ≤ refunded ≤ captured ≤ amount and amount > 0"
  }
  switch (s.status) {
    case "succeeded":
      return (s.captured > 0 && s.refunded === 0) || "a succeeded session captured something and refunded nothing"
    case "partially_refunded":
      return (0 < s.refunded && s.refunded < s.captured) || "a partially refunded session refunded part of its capture"
    case "refunded":
      return (s.captured > 0 && s.refunded === s.captured) || "a refunded session refunded all of its capture"
    default:
      return s.captured === 0 || `a ${s.status} session has captured nothing`
  }
}

const Minor = Schema.Int.pipe(Schema.between(0, Number.MAX_SAFE_INTEGER))

/** A session's status and money: the most it may capture, what it captured, what it refunded. */
export class Amounts extends Schema.Class<Amounts>("PaymentSessionAmounts")(
  Schema.Struct({ status: Status, amount: Minor, captured: Minor, refunded: Minor }).pipe(Schema.filter(consistency))
) {
  /** What a refund may still return: captured − refunded. */
  get refundable(): number {
    return this.captured - this.refunded
  }
}

/** A session after an operation, with the move that produced it (its `events` to emit). */
export interface Change {
  readonly session: Amounts
  readonly transition: StateMachine.Transition<Status, WebhookEvent>
}

export class CaptureExceedsAuthorized extends Schema.TaggedError<CaptureExceedsAuthorized>()(
  "CaptureExceedsAuthorized",
  { requested: Schema.Number, amount: Schema.Number }
) {
  override get message(): string {
    return `Capture of ${this.requested} exceeds the authorized amount of ${this.amount}`
  }
}

export class RefundExceedsCaptured extends Schema.TaggedError<RefundExceedsCaptured>()("RefundExceedsCaptured", {
  requested: Schema.Number,
  refundable: Schema.Number
}) {
  override get message(): string {
    return `Refund of ${this.requested} exceeds the refundable amount of ${this.refundable}`
  }
}

/** A capture or refund of zero or less, or not a whole number of minor units. */
export class InvalidAmount extends Schema.TaggedError<InvalidAmount>()("InvalidAmount", {
  requested: Schema.Number
}) {
  override get message(): string {
    return `An amount must be a positive integer of minor units, got ${this.requested}`
  }
}

/** What a client asks of a session. */
export type Operation = "confirm" | "capture" | "void" | "refund"

/** The statuses each operation starts from (the machine's table says where it may lead). */
export const operableFrom: { readonly [O in Operation]: ReadonlyArray<Status> } = {
  confirm: ["requires_confirmation", "failed"],
  capture: ["authorized"],
  void: ["requires_confirmation", "requires_action", "authorized", "failed"],
  refund: ["succeeded", "partially_refunded"]
}

/** The operation is not allowed in the session's status (capturing a voided session…). */
export class OperationNotAllowed extends Schema.TaggedError<OperationNotAllowed>()("OperationNotAllowed", {
  operation: Schema.Literal("confirm", "capture", "void", "refund"),
  status: Status
}) {
  override get message(): string {
    const verb = { confirm: "confirmed", capture: "captured", void: "voided", refund: "refunded" }[this.operation]
    return `A ${this.status.replaceAll("_", " ")} payment session cannot be ${verb}`
  }
}

const allowing = (operation: Operation, status: Status): Either.Either<void, OperationNotAllowed> =>
  operableFrom[operation].includes(status) ? Either.void : Either.left(new OperationNotAllowed({ operation, status }))

/** The move `session.status → to`, which the operations' statuses make legal. */
const move = (session: Amounts, to: Status) =>
  Either.getOrThrowWith(
    StateMachine.transition(machine, session.status, to),
    (e) => new Error(`payment session table disagrees with operableFrom: ${e.message}`)
  )

const isPositiveMinor = (n: number) => Number.isSafeInteger(n) && n > 0

/** A new session of `amount` (a positive integer of minor units), awaiting confirmation. */
export const create = (amount: number): Either.Either<Amounts, InvalidAmount> =>
  isPositiveMinor(amount)
    ? Either.right(new Amounts({ status: machine.initial, amount, captured: 0, refunded: 0 }))
    : Either.left(new InvalidAmount({ requested: amount }))

/**
 * The provider's answer to a confirm, or (`late: true`) its callback for a `requires_action`
 * session. `succeeded` (funds received at once, e.g. a bank transfer) captures the whole amount.
 */
export const resolve = (
  session: Amounts,
  outcome: Outcome,
  options: { readonly late: boolean } = { late: false }
): Either.Either<Change, OperationNotAllowed | StateMachine.IllegalTransition> =>
  Either.gen(function* () {
    if (options.late) {
      if (session.status !== "requires_action" || outcome === "requires_action") {
        return yield* Either.left(
          new StateMachine.IllegalTransition({
            machine: machine.name,
            from: session.status,
            to: outcome,
            allowed: session.status === "requires_action" ? ["authorized", "succeeded", "failed"] : []
          })
        )
      }
    } else {
      yield* allowing("confirm", session.status)
    }
    return {
      session: new Amounts({ ...session, status: outcome, captured: outcome === "succeeded" ? session.amount : 0 }),
      transition: move(session, outcome)
    }
  })

/**
 * Captures `amount` (default: all) of an authorized session; the rest of the authorization is
 * released, so the session is `succeeded` with `captured = amount`.
 */
export const capture = (
  session: Amounts,
  amount: number = session.amount
): Either.Either<Change, OperationNotAllowed | InvalidAmount | CaptureExceedsAuthorized> =>
  Either.gen(function* () {
    yield* allowing("capture", session.status)
    if (!isPositiveMinor(amount)) return yield* Either.left(new InvalidAmount({ requested: amount }))
    if (amount > session.amount) {
      return yield* Either.left(new CaptureExceedsAuthorized({ requested: amount, amount: session.amount }))
    }
    return {
      session: new Amounts({ ...session, status: "succeeded", captured: amount }),
      transition: move(session, "succeeded")
    }
  })

/** Cancels a session that captured nothing (an authorization is released by the caller). */
export const cancel = (session: Amounts): Either.Either<Change, OperationNotAllowed> =>
  Either.map(allowing("void", session.status), () => ({
    session: new Amounts({ ...session, status: "canceled" }),
    transition: move(session, "canceled")
  }))

/**
 * Refunds `amount` (default: everything refundable) of a captured session: `refunded` when
 * nothing remains refundable, `partially_refunded` otherwise. Never more than captured − refunded.
 */
export const refund = (
  session: Amounts,
  amount: number = session.refundable
): Either.Either<Change & { readonly refunded: number }, OperationNotAllowed | InvalidAmount | RefundExceedsCaptured> =>
  Either.gen(function* () {
    yield* allowing("refund", session.status)
    const refundable = session.refundable
    if (!isPositiveMinor(amount)) return yield* Either.left(new InvalidAmount({ requested: amount }))
    if (amount > refundable) return yield* Either.left(new RefundExceedsCaptured({ requested: amount, refundable }))
    const to: Status = amount === refundable ? "refunded" : "partially_refunded"
    return {
      session: new Amounts({ ...session, status: to, refunded: session.refunded + amount }),
      transition: move(session, to),
      refunded: amount
    }
  })
