/**
 * The checkout session: a state machine over the steps
 *
 *     init → contact → shipping → payment → review → complete
 *
 * plus the data each step collects.
 *
 * Invariants (from the tables below, property-tested):
 * - forward, one step at a time: a session can only move to the next step,
 *   and only when everything the steps before it collect is present (to enter
 *   `shipping`, an email; `payment`, also an address and a shipping option;
 *   `review` and `complete`, also an authorised payment covering the total, or
 *   a zero total);
 * - back to any earlier step, from any step but `complete`, to edit;
 * - `complete` is final: no move and no edit leaves it;
 * - a session that ships nothing (`shipsGoods: false`: only digital lines)
 *   needs no shipping address nor option at any step; it still passes through
 *   the `shipping` step, which then collects nothing;
 * - so every session in state S holds what S requires: the requirements are
 *   cumulative and checked on the way in, and data collected by a step can
 *   only be edited while the session is at that step or before it. Changing
 *   the shipping option in `review` therefore means going back to `shipping`,
 *   and coming forward again re-checks that the payment still covers the total.
 *
 * Failures are typed: `IllegalTransition` names both states, `MissingCheckoutData`
 * names what is missing, `PaymentDoesNotCoverTotal` and `CheckoutFieldLocked`
 * say why. Checkout moves emit no webhook events; the order created from a
 * complete checkout does (`Order.create`).
 */
import { Money } from "@shopvo/pricing"
import { Either, Option, Schema } from "effect"
import * as StateMachine from "./StateMachine.js"

// ---------------------------------------------------------------------------
// States and transitions
// ---------------------------------------------------------------------------

/** The steps of a checkout, in order. */
export const CheckoutState = Schema.Literal("init", "contact", "shipping", "payment", "review", "complete")
export type CheckoutState = typeof CheckoutState.Type

/** The steps in order. */
export const steps: ReadonlyArray<CheckoutState> = CheckoutState.literals

/**
 * The checkout lifecycle: one step forward, or back to any earlier step
 * (including `init`, the session as created from the cart), never out of
 * `complete`.
 */
export const machine: StateMachine.StateMachine<CheckoutState> = StateMachine.make<CheckoutState>({
  name: "checkout",
  states: CheckoutState.literals,
  initial: "init",
  initialEvents: [],
  transitions: {
    init: { contact: [] },
    contact: { shipping: [], init: [] },
    shipping: { payment: [], init: [], contact: [] },
    payment: { review: [], init: [], contact: [], shipping: [] },
    review: { complete: [], init: [], contact: [], shipping: [], payment: [] },
    complete: {}
  }
})

/** Position of a step in `steps`. */
export const stepIndex = (state: CheckoutState): number => steps.indexOf(state)

/** The step after `state`, if any. */
export const nextStep = (state: CheckoutState): Option.Option<CheckoutState> =>
  Option.fromNullable(steps[stepIndex(state) + 1])

// ---------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------

/** A contact email address (a pragmatic check: local@domain.tld, no spaces, at most 254 characters). */
export const Email = Schema.String.pipe(
  Schema.maxLength(254),
  Schema.pattern(/^[^\s@]+@[^\s@]+\.[^\s@]+$/),
  Schema.brand("Email")
)
export type Email = typeof Email.Type

const optionalText = (max: number) => Schema.optional(Schema.NullOr(Schema.String.pipe(Schema.maxLength(max))))
const requiredText = (max: number) => Schema.Trim.pipe(Schema.minLength(1), Schema.maxLength(max))

/** A postal address, as the API's `Address`. */
export const Address = Schema.Struct({
  firstName: requiredText(100),
  lastName: requiredText(100),
  company: optionalText(200),
  line1: requiredText(200),
  line2: optionalText(200),
  city: requiredText(100),
  region: optionalText(100),
  postalCode: optionalText(20),
  /** ISO 3166-1 alpha-2. */
  country: Schema.String.pipe(Schema.pattern(/^[A-Z]{2}$/)),
  phone: optionalText(40)
}).annotations({ identifier: "Address" })
export type Address = typeof Address.Type

/** The id of the shipping option the customer chose. */
export const ShippingOptionId = Schema.NonEmptyTrimmedString.pipe(Schema.brand("ShippingOptionId"))
export type ShippingOptionId = typeof ShippingOptionId.Type

/**
 * A payment authorised by the payment provider for this checkout. Its
 * presence means "authorised"; a declined attempt is simply not recorded.
 */
export class PaymentAuthorisation extends Schema.Class<PaymentAuthorisation>("PaymentAuthorisation")({
  /** The provider's reference of the authorisation. */
  reference: Schema.NonEmptyTrimmedString,
  amount: Money.Money
}) {}

/** A checkout session: its step, the total to pay, and what the steps have collected so far. */
export class Checkout extends Schema.Class<Checkout>("Checkout")({
  state: CheckoutState,
  /** The amount to pay, as priced by @shopvo/pricing; never negative. */
  total: Money.Money,
  email: Schema.OptionFromNullOr(Email),
  shippingAddress: Schema.OptionFromNullOr(Address),
  shippingOptionId: Schema.OptionFromNullOr(ShippingOptionId),
  payment: Schema.OptionFromNullOr(PaymentAuthorisation),
  /** Whether any line is shipped; a session of only digital lines needs no address nor option. */
  shipsGoods: Schema.optionalWith(Schema.Boolean, { default: () => true })
}) {}

// ---------------------------------------------------------------------------
// Requirements and field ownership, as data
// ---------------------------------------------------------------------------

/** Something a step needs before the checkout may enter it. */
export const Requirement = Schema.Literal("email", "shipping_address", "shipping_option", "authorised_payment")
export type Requirement = typeof Requirement.Type

/**
 * What must be present for a session to be in each state. Cumulative: each
 * step adds what the step before it collects.
 */
export const requirements: { readonly [S in CheckoutState]: ReadonlyArray<Requirement> } = {
  init: [],
  contact: [],
  shipping: ["email"],
  payment: ["email", "shipping_address", "shipping_option"],
  review: ["email", "shipping_address", "shipping_option", "authorised_payment"],
  complete: ["email", "shipping_address", "shipping_option", "authorised_payment"]
}

/** A piece of data a step collects. */
export const Field = Schema.Literal("email", "shippingAddress", "shippingOptionId", "payment", "total")
export type Field = typeof Field.Type

/**
 * The step that collects each field. A field can be edited while the session
 * is at that step or an earlier one; later, it is locked until the session
 * goes back. The total belongs to `payment` because the payment step is where
 * it is checked against the authorisation.
 */
export const fieldStep: { readonly [F in Field]: CheckoutState } = {
  email: "contact",
  shippingAddress: "shipping",
  shippingOptionId: "shipping",
  payment: "payment",
  total: "payment"
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

const requirementText: { readonly [R in Requirement]: string } = {
  email: "an email",
  shipping_address: "a shipping address",
  shipping_option: "a shipping option",
  authorised_payment: "an authorised payment"
}

/** The checkout cannot enter `state` because data collected by earlier steps is missing. */
export class MissingCheckoutData extends Schema.TaggedError<MissingCheckoutData>()("MissingCheckoutData", {
  state: CheckoutState,
  missing: Schema.NonEmptyArray(Requirement)
}) {
  override get message(): string {
    return `Checkout cannot enter "${this.state}": missing ${this.missing.map((r) => requirementText[r]).join(", ")}`
  }
}

/** The authorised payment is for less than the total, or in another currency (the total changed since). */
export class PaymentDoesNotCoverTotal extends Schema.TaggedError<PaymentDoesNotCoverTotal>()(
  "PaymentDoesNotCoverTotal",
  { authorised: Money.Money, total: Money.Money }
) {
  override get message(): string {
    return `The authorised payment of ${this.authorised.amount} ${this.authorised.currency} does not cover the total of ${this.total.amount} ${this.total.currency}`
  }
}

/** A field was edited after the step that collects it; go back to `step` first. */
export class CheckoutFieldLocked extends Schema.TaggedError<CheckoutFieldLocked>()("CheckoutFieldLocked", {
  field: Field,
  step: CheckoutState,
  state: CheckoutState
}) {
  override get message(): string {
    return this.state === "complete"
      ? `Checkout is complete: ${this.field} can no longer change`
      : `${this.field} can only change at the "${this.step}" step or before; the checkout is at "${this.state}"`
  }
}

// ---------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------

/** A new session at `init` for a cart whose total is `total` (not negative). */
export const start = (total: Money.Money): Either.Either<Checkout, Money.NegativeAmount> =>
  Either.map(
    Money.nonNegative(total, "checkout total"),
    (total) =>
      new Checkout({
        state: machine.initial,
        total,
        email: Option.none(),
        shippingAddress: Option.none(),
        shippingOptionId: Option.none(),
        payment: Option.none()
      })
  )

const covers = (authorisation: PaymentAuthorisation, total: Money.Money): boolean =>
  authorisation.amount.currency === total.currency && authorisation.amount.amount >= total.amount

const present = (checkout: Checkout, requirement: Requirement): boolean => {
  switch (requirement) {
    case "email":
      return Option.isSome(checkout.email)
    case "shipping_address":
      return Option.isSome(checkout.shippingAddress)
    case "shipping_option":
      return Option.isSome(checkout.shippingOptionId)
    case "authorised_payment":
      // A zero total needs no payment; otherwise any authorisation counts as
      // present here, and whether it covers the total is checked separately.
      return checkout.total.amount === 0 || Option.isSome(checkout.payment)
  }
}

/** What is only needed to ship goods. */
const shippingRequirements: ReadonlySet<Requirement> = new Set(["shipping_address", "shipping_option"])

/** What `checkout` needs to be in `state`: `requirements`, less shipping when it ships nothing. */
export const requirementsOf = (checkout: Checkout, state: CheckoutState): ReadonlyArray<Requirement> =>
  checkout.shipsGoods ? requirements[state] : requirements[state].filter((r) => !shippingRequirements.has(r))

/** What `checkout` lacks to be in `state` (empty when it may enter it). */
export const missing = (checkout: Checkout, state: CheckoutState): ReadonlyArray<Requirement> =>
  requirementsOf(checkout, state).filter((requirement) => !present(checkout, requirement))

/** Whether `checkout` holds everything `state` requires, the payment covering the total included. */
export const satisfies = (checkout: Checkout, state: CheckoutState): boolean =>
  Either.isRight(checkRequirements(checkout, state))

const checkRequirements = (
  checkout: Checkout,
  state: CheckoutState
): Either.Either<void, MissingCheckoutData | PaymentDoesNotCoverTotal> => {
  const [first, ...rest] = missing(checkout, state)
  if (first !== undefined) return Either.left(new MissingCheckoutData({ state, missing: [first, ...rest] }))
  if (requirements[state].includes("authorised_payment") && checkout.total.amount > 0) {
    const authorisation = Option.getOrUndefined(checkout.payment)
    if (authorisation !== undefined && !covers(authorisation, checkout.total)) {
      return Either.left(new PaymentDoesNotCoverTotal({ authorised: authorisation.amount, total: checkout.total }))
    }
  }
  return Either.void
}

/**
 * Moves the session to `to`: legal only if the table allows it (one step
 * forward, or back) and the session holds what `to` requires.
 */
export const transition = (
  checkout: Checkout,
  to: CheckoutState
): Either.Either<Checkout, StateMachine.IllegalTransition | MissingCheckoutData | PaymentDoesNotCoverTotal> =>
  Either.gen(function* () {
    yield* StateMachine.transition(machine, checkout.state, to)
    yield* checkRequirements(checkout, to)
    return new Checkout({ ...checkout, state: to })
  })

/** Moves to the next step; from `complete` this is an `IllegalTransition` to itself. */
export const advance = (
  checkout: Checkout
): Either.Either<Checkout, StateMachine.IllegalTransition | MissingCheckoutData | PaymentDoesNotCoverTotal> =>
  transition(
    checkout,
    Option.getOrElse(nextStep(checkout.state), () => checkout.state)
  )

/** Changes to a session's data; `null` clears a field, an absent key leaves it alone. */
export const CheckoutPatch = Schema.Struct({
  email: Schema.optional(Schema.NullOr(Email)),
  shippingAddress: Schema.optional(Schema.NullOr(Address)),
  shippingOptionId: Schema.optional(Schema.NullOr(ShippingOptionId)),
  payment: Schema.optional(Schema.NullOr(PaymentAuthorisation)),
  total: Schema.optional(Money.Money)
})
export type CheckoutPatch = typeof CheckoutPatch.Type

/**
 * Applies a patch. Each field may change only while the session is at or
 * before the step that collects it (`fieldStep`), and nothing changes once
 * complete; the total must not be negative. The state never changes here.
 */
export const edit = (
  checkout: Checkout,
  patch: CheckoutPatch
): Either.Either<Checkout, CheckoutFieldLocked | Money.NegativeAmount> =>
  Either.gen(function* () {
    const at = stepIndex(checkout.state)
    for (const field of Field.literals) {
      if (patch[field] === undefined) continue
      const step = fieldStep[field]
      if (checkout.state === "complete" || at > stepIndex(step)) {
        return yield* Either.left(new CheckoutFieldLocked({ field, step, state: checkout.state }))
      }
    }
    const total = patch.total === undefined ? checkout.total : yield* Money.nonNegative(patch.total, "checkout total")
    const set = <A>(value: A | null | undefined, current: Option.Option<A>): Option.Option<A> =>
      value === undefined ? current : Option.fromNullable(value)
    return new Checkout({
      state: checkout.state,
      total,
      email: set(patch.email, checkout.email),
      shippingAddress: set(patch.shippingAddress, checkout.shippingAddress),
      shippingOptionId: set(patch.shippingOptionId, checkout.shippingOptionId),
      payment: set(patch.payment, checkout.payment),
      shipsGoods: checkout.shipsGoods
    })
  })

/**
 * One API update: optionally edit data and optionally move to `to`, in the
 * order that makes it possible — back first, then edit (so "go back to
 * shipping and change the option" works); edit first, then forward (so "here
 * is my email, on to shipping" works). `to` equal to the current state means
 * "stay". All or nothing: on failure the session is unchanged.
 */
export const update = (
  checkout: Checkout,
  options: { readonly to?: CheckoutState | undefined; readonly patch?: CheckoutPatch | undefined }
): Either.Either<
  Checkout,
  | StateMachine.IllegalTransition
  | MissingCheckoutData
  | PaymentDoesNotCoverTotal
  | CheckoutFieldLocked
  | Money.NegativeAmount
> => {
  const { patch = {}, to } = options
  if (to === undefined || to === checkout.state) return edit(checkout, patch)
  return stepIndex(to) < stepIndex(checkout.state)
    ? Either.flatMap(transition(checkout, to), (moved) => edit(moved, patch))
    : Either.flatMap(edit(checkout, patch), (edited) => transition(edited, to))
}
