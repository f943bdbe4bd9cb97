import { describe, expect, it } from "@effect/vitest"
import type { Money } from "@shopvo/pricing"
import { Effect, Either, FastCheck as fc, Option, Schema } from "effect"
import { Checkout, StateMachine } from "../src/index.js"

const eur = (amount: number): Money.Money => ({ amount, currency: "EUR" })
const email = Checkout.Email.make("jane@example.com")
const address: Checkout.Address = {
  firstName: "Jane",
  lastName: "Smith",
  line1: "Ermou 25",
  city: "Athens",
  country: "GR"
}
const option = Checkout.ShippingOptionId.make("ship_standard")
const authorised = (amount: Money.Money) => new Checkout.PaymentAuthorisation({ reference: "pi_123", amount })

const start = (total = eur(7137)) => Either.getOrThrow(Checkout.start(total))

/** A session at `state`, reached through the public API with everything it needs. */
const at = (state: Checkout.CheckoutState, total = eur(7137)): Checkout.Checkout => {
  let checkout = Either.getOrThrow(
    Checkout.edit(start(total), {
      email,
      shippingAddress: address,
      shippingOptionId: option,
      payment: authorised(total)
    })
  )
  for (const step of Checkout.steps.slice(1, Checkout.stepIndex(state) + 1)) {
    checkout = Either.getOrThrow(Checkout.transition(checkout, step))
  }
  return checkout
}

const tagOf = <A, E extends { readonly _tag: string }>(result: Either.Either<A, E>): string =>
  Either.isLeft(result) ? result.left._tag : "Right"

describe("Checkout", () => {
  describe("forward, one step at a time", () => {
    it("walks init → contact → shipping → payment → review → complete as data arrives", () => {
      let checkout = start()
      expect(checkout.state).toBe("init")
      checkout = Either.getOrThrow(Checkout.advance(checkout))
      expect(checkout.state).toBe("contact")
      checkout = Either.getOrThrow(Checkout.update(checkout, { patch: { email }, to: "shipping" }))
      expect(checkout.state).toBe("shipping")
      checkout = Either.getOrThrow(
        Checkout.update(checkout, { patch: { shippingAddress: address, shippingOptionId: option }, to: "payment" })
      )
      checkout = Either.getOrThrow(
        Checkout.update(checkout, { patch: { payment: authorised(eur(7137)) }, to: "review" })
      )
      checkout = Either.getOrThrow(Checkout.transition(checkout, "complete"))
      expect(checkout.state).toBe("complete")
      expect(Option.getOrThrow(checkout.email)).toBe("jane@example.com")
    })

    it("skipping a step is an IllegalTransition naming both states, even with all the data", () => {
      const result = Checkout.transition(at("contact"), "payment")
      expect(Either.isLeft(result) && result.left).toMatchObject({
        _tag: "IllegalTransition",
        machine: "checkout",
        from: "contact",
        to: "payment"
      })
      expect(Either.isLeft(result) && result.left.message).toBe(
        `Illegal checkout transition from "contact" to "payment" (allowed from "contact": "shipping", "init")`
      )
    })

    it.each([
      ["contact", "shipping", {}, ["email"]],
      ["shipping", "payment", { email }, ["shipping_address", "shipping_option"]],
      ["shipping", "payment", { email, shippingAddress: address }, ["shipping_option"]],
      ["payment", "review", { email, shippingAddress: address, shippingOptionId: option }, ["authorised_payment"]]
    ] as const)("%s → %s without the data is MissingCheckoutData naming it", (from, to, patch, missing) => {
      let checkout = Either.getOrThrow(Checkout.edit(start(), patch))
      for (const step of Checkout.steps.slice(1, Checkout.stepIndex(from) + 1)) {
        checkout = new Checkout.Checkout({ ...checkout, state: step })
      }
      const result = Checkout.transition(checkout, to)
      expect(Either.isLeft(result) && result.left).toMatchObject({ _tag: "MissingCheckoutData", state: to, missing })
    })

    it("names what is missing in the message", () => {
      const withEmail = Either.getOrThrow(Checkout.edit(start(), { email }))
      const result = Checkout.transition(new Checkout.Checkout({ ...withEmail, state: "shipping" }), "payment")
      expect(Either.isLeft(result) && result.left.message).toBe(
        `Checkout cannot enter "payment": missing a shipping address, a shipping option`
      )
    })

    it("a zero total needs no payment", () => {
      const free = Either.getOrThrow(
        Checkout.edit(start(eur(0)), { email, shippingAddress: address, shippingOptionId: option })
      )
      let checkout = free
      for (const step of ["contact", "shipping", "payment", "review", "complete"] as const) {
        checkout = Either.getOrThrow(Checkout.transition(checkout, step))
      }
      expect(checkout.state).toBe("complete")
    })

    it("an authorisation that no longer covers the total is PaymentDoesNotCoverTotal", () => {
      const payment = at("payment")
      const raised = Either.getOrThrow(Checkout.edit(payment, { total: eur(8000) }))
      const result = Checkout.transition(raised, "review")
      expect(Either.isLeft(result) && result.left).toMatchObject({
        _tag: "PaymentDoesNotCoverTotal",
        authorised: eur(7137),
        total: eur(8000)
      })
      const otherCurrency = Either.getOrThrow(
        Checkout.edit(payment, { payment: authorised({ amount: 7137, currency: "USD" }) })
      )
      expect(tagOf(Checkout.transition(otherCurrency, "review"))).toBe("PaymentDoesNotCoverTotal")
      const lowered = Either.getOrThrow(Checkout.edit(payment, { total: eur(5000) }))
      expect(tagOf(Checkout.transition(lowered, "review"))).toBe("Right")
    })
  })

  describe("back to edit", () => {
    it("goes back from any step but complete to any earlier step", () => {
      for (const from of Checkout.steps) {
        for (const to of Checkout.steps.slice(0, Checkout.stepIndex(from))) {
          const result = Checkout.transition(at(from), to)
          expect(tagOf(result)).toBe(from === "complete" ? "IllegalTransition" : "Right")
        }
      }
    })

    it("locks data collected by earlier steps until the session goes back", () => {
      const review = at("review")
      const locked = Checkout.edit(review, { shippingOptionId: Checkout.ShippingOptionId.make("ship_express") })
      expect(Either.isLeft(locked) && locked.left).toMatchObject({
        _tag: "CheckoutFieldLocked",
        field: "shippingOptionId",
        step: "shipping",
        state: "review"
      })
      // Back to shipping, change the option and the total in one update; coming
      // forward again re-checks the payment against the new total.
      const edited = Either.getOrThrow(
        Checkout.update(review, {
          to: "shipping",
          patch: { shippingOptionId: Checkout.ShippingOptionId.make("ship_express"), total: eur(7637) }
        })
      )
      expect(edited.state).toBe("shipping")
      const atPayment = Either.getOrThrow(Checkout.advance(edited))
      expect(tagOf(Checkout.advance(atPayment))).toBe("PaymentDoesNotCoverTotal")
      const reauthorised = Either.getOrThrow(
        Checkout.update(atPayment, { patch: { payment: authorised(eur(7637)) }, to: "review" })
      )
      expect(reauthorised.state).toBe("review")
    })

    it("clears a field with null", () => {
      const contact = Either.getOrThrow(Checkout.edit(at("contact"), { email: null }))
      expect(Option.isNone(contact.email)).toBe(true)
      expect(Checkout.missing(contact, "shipping")).toEqual(["email"])
    })

    it("refuses a negative total", () => {
      expect(tagOf(Checkout.start(eur(-1)))).toBe("NegativeAmount")
      expect(tagOf(Checkout.edit(at("payment"), { total: eur(-1) }))).toBe("NegativeAmount")
    })

    it("update to the current state only edits", () => {
      const updated = Either.getOrThrow(
        Checkout.update(at("contact"), { to: "contact", patch: { email: Checkout.Email.make("j@example.org") } })
      )
      expect(updated.state).toBe("contact")
      expect(Option.getOrThrow(updated.email)).toBe("j@example.org")
    })
  })

  describe("complete is final", () => {
    it("refuses every move and every edit", () => {
      const complete = at("complete")
      for (const to of Checkout.steps) {
        expect(Checkout.transition(complete, to)).toMatchObject({
          _tag: "Left",
          left: { _tag: "IllegalTransition", from: "complete", to }
        })
      }
      expect(tagOf(Checkout.advance(complete))).toBe("IllegalTransition")
      const edit = Checkout.edit(complete, { email })
      expect(Either.isLeft(edit) && edit.left.message).toBe("Checkout is complete: email can no longer change")
    })
  })

  describe("schemas", () => {
    it("decode the API's JSON: nulls become Option.none, addresses are trimmed and checked", () => {
      const decoded = Schema.decodeUnknownSync(Checkout.Checkout)({
        state: "shipping",
        total: { amount: 7137, currency: "EUR" },
        email: "jane@example.com",
        shippingAddress: { ...address, line1: "  Ermou 25 ", company: null },
        shippingOptionId: null,
        payment: null
      })
      expect(decoded.state).toBe("shipping")
      expect(Option.getOrThrow(decoded.shippingAddress).line1).toBe("Ermou 25")
      expect(Option.isNone(decoded.shippingOptionId)).toBe(true)
      const bad = Schema.decodeUnknownEither(Checkout.CheckoutPatch)({ email: "not an email" })
      expect(Either.isLeft(bad)).toBe(true)
      expect(Either.isLeft(Schema.decodeUnknownEither(Checkout.Address)({ ...address, country: "Greece" }))).toBe(true)
    })
  })

  it.effect("composes in Effect.gen, failing with typed errors", () =>
    Effect.gen(function* () {
      const contact = yield* Checkout.advance(start())
      const error = yield* Effect.flip(Checkout.advance(contact))
      expect(error._tag).toBe("MissingCheckoutData")
      const recovered = yield* Checkout.transition(contact, "review").pipe(
        Effect.catchTag("IllegalTransition", (e) => Effect.succeed(`${e.from}->${e.to}`))
      )
      expect(recovered).toBe("contact->review")
    })
  )

  describe("properties", () => {
    const arbState = fc.constantFrom(...Checkout.steps)
    const arbAmount = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100_000 }))
    const arbMoney = fc.record({
      amount: arbAmount,
      currency: fc.constantFrom<Money.Money["currency"]>("EUR", "EUR", "EUR", "USD")
    })
    // Values are present more often than cleared, so that walks get deep.
    const presentOrNull = <A>(value: A) => fc.constantFrom<A | null>(value, value, value, null)
    const arbField: fc.Arbitrary<Checkout.CheckoutPatch> = fc.oneof(
      presentOrNull(email).map((email) => ({ email })),
      presentOrNull(address).map((shippingAddress) => ({ shippingAddress })),
      presentOrNull(option).map((shippingOptionId) => ({ shippingOptionId })),
      fc.option(arbMoney.map(authorised), { nil: null, freq: 4 }).map((payment) => ({ payment })),
      arbMoney.map((m) => ({ total: { ...m, currency: "EUR" as const } }))
    )
    // Mostly one field at a time (as a storefront edits), sometimes several at once.
    const arbPatch: fc.Arbitrary<Checkout.CheckoutPatch> = fc.oneof(
      { arbitrary: arbField, weight: 4 },
      { arbitrary: fc.array(arbField, { minLength: 2, maxLength: 4 }).map((ps) => Object.assign({}, ...ps)), weight: 1 }
    )
    type Op =
      | { readonly move: Checkout.CheckoutState }
      | { readonly patch: Checkout.CheckoutPatch }
      | "advance"
      | "authoriseTotal"
    // Attempted moves to any state (legal or not), attempted advances, edits,
    // and authorising exactly the current total (as a payment provider would).
    const arbOps = fc.array(
      fc.oneof(
        { arbitrary: arbState.map((move): Op => ({ move })), weight: 2 },
        { arbitrary: fc.constant<Op>("advance"), weight: 4 },
        { arbitrary: arbPatch.map((patch): Op => ({ patch })), weight: 3 },
        { arbitrary: fc.constant<Op>("authoriseTotal"), weight: 1 }
      ),
      { minLength: 10, maxLength: 80, size: "max" }
    )
    // Whether each random walk below reached `complete`: checked afterwards so
    // that the walks are known to explore the whole machine, not just its start.
    const reached: Array<boolean> = []
    const apply = (
      checkout: Checkout.Checkout,
      op: Op
    ): {
      readonly to: Checkout.CheckoutState | undefined
      readonly result: Either.Either<Checkout.Checkout, { readonly _tag: string }>
    } => {
      if (op === "advance") {
        const to = Option.getOrElse(Checkout.nextStep(checkout.state), () => checkout.state)
        return { to, result: Checkout.advance(checkout) }
      }
      if (op === "authoriseTotal") {
        return { to: undefined, result: Checkout.edit(checkout, { payment: authorised(checkout.total) }) }
      }
      return "move" in op
        ? { to: op.move, result: Checkout.transition(checkout, op.move) }
        : { to: undefined, result: Checkout.edit(checkout, op.patch) }
    }

    it.prop(
      "random sequences from init only ever move along the table, and every state holds what it requires",
      [arbAmount, arbOps],
      ([total, ops]) => {
        let checkout = start(eur(total))
        const visited = new Set<Checkout.CheckoutState>([checkout.state])
        for (const op of ops) {
          const before = checkout
          const { result, to } = apply(before, op)
          if (to !== undefined) {
            const legal = StateMachine.canTransition(Checkout.machine, before.state, to)
            if (Either.isRight(result)) {
              expect(legal).toBe(true)
              checkout = result.right
              expect(checkout.state).toBe(to)
            } else if (!legal) {
              expect(result.left).toMatchObject({ _tag: "IllegalTransition", from: before.state, to })
            } else {
              expect(["MissingCheckoutData", "PaymentDoesNotCoverTotal"]).toContain(result.left._tag)
            }
          } else if (Either.isRight(result)) {
            checkout = result.right
            expect(checkout.state).toBe(before.state)
          } else {
            expect(["CheckoutFieldLocked", "NegativeAmount"]).toContain(result.left._tag)
          }
          expect(Checkout.satisfies(checkout, checkout.state)).toBe(true)
          if (before.state === "complete") expect(checkout).toEqual(before)
          visited.add(checkout.state)
        }
        reached.push(visited.has("complete"))
      },
      { fastCheck: { numRuns: 300 } }
    )

    it("those random walks do reach complete (the property above is not vacuous)", () => {
      expect(reached.length).toBeGreaterThan(0)
      expect(reached.filter(Boolean).length).toBeGreaterThan(reached.length / 10)
    })

    it.prop("no step can be skipped forward, whatever the data", [arbState, arbState], ([from, to]) => {
      fc.pre(Checkout.stepIndex(to) > Checkout.stepIndex(from) + 1)
      expect(tagOf(Checkout.transition(at(from), to))).toBe("IllegalTransition")
    })

    it.prop(
      "every state is reachable from init with the data it needs",
      [arbState, fc.constantFrom(0, 1, 7137)],
      ([state, total]) => {
        expect(at(state, eur(total)).state).toBe(state)
      }
    )

    it.prop("complete is absorbing: every attempted move or edit leaves it unchanged", [arbOps], ([ops]) => {
      const complete = at("complete")
      for (const op of ops) {
        const { result } = apply(complete, op)
        const changesSomething =
          typeof op === "string" || "move" in op || Object.values(op.patch).some((v) => v !== undefined)
        if (changesSomething) expect(Either.isLeft(result)).toBe(true)
        else expect(Either.getOrThrow(result)).toEqual(complete)
      }
    })
  })
})

describe("Checkout of only digital lines (shipsGoods: false)", () => {
  const digital = (total = eur(1500)) => new Checkout.Checkout({ ...start(total), shipsGoods: false })

  it("walks every step with an email and a payment, and no address nor option", () => {
    let checkout = Either.getOrThrow(Checkout.update(digital(), { patch: { email }, to: "contact" }))
    for (const step of ["shipping", "payment"] as const) {
      checkout = Either.getOrThrow(Checkout.transition(checkout, step))
    }
    checkout = Either.getOrThrow(Checkout.update(checkout, { patch: { payment: authorised(eur(1500)) }, to: "review" }))
    checkout = Either.getOrThrow(Checkout.transition(checkout, "complete"))
    expect(checkout.state).toBe("complete")
    expect(Option.isNone(checkout.shippingAddress)).toBe(true)
    expect(checkout.shipsGoods).toBe(false)
  })

  it("still needs the email and the payment", () => {
    const noEmail = Checkout.transition(Either.getOrThrow(Checkout.transition(digital(), "contact")), "shipping")
    expect(noEmail).toMatchObject({ left: { _tag: "MissingCheckoutData", missing: ["email"] } })
    expect(Checkout.requirementsOf(digital(), "complete")).toEqual(["email", "authorised_payment"])
  })

  it("a session that ships goods keeps every requirement (the default)", () => {
    expect(start().shipsGoods).toBe(true)
    expect(Checkout.requirementsOf(start(), "payment")).toEqual(["email", "shipping_address", "shipping_option"])
    const result = Checkout.update(start(), { patch: { email }, to: "contact" }).pipe(
      Either.flatMap((c) => Checkout.transition(c, "shipping")),
      Either.flatMap((c) => Checkout.transition(c, "payment"))
    )
    expect(result).toMatchObject({
      left: { _tag: "MissingCheckoutData", missing: ["shipping_address", "shipping_option"] }
    })
  })

  it("edits keep the flag", () => {
    const edited = Either.getOrThrow(Checkout.edit(digital(), { email }))
    expect(edited.shipsGoods).toBe(false)
  })
})
