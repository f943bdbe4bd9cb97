import { describe, expect, it } from "@effect/vitest"
import type { Money } from "@shopvo/pricing"
import { Either, FastCheck as fc, Schema } from "effect"
import { Payment, StateMachine } from "../src/index.js"

const eur = (amount: number): Money.Money => ({ amount, currency: "EUR" })
const pending = (amount = 7137) => Either.getOrThrow(Payment.create(eur(amount)))
const paid = (amount = 7137) => Either.getOrThrow(Payment.confirm(pending(amount))).payment

const tagOf = <A, E extends { readonly _tag: string }>(result: Either.Either<A, E>): string =>
  Either.isLeft(result) ? result.left._tag : "Right"

describe("Payment", () => {
  describe("capture", () => {
    it("PENDING → PAID captures in full by default and emits payment.confirmed and order.paid", () => {
      const { payment, transition } = Either.getOrThrow(Payment.confirm(pending()))
      expect(payment).toMatchObject({ status: "PAID", capturedAmount: eur(7137), refundedAmount: eur(0) })
      expect(transition).toEqual({
        machine: "payment",
        from: "PENDING",
        to: "PAID",
        events: ["payment.confirmed", "order.paid"]
      })
    })

    it("refuses a capture above the amount due, in another currency, or negative", () => {
      expect(tagOf(Payment.confirm(pending(), eur(7138)))).toBe("CaptureExceedsAmount")
      expect(tagOf(Payment.confirm(pending(), { amount: 100, currency: "USD" }))).toBe("CurrencyMismatch")
      expect(tagOf(Payment.confirm(pending(), eur(-1)))).toBe("NegativeAmount")
      expect(tagOf(Payment.create(eur(-1)))).toBe("NegativeAmount")
    })

    it("a failed attempt emits payment.failed, and a new attempt starts from PENDING", () => {
      const failed = Either.getOrThrow(Payment.fail(pending()))
      expect(failed.transition.events).toEqual(["payment.failed"])
      expect(tagOf(Payment.confirm(failed.payment))).toBe("IllegalTransition")
      const retried = Either.getOrThrow(Payment.retry(failed.payment))
      expect(retried.payment.status).toBe("PENDING")
      expect(retried.transition.events).toEqual([])
      expect(Either.getOrThrow(Payment.confirm(retried.payment)).payment.status).toBe("PAID")
    })
  })

  describe("refund", () => {
    it("a full refund ends in REFUNDED and emits order.refunded", () => {
      const result = Either.getOrThrow(Payment.refund(paid()))
      expect(result.refunded).toEqual(eur(7137))
      expect(result.payment).toMatchObject({ status: "REFUNDED", refundedAmount: eur(7137) })
      expect(result.transition).toEqual({
        machine: "payment",
        from: "PAID",
        to: "REFUNDED",
        events: ["order.refunded"]
      })
    })

    it("partial refunds end in PARTIALLY_REFUNDED until the rest is refunded", () => {
      const first = Either.getOrThrow(Payment.refund(paid(), eur(2999)))
      expect(first.payment).toMatchObject({ status: "PARTIALLY_REFUNDED", refundedAmount: eur(2999) })
      expect(first.payment.refundable).toEqual(eur(4138))
      const second = Either.getOrThrow(Payment.refund(first.payment, eur(1000)))
      expect(second.transition).toMatchObject({ from: "PARTIALLY_REFUNDED", to: "PARTIALLY_REFUNDED" })
      const rest = Either.getOrThrow(Payment.refund(second.payment))
      expect(rest.refunded).toEqual(eur(3138))
      expect(rest.payment).toMatchObject({ status: "REFUNDED", refundedAmount: eur(7137) })
    })

    it("refunding exactly what remains is a full refund", () => {
      expect(Either.getOrThrow(Payment.refund(paid(), eur(7137))).payment.status).toBe("REFUNDED")
    })

    it("never refunds more than was captured", () => {
      const result = Payment.refund(paid(), eur(8000))
      expect(Either.isLeft(result) && result.left).toMatchObject({
        _tag: "RefundExceedsCaptured",
        requested: eur(8000),
        refundable: eur(7137),
        captured: eur(7137)
      })
      expect(Either.isLeft(result) && result.left.message).toBe("Refund of 8000 exceeds the refundable amount of 7137")
      const partial = Either.getOrThrow(Payment.confirm(pending(), eur(5000))).payment
      expect(tagOf(Payment.refund(partial, eur(5001)))).toBe("RefundExceedsCaptured")
    })

    it("refuses non-positive amounts and other currencies", () => {
      expect(tagOf(Payment.refund(paid(), eur(0)))).toBe("InvalidRefundAmount")
      expect(tagOf(Payment.refund(paid(), eur(-5)))).toBe("InvalidRefundAmount")
      expect(tagOf(Payment.refund(paid(), { amount: 100, currency: "USD" }))).toBe("CurrencyMismatch")
    })

    it("only a PAID or PARTIALLY_REFUNDED payment can be refunded", () => {
      const result = Payment.refund(pending())
      expect(Either.isLeft(result) && result.left).toMatchObject({ _tag: "IllegalTransition", from: "PENDING" })
      const refunded = Either.getOrThrow(Payment.refund(paid())).payment
      expect(tagOf(Payment.refund(refunded))).toBe("IllegalTransition")
      expect(tagOf(Payment.refund(refunded, eur(1)))).toBe("IllegalTransition")
    })
  })

  describe("schema", () => {
    it("refuses inconsistent payments read back from storage", () => {
      const decode = Schema.decodeUnknownEither(Payment.Payment)
      const base = { amount: eur(100), capturedAmount: eur(100), refundedAmount: eur(0) }
      expect(Either.isRight(decode({ ...base, status: "PAID" }))).toBe(true)
      expect(Either.isLeft(decode({ ...base, status: "PAID", refundedAmount: eur(101) }))).toBe(true)
      expect(Either.isLeft(decode({ ...base, status: "REFUNDED", refundedAmount: eur(50) }))).toBe(true)
      expect(Either.isLeft(decode({ ...base, status: "PARTIALLY_REFUNDED" }))).toBe(true)
      expect(Either.isLeft(decode({ ...base, status: "PENDING" }))).toBe(true)
      expect(Either.isLeft(decode({ ...base, status: "PAID", capturedAmount: { amount: 100, currency: "USD" } }))).toBe(
        true
      )
    })
  })

  describe("properties", () => {
    const arbAmount = fc.integer({ min: -10, max: 20_000 })
    const arbMoney = fc.record({
      amount: arbAmount,
      currency: fc.constantFrom<Money.Money["currency"]>("EUR", "EUR", "EUR", "GBP")
    })
    type Op =
      | { readonly op: "confirm"; readonly captured: Money.Money | undefined }
      | { readonly op: "fail" }
      | { readonly op: "retry" }
      | { readonly op: "refund"; readonly amount: Money.Money | undefined }
    const arbOp: fc.Arbitrary<Op> = fc.oneof(
      fc.option(arbMoney, { nil: undefined }).map((captured) => ({ op: "confirm" as const, captured })),
      fc.constant({ op: "fail" as const }),
      fc.constant({ op: "retry" as const }),
      fc.option(arbMoney, { nil: undefined }).map((amount) => ({ op: "refund" as const, amount })),
      fc.integer({ min: 1, max: 5_000 }).map((amount) => ({ op: "refund" as const, amount: eur(amount) }))
    )

    const statusesSeen = new Set<Payment.PaymentStatus>()
    let partialThenFull = 0

    it.prop(
      "refunds never exceed what was captured, under any sequence of operations",
      [fc.integer({ min: 0, max: 20_000 }), fc.array(arbOp, { minLength: 5, maxLength: 40, size: "max" })],
      ([due, ops]) => {
        let payment = pending(due)
        let refundedSum = 0
        const seen = new Set<Payment.PaymentStatus>()
        for (const op of ops) {
          const result: Either.Either<
            Payment.PaymentChange & { readonly refunded?: Money.Money },
            { readonly _tag: string }
          > =
            op.op === "confirm"
              ? Payment.confirm(payment, op.captured)
              : op.op === "fail"
                ? Payment.fail(payment)
                : op.op === "retry"
                  ? Payment.retry(payment)
                  : Payment.refund(payment, op.amount)
          if (Either.isRight(result)) {
            const { transition } = result.right
            expect(StateMachine.canTransition(Payment.machine, payment.status, transition.to)).toBe(true)
            expect(transition.from).toBe(payment.status)
            const { refunded } = result.right
            if (refunded !== undefined) {
              refundedSum += refunded.amount
              expect(refunded.amount).toBeGreaterThan(0)
              expect(transition.events).toEqual(["order.refunded"])
            }
            payment = result.right.payment
          } else if (payment.status === "REFUNDED") {
            expect(result.left._tag).toBe("IllegalTransition")
          }
          const { amount, capturedAmount, refundedAmount } = payment
          expect(refundedAmount.amount).toBe(refundedSum)
          expect(0 <= refundedAmount.amount && refundedAmount.amount <= capturedAmount.amount).toBe(true)
          expect(capturedAmount.amount <= amount.amount).toBe(true)
          expect(Schema.is(Payment.Payment)(payment)).toBe(true)
          if (payment.status === "REFUNDED") expect(refundedAmount).toEqual(capturedAmount)
          if (payment.status === "PARTIALLY_REFUNDED") expect(refundedAmount.amount).toBeLessThan(capturedAmount.amount)
          seen.add(payment.status)
          statusesSeen.add(payment.status)
        }
        if (seen.has("PARTIALLY_REFUNDED") && seen.has("REFUNDED")) partialThenFull++
      },
      { fastCheck: { numRuns: 300 } }
    )

    it("those sequences do reach every status (the property above is not vacuous)", () => {
      expect([...statusesSeen].sort()).toEqual([...Payment.PaymentStatus.literals].sort())
      expect(partialThenFull).toBeGreaterThan(0)
    })

    it.prop(
      "a full refund ends in REFUNDED, any partial one in PARTIALLY_REFUNDED",
      [fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 1_000_000 })],
      ([captured, requested]) => {
        const result = Payment.refund(paid(captured), eur(requested))
        if (requested > captured) expect(tagOf(result)).toBe("RefundExceedsCaptured")
        else {
          expect(Either.getOrThrow(result).payment.status).toBe(
            requested === captured ? "REFUNDED" : "PARTIALLY_REFUNDED"
          )
        }
      }
    )
  })
})
