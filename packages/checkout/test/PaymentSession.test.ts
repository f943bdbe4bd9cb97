import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck as fc } from "effect"
import { PaymentSession, StateMachine } from "../src/index.js"

const created = (amount = 5998) => Either.getOrThrow(PaymentSession.create(amount))
const authorized = (amount = 5998) => Either.getOrThrow(PaymentSession.resolve(created(amount), "authorized")).session
const captured = (amount = 5998, capture = amount) =>
  Either.getOrThrow(PaymentSession.capture(authorized(amount), capture)).session

const tagOf = <A, E extends { readonly _tag: string }>(result: Either.Either<A, E>): string =>
  Either.isLeft(result) ? result.left._tag : "Right"

describe("PaymentSession", () => {
  it("the transitions table is closed and every status is reachable", () => {
    expect(Either.isRight(StateMachine.validate(PaymentSession.machine))).toBe(true)
  })

  it("a new session awaits confirmation; its amount must be a positive integer", () => {
    expect(created()).toMatchObject({ status: "requires_confirmation", amount: 5998, captured: 0, refunded: 0 })
    expect(tagOf(PaymentSession.create(0))).toBe("InvalidAmount")
    expect(tagOf(PaymentSession.create(12.5))).toBe("InvalidAmount")
  })

  it("confirm: authorized, requires_action, failed (payment.failed), or succeeded at once (payment.succeeded)", () => {
    const session = created()
    expect(Either.getOrThrow(PaymentSession.resolve(session, "authorized")).transition.events).toEqual([])
    expect(Either.getOrThrow(PaymentSession.resolve(session, "requires_action")).session.status).toBe("requires_action")
    const failed = Either.getOrThrow(PaymentSession.resolve(session, "failed"))
    expect(failed.transition.events).toEqual(["payment.failed"])
    // A failed attempt can be confirmed again.
    expect(Either.getOrThrow(PaymentSession.resolve(failed.session, "authorized")).session.status).toBe("authorized")
    const received = Either.getOrThrow(PaymentSession.resolve(session, "succeeded"))
    expect(received.session).toMatchObject({ status: "succeeded", captured: 5998 })
    expect(received.transition.events).toEqual(["payment.succeeded"])
    expect(tagOf(PaymentSession.resolve(authorized(), "authorized"))).toBe("OperationNotAllowed")
  })

  it("a late answer resolves only a session that requires action", () => {
    const pending = Either.getOrThrow(PaymentSession.resolve(created(), "requires_action")).session
    const late = Either.getOrThrow(PaymentSession.resolve(pending, "failed", { late: true }))
    expect(late.session.status).toBe("failed")
    expect(late.transition.events).toEqual(["payment.failed"])
    expect(tagOf(PaymentSession.resolve(late.session, "authorized", { late: true }))).toBe("IllegalTransition")
    expect(tagOf(PaymentSession.resolve(created(), "authorized", { late: true }))).toBe("IllegalTransition")
  })

  it("capture: full or partial, never above the amount, only once and only when authorized", () => {
    const partial = Either.getOrThrow(PaymentSession.capture(authorized(), 4000))
    expect(partial.session).toMatchObject({ status: "succeeded", captured: 4000 })
    expect(partial.transition.events).toEqual(["payment.succeeded"])
    expect(tagOf(PaymentSession.capture(authorized(), 5999))).toBe("CaptureExceedsAuthorized")
    expect(tagOf(PaymentSession.capture(authorized(), 0))).toBe("InvalidAmount")
    expect(tagOf(PaymentSession.capture(partial.session))).toBe("OperationNotAllowed")
    expect(tagOf(PaymentSession.capture(created()))).toBe("OperationNotAllowed")
  })

  it("void cancels what captured nothing, and nothing else", () => {
    expect(Either.getOrThrow(PaymentSession.cancel(authorized())).session.status).toBe("canceled")
    expect(Either.getOrThrow(PaymentSession.cancel(created())).session.status).toBe("canceled")
    const result = PaymentSession.cancel(captured())
    expect(tagOf(result)).toBe("OperationNotAllowed")
    if (Either.isLeft(result)) expect(result.left.message).toBe("A succeeded payment session cannot be voided")
  })

  it("refund: partial then the rest ends refunded; never more than captured − refunded", () => {
    const first = Either.getOrThrow(PaymentSession.refund(captured(5998, 5000), 1500))
    expect(first.session).toMatchObject({ status: "partially_refunded", refunded: 1500 })
    expect(tagOf(PaymentSession.refund(first.session, 3501))).toBe("RefundExceedsCaptured")
    const rest = Either.getOrThrow(PaymentSession.refund(first.session))
    expect(rest).toMatchObject({ refunded: 3500, session: { status: "refunded", refunded: 5000 } })
    expect(tagOf(PaymentSession.refund(rest.session, 1))).toBe("OperationNotAllowed")
    expect(tagOf(PaymentSession.refund(authorized(), 1))).toBe("OperationNotAllowed")
    expect(tagOf(PaymentSession.refund(first.session, -1))).toBe("InvalidAmount")
  })

  it("property: any sequence of operations keeps 0 ≤ refunded ≤ captured ≤ amount, refunds summing to at most the capture", () => {
    const operation = fc.oneof(
      fc.record({
        kind: fc.constant("resolve" as const),
        outcome: fc.constantFrom(...(["authorized", "requires_action", "succeeded", "failed"] as const)),
        late: fc.boolean()
      }),
      fc.record({
        kind: fc.constant("capture" as const),
        amount: fc.option(fc.integer({ min: -5, max: 12_000 }), { nil: undefined })
      }),
      fc.record({ kind: fc.constant("void" as const) }),
      fc.record({
        kind: fc.constant("refund" as const),
        amount: fc.option(fc.integer({ min: -5, max: 12_000 }), { nil: undefined })
      })
    )
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.array(operation, { maxLength: 30 }), (amount, operations) => {
        let session = created(amount)
        let refundedSum = 0
        for (const op of operations) {
          const step = (): Either.Either<PaymentSession.Change & { readonly refunded?: number }, unknown> => {
            switch (op.kind) {
              case "resolve":
                return PaymentSession.resolve(session, op.outcome, { late: op.late })
              case "capture":
                return PaymentSession.capture(session, op.amount)
              case "void":
                return PaymentSession.cancel(session)
              case "refund":
                return PaymentSession.refund(session, op.amount)
            }
          }
          const result = step()
          if (Either.isRight(result)) {
            refundedSum += result.right.refunded ?? 0
            session = result.right.session
          }
          expect(0 <= session.refunded && session.refunded <= session.captured && session.captured <= amount).toBe(true)
          expect(session.refunded).toBe(refundedSum)
        }
      })
    )
  })
})
