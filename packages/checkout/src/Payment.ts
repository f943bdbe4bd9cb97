/**
 * The payment lifecycle of an order, as a state machine, with captures and
 * refunds.
 *
 *     PENDING            → PAID (payment.confirmed, order.paid), FAILED (payment.failed)
 *     FAILED             → PENDING (a new attempt; no event)
 *     PAID               → PARTIALLY_REFUNDED, REFUNDED (order.refunded)
 *     PARTIALLY_REFUNDED → PARTIALLY_REFUNDED, REFUNDED (order.refunded)
 *     REFUNDED           (final)
 *
 * Invariants (enforced by the `Payment` schema, so also on data read back
 * from storage, and property-tested over arbitrary sequences of operations):
 * - `amount`, `capturedAmount` and `refundedAmount` share one currency, and
 *   0 ≤ refunded ≤ captured ≤ amount: a refund never exceeds what was captured;
 * - PENDING and FAILED have captured and refunded nothing; PAID has refunded
 *   nothing; PARTIALLY_REFUNDED has 0 < refunded < captured; REFUNDED has
 *   refunded = captured > 0;
 * - a full refund (or one for exactly what remains) ends in REFUNDED, any
 *   smaller one in PARTIALLY_REFUNDED.
 *
 * Amounts are integer minor units (`Money` from @shopvo/pricing). Every sum
 * here stays within [0, amount], so integer arithmetic cannot overflow.
 */
import { Money } from "@shopvo/pricing"
import { Either, Schema } from "effect"
import * as StateMachine from "./StateMachine.js"
import type { WebhookEvent } from "./WebhookEvent.js"

/** The payment status of an order (the API's `OrderPaymentStatus`). */
export const PaymentStatus = Schema.Literal("PENDING", "PAID", "FAILED", "REFUNDED", "PARTIALLY_REFUNDED")
export type PaymentStatus = typeof PaymentStatus.Type

const refunded = ["order.refunded"] as const

/** The payment lifecycle. */
export const machine: StateMachine.StateMachine<PaymentStatus, WebhookEvent> = StateMachine.make<
  PaymentStatus,
  WebhookEvent
>({
  name: "payment",
  states: PaymentStatus.literals,
  initial: "PENDING",
  initialEvents: [],
  transitions: {
    PENDING: { PAID: ["payment.confirmed", "order.paid"], FAILED: ["payment.failed"] },
    FAILED: { PENDING: [] },
    PAID: { PARTIALLY_REFUNDED: refunded, REFUNDED: refunded },
    PARTIALLY_REFUNDED: { PARTIALLY_REFUNDED: refunded, REFUNDED: refunded },
    REFUNDED: {}
  }
})

/** A move of a payment's status, with the events it emits. */
export type PaymentTransition = StateMachine.Transition<PaymentStatus, WebhookEvent>

const consistency = (p: {
  readonly status: PaymentStatus
  readonly amount: Money.Money
  readonly capturedAmount: Money.Money
  readonly refundedAmount: Money.Money
}): string | true => {
  const { amount, capturedAmount: captured, refundedAmount: refunded } = p
  if (captured.currency !== amount.currency || refunded.currency !== amount.currency) {
    return "amount, capturedAmount and refundedAmount must share one currency"
  }
  if (!(0 <= refunded.amount && refunded.amount <= captured.amount && captured.amount <= amount.amount)) {
    return "expected 0 ≤ refundedAmount ≤ capturedAmount ≤ amount"
  }
  switch (p.status) {
    case "PENDING":
    case "FAILED":
      return captured.amount === 0 || `a ${p.status} payment has captured nothing`
    case "PAID":
      return refunded.amount === 0 || "a PAID payment has refunded nothing"
    case "PARTIALLY_REFUNDED":
      return (
        (0 < refunded.amount && refunded.amount < captured.amount) ||
        "a PARTIALLY_REFUNDED payment has refunded part, not all, of what was captured"
      )
    case "REFUNDED":
      return (
        (refunded.amount === captured.amount && captured.amount > 0) ||
        "a REFUNDED payment has refunded everything it captured"
      )
  }
}

/** A payment: its status, the amount due, what was captured and what was refunded. */
export class Payment extends Schema.Class<Payment>("Payment")(
  Schema.Struct({
    status: PaymentStatus,
    /** The amount due: the most that may be captured. */
    amount: Money.Money,
    capturedAmount: Money.Money,
    refundedAmount: Money.Money
  }).pipe(Schema.filter(consistency))
) {
  /** What can still be refunded: captured − refunded. */
  get refundable(): Money.Money {
    return { amount: this.capturedAmount.amount - this.refundedAmount.amount, currency: this.amount.currency }
  }
}

/** A payment after an operation, with the transition that produced it. */
export interface PaymentChange {
  readonly payment: Payment
  readonly transition: PaymentTransition
}

/** A capture larger than the amount due. */
export class CaptureExceedsAmount extends Schema.TaggedError<CaptureExceedsAmount>()("CaptureExceedsAmount", {
  requested: Money.Money,
  amount: Money.Money
}) {
  override get message(): string {
    return `Capture of ${this.requested.amount} exceeds the amount due of ${this.amount.amount} ${this.amount.currency}`
  }
}

/** A refund of zero or less. */
export class InvalidRefundAmount extends Schema.TaggedError<InvalidRefundAmount>()("InvalidRefundAmount", {
  requested: Money.Money
}) {
  override get message(): string {
    return `A refund must be positive, got ${this.requested.amount} ${this.requested.currency}`
  }
}

/** A refund larger than what remains refundable (captured − already refunded). */
export class RefundExceedsCaptured extends Schema.TaggedError<RefundExceedsCaptured>()("RefundExceedsCaptured", {
  requested: Money.Money,
  refundable: Money.Money,
  captured: Money.Money
}) {
  override get message(): string {
    return `Refund of ${this.requested.amount} exceeds the refundable amount of ${this.refundable.amount}`
  }
}

const move = (
  payment: Payment,
  to: PaymentStatus,
  amounts: { readonly capturedAmount?: Money.Money; readonly refundedAmount?: Money.Money }
): Either.Either<PaymentChange, StateMachine.IllegalTransition> =>
  Either.map(StateMachine.transition(machine, payment.status, to), (transition) => ({
    payment: new Payment({ ...payment, ...amounts, status: to }),
    transition
  }))

/** A new PENDING payment of `amount` (which must not be negative). */
export const create = (amount: Money.Money): Either.Either<Payment, Money.NegativeAmount> =>
  Either.map(
    Money.nonNegative(amount, "payment amount"),
    (due) =>
      new Payment({
        status: machine.initial,
        amount: due,
        capturedAmount: Money.zero(due.currency),
        refundedAmount: Money.zero(due.currency)
      })
  )

/**
 * PENDING → PAID: the payment was captured, by default in full. Emits
 * `payment.confirmed` and `order.paid`.
 */
export const confirm = (
  payment: Payment,
  captured: Money.Money = payment.amount
): Either.Either<
  PaymentChange,
  StateMachine.IllegalTransition | Money.CurrencyMismatch | Money.NegativeAmount | CaptureExceedsAmount
> =>
  Either.gen(function* () {
    const transition = yield* StateMachine.transition(machine, payment.status, "PAID")
    yield* Money.assertCurrency(captured, payment.amount.currency, "capture")
    yield* Money.nonNegative(captured, "captured amount")
    if (captured.amount > payment.amount.amount) {
      return yield* Either.left(new CaptureExceedsAmount({ requested: captured, amount: payment.amount }))
    }
    return { payment: new Payment({ ...payment, status: "PAID", capturedAmount: captured }), transition }
  })

/** PENDING → FAILED: the attempt failed. Emits `payment.failed`. */
export const fail = (payment: Payment): Either.Either<PaymentChange, StateMachine.IllegalTransition> =>
  move(payment, "FAILED", {})

/** FAILED → PENDING: the customer starts a new attempt. */
export const retry = (payment: Payment): Either.Either<PaymentChange, StateMachine.IllegalTransition> =>
  move(payment, "PENDING", {})

/**
 * Refunds `amount`, or everything still refundable when it is omitted.
 * Ends in REFUNDED when nothing remains refundable, PARTIALLY_REFUNDED
 * otherwise; emits `order.refunded`. Only a PAID or PARTIALLY_REFUNDED payment
 * can be refunded (anything else is an `IllegalTransition`), a refund must be
 * positive, in the payment's currency, and at most captured − refunded.
 */
export const refund = (
  payment: Payment,
  amount?: Money.Money
): Either.Either<
  PaymentChange & { readonly refunded: Money.Money },
  StateMachine.IllegalTransition | Money.CurrencyMismatch | InvalidRefundAmount | RefundExceedsCaptured
> =>
  Either.gen(function* () {
    const refundable = payment.refundable
    const requested = amount ?? refundable
    const to: PaymentStatus = requested.amount === refundable.amount ? "REFUNDED" : "PARTIALLY_REFUNDED"
    const transition = yield* StateMachine.transition(machine, payment.status, to)
    yield* Money.assertCurrency(requested, payment.amount.currency, "refund")
    if (requested.amount <= 0) return yield* Either.left(new InvalidRefundAmount({ requested }))
    if (requested.amount > refundable.amount) {
      return yield* Either.left(new RefundExceedsCaptured({ requested, refundable, captured: payment.capturedAmount }))
    }
    const refundedAmount = { amount: payment.refundedAmount.amount + requested.amount, currency: refundable.currency }
    return { payment: new Payment({ ...payment, status: to, refundedAmount }), transition, refunded: requested }
  })
