/**
 * Checkout: a session walks a cart's lines through `init → contact → shipping → payment → review →
 * complete`, on the state machine of @shopvo/checkout (which decides what each move needs), with
 * totals from @shopvo/pricing and the payment through a payment session (the Payments service on
 * the `PaymentProvider`): entering `review` creates and confirms one, which may first require the
 * customer's action (the session then stays in `payment` until the provider's callback resolves it).
 * Its shipping options and tax rate are the Shipping module's quotes for its destination: its
 * address, or the pickup point it ships to (whose address becomes the session's, for the recipient
 * it names).
 *
 * Every move runs in one transaction that first locks the session row, so moves of one session
 * queue and completing it twice (or twenty times at once) places one order: the later ones find
 * it `complete` and answer with it.
 *
 * A promotion code is validated by the Promotions service when it is applied, and gift cards,
 * store credit and points are checked against their balances; the totals apply them in the spec's
 * order (the discount, then gift cards, store credit and points, then the payment method for
 * `amountDue`). A read of the session shows what completing would take now.
 *
 * Completion is that same transaction: take the stock of every line (variants, then products, each
 * by id: one lock order for every checkout, so two cannot deadlock; a short line fails it), count
 * the promotion use (`Promotions.claimUse`, exact under races), find or create the customer by
 * email, place the order (`ORD-<n>`; a cart gets one order) and count it in the customer's totals,
 * redeem the gift cards, store credit and points the totals took, earn the order's points, convert
 * the cart, capture the payment (last of the steps that can fail, so a failing capture undoes the
 * rest), record `order.created` and `payment.confirmed` in the outbox, and mark the session
 * complete with the totals it was placed with. A failure anywhere rolls all of it back.
 */
import {
  Checkout as Machine,
  Order as OrderLifecycle,
  Payment as PaymentLifecycle,
  type StateMachine
} from "@shopvo/checkout"
import { Database, Outbox, type Tenant } from "@shopvo/kernel"
import { LoyaltyProgram } from "@shopvo/loyalty"
import { Cart, Currency, Ids, type Money, Totals } from "@shopvo/pricing"
import { Discount, type Validation } from "@shopvo/promotions"
import { Data, DateTime, Effect, Either, Option, Schema } from "effect"
import { B2B } from "../B2B/Service.js"
import { Blacklist } from "../Blacklist/Service.js"
import { Cart as Carts } from "../Cart/Service.js"
import { Customers } from "../Customers/Service.js"
import type { CustomerNotFound } from "../Customers/Errors.js"
import { Digital } from "../Digital/Service.js"
import { GiftCards } from "../GiftCards/Service.js"
import { Loyalty } from "../Loyalty/Service.js"
import { Promotions } from "../Promotions/Service.js"
import { StoreCredit } from "../StoreCredit/Service.js"
import { type Quote, type Quoted as ShippingQuotes, Shipping } from "../Shipping/Service.js"
import { Inventory } from "../Inventory/Service.js"
import { serialize as orderJson, paymentConfirmed } from "../Orders/Json.js"
import { type Address, type AddressInput, normalizeAddress } from "../Orders/Repo.js"
import { Orders } from "../Orders/Service.js"
import { Settlement } from "../Settlement/Service.js"
import { Currencies } from "../Currencies/Service.js"
import { type Authorization, PaymentProvider, TestPaymentProvider } from "../Payments/Provider.js"
import { Payments } from "../Payments/Service.js"
import {
  CheckoutRepo,
  type CheckoutTotals,
  type Line,
  type Payment,
  Session,
  type SessionData,
  type State
} from "./Repo.js"

export { Session } from "./Repo.js"
export type { CheckoutTotals, Line } from "./Repo.js"

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

export class SessionNotFound extends Data.TaggedError("SessionNotFound")<{ readonly sessionId: string }> {}

/** The move is not allowed from here, or data it needs is missing (`missing`: JSON pointers). */
export class IllegalMove extends Data.TaggedError("IllegalMove")<{
  readonly reason: string
  readonly missing: ReadonlyArray<{ readonly path: string; readonly message: string }>
}> {}

export class ShippingOptionUnavailable extends Data.TaggedError("ShippingOptionUnavailable")<{
  readonly shippingOptionId: string
}> {}

/** The pickup point is not an active one of the site, or no recipient is named for it. */
export class PickupPointUnavailable extends Data.TaggedError("PickupPointUnavailable")<{
  readonly pickupPointId: string
  readonly reason: string
}> {}

/** The provider declined the payment, or does not offer the method. */
export class PaymentFailed extends Data.TaggedError("PaymentFailed")<{ readonly reason: string }> {}

/** The provider did not answer: nothing happened, try again. */
export class PaymentUnavailable extends Data.TaggedError("PaymentUnavailable")<Record<never, never>> {}

export class CustomerRequired extends Data.TaggedError("CustomerRequired")<{ readonly what: string }> {}

/** The spec's refusals of a promotion code, gift card, store credit or points a session cannot use. */
export type ApplyRefusal =
  | "promotion_invalid"
  | "gift_card_not_found"
  | "gift_card_void"
  | "gift_card_expired"
  | "insufficient_balance"
  | "insufficient_points"
  | "exchange_rate_not_found"
  | "currency_not_supported"
  | "payment_terms_unavailable"
  | "b2b_account_suspended"
  | "customer_blacklisted"

/** A code or balance the session cannot use (`code` is the spec's; `reason` says why). */
export class CannotApply extends Data.TaggedError("CannotApply")<{
  readonly code: ApplyRefusal
  readonly reason: string
}> {}

export class InsufficientStock extends Data.TaggedError("InsufficientStock")<{
  readonly label: string
  readonly requested: number
  readonly available: number
}> {}

/** Another session of the cart placed its order first. */
export class CartConverted extends Data.TaggedError("CartConverted")<{ readonly cartId: string }> {}

export type CheckoutError =
  | SessionNotFound
  | IllegalMove
  | ShippingOptionUnavailable
  | PickupPointUnavailable
  | PaymentFailed
  | PaymentUnavailable
  | CustomerRequired
  | CannotApply
  | InsufficientStock
  | CartConverted

// ---------------------------------------------------------------------------
// Shipping and totals
// ---------------------------------------------------------------------------

/** A shipping option as checkout offers it: the Shipping module's label-ready quote. */
export type ShippingOption = Quote

/** The tax of a session's destination (its shipping zone's rate) in the site's tax mode. */
type TaxOf = Pick<ShippingQuotes, "pricesIncludeTax" | "taxRate">

/** A session's currency, as pricing's type (sessions only ever hold a code the cart was priced in). */
const currencyCode = Schema.decodeUnknownSync(Currency.Code)

const subtotalOf = (lines: ReadonlyArray<Line>) => lines.reduce((sum, line) => sum + line.unitPrice * line.quantity, 0)

/** What a session's code and balances give, read when it is priced. */
interface Applied {
  readonly discount: Discount.Discount | null
  /** Each card's code (as stored) and its balance, in the order they pay. */
  readonly giftCards: ReadonlyArray<{ readonly code: string; readonly balance: number }>
  readonly storeCredit: number
  readonly loyalty: { readonly program: LoyaltyProgram.LoyaltyProgram; readonly points: number } | null
}

/** A session priced: its totals, and what of each balance they take. */
interface Priced {
  readonly totals: CheckoutTotals
  readonly giftCards: ReadonlyArray<{ readonly code: string; readonly amount: number }>
  /** The points worth `loyaltyTotal`: no more than asked, and only as many as there is left to pay. */
  readonly loyaltyPoints: number
}

/** The lines as the promotion rules see them, with the shipping for free-shipping codes. */
const summaryOf = (currency: string, lines: ReadonlyArray<Line>, shipping: number): Validation.CartSummary => {
  const money = (amount: number): Money.Money => ({ amount, currency: currencyCode(currency) })
  return {
    subtotal: money(subtotalOf(lines)),
    lines: lines.map((line) => ({
      lineId: Ids.LineId.make(line.id),
      productId: Ids.ProductId.make(line.productId),
      subtotal: money(line.unitPrice * line.quantity)
    })),
    shipping: money(shipping)
  }
}

/**
 * Prices the session's lines with @shopvo/pricing: line subtotals less the promotion's discount,
 * shipping less its free-shipping part, then the balances in the spec's order (gift cards, store
 * credit, loyalty), each capped by pricing at what is still due. Points are valued by
 * @shopvo/loyalty, and only those worth what is left (never more than `subtotal − discountTotal`)
 * are spent. Tax is the destination zone's rate on the lines and the shipping: inside the prices
 * when the site's prices include tax (`taxIncluded`), else added on top (`taxTotal`).
 */
const price = (
  currency: string,
  lines: ReadonlyArray<Line>,
  shipping: number,
  applied: Applied,
  tax: TaxOf
): Priced => {
  const money = (amount: number) => ({ amount, currency })
  const taxRate = { basisPoints: tax.taxRate }
  const compute = (loyalty: number) =>
    Either.getOrThrow(
      Totals.compute(
        Schema.decodeUnknownSync(Cart.Cart)({
          currency,
          taxMode: tax.pricesIncludeTax ? "INCLUSIVE" : "EXCLUSIVE",
          lines: lines.map((line) => ({
            id: line.id,
            productId: line.productId,
            variantId: line.variantId,
            quantity: line.quantity,
            productPrice: money(line.unitPrice),
            variantPrice: null,
            taxRate
          })),
          discounts: applied.discount === null ? [] : [Discount.toLineDiscount(applied.discount)],
          shipping: {
            price: money(shipping),
            taxRate,
            discount: applied.discount === null ? money(0) : Discount.toShippingDiscount(applied.discount)
          },
          reductions: {
            giftCards: applied.giftCards.map((card) => ({ code: card.code, amount: money(card.balance) })),
            storeCredit: money(applied.storeCredit),
            loyalty: money(loyalty)
          }
        })
      )
    )
  const before = compute(0)
  const spend =
    applied.loyalty === null
      ? { points: 0, value: 0 }
      : pointsWithin(
          applied.loyalty,
          money(Math.max(0, Math.min(before.amountDue.amount, before.subtotal.amount - before.discountTotal.amount)))
        )
  const totals = spend.value === 0 ? before : compute(spend.value)
  const reductions = (kind: Totals.AppliedReduction["kind"]) => totals.reductions.filter((r) => r.kind === kind)
  const reduced = (kind: Totals.AppliedReduction["kind"]) =>
    reductions(kind).reduce((sum, r) => sum + r.applied.amount, 0)
  const loyaltyTotal = reduced("LOYALTY")
  return {
    totals: {
      subtotal: totals.subtotal.amount,
      discountTotal: totals.discountTotal.amount,
      // EXCLUSIVE: shipping net of its tax, which `taxTotal` adds with the lines'.
      shippingTotal: totals.taxMode === "EXCLUSIVE" ? totals.shipping.net.amount : totals.shipping.total.amount,
      // INCLUSIVE prices already hold their tax: nothing is added on top.
      taxTotal: totals.taxMode === "EXCLUSIVE" ? totals.taxTotal.amount : 0,
      taxIncluded: totals.taxMode === "INCLUSIVE" ? totals.taxTotal.amount : 0,
      giftCardTotal: reduced("GIFT_CARD"),
      storeCreditTotal: reduced("STORE_CREDIT"),
      loyaltyTotal,
      // The spec counts loyalty as a discount of the total; pricing as a balance spent after it.
      total: totals.total.amount - loyaltyTotal,
      amountDue: totals.amountDue.amount,
      currency
    },
    giftCards: reductions("GIFT_CARD").map((r) => ({ code: r.reference ?? "", amount: r.applied.amount })),
    loyaltyPoints: loyaltyTotal === 0 ? 0 : spend.points
  }
}

/** The most of `loyalty.points` whose value fits in `cap`, and that value (none when worth nothing). */
const pointsWithin = (
  loyalty: { readonly program: LoyaltyProgram.LoyaltyProgram; readonly points: number },
  cap: { readonly amount: number; readonly currency: string }
) => {
  const worth = Either.getOrThrow(
    LoyaltyProgram.pointsWorth(loyalty.program, { amount: cap.amount, currency: currencyCode(cap.currency) })
  )
  const points = Math.min(loyalty.points, worth)
  const value = Either.getOrThrow(LoyaltyProgram.redemptionValue(loyalty.program, points)).amount
  return value === 0 ? { points: 0, value: 0 } : { points, value }
}

/** A session with what is derived from it: its shipping options, the chosen one, and its totals. */
export interface SessionView {
  readonly session: Session
  readonly availableShippingOptions: ReadonlyArray<ShippingOption>
  readonly shippingOption: ShippingOption | null
  readonly totals: CheckoutTotals
  /** The points completing would redeem (the saved ones once complete). */
  readonly loyaltyPoints: number
}

// ---------------------------------------------------------------------------
// Moves
// ---------------------------------------------------------------------------

/** What a cart hands to checkout: its lines priced now, its customer and what it knows of them. */
export interface CartSnapshot {
  readonly cartId: string
  readonly customerId: string | null
  readonly currency: string
  readonly lines: ReadonlyArray<Line>
  readonly email: string | null
  readonly shippingAddress: Address | null
}

/** A move (the spec's `CheckoutAdvance`): the target state plus data to save with it. */
export interface Advance {
  readonly sessionId: string
  readonly state: Exclude<State, "init">
  readonly email?: string | undefined
  readonly shippingAddress?: AddressInput | undefined
  readonly billingAddress?: AddressInput | null | undefined
  readonly pickupPointId?: string | null | undefined
  readonly shippingOptionId?: string | undefined
  readonly payment?: { readonly method: string; readonly token?: string | undefined } | undefined
  readonly promotionCode?: string | null | undefined
  readonly giftCardCodes?: ReadonlyArray<string> | undefined
  readonly storeCreditAmount?: number | undefined
  readonly loyaltyPoints?: number | undefined
}

const steps = Machine.steps
const before = (a: State, b: State) => steps.indexOf(a) < steps.indexOf(b)

const requirementPath: Record<Machine.Requirement, string> = {
  email: "/email",
  shipping_address: "/shippingAddress",
  shipping_option: "/shippingOptionId",
  authorised_payment: "/payment"
}

/** The package's refusal of a move, as the spec's `illegal_transition`. */
const illegal = (
  error:
    | Machine.MissingCheckoutData
    | Machine.PaymentDoesNotCoverTotal
    | Machine.CheckoutFieldLocked
    | StateMachine.IllegalTransition
    | Money.NegativeAmount
): IllegalMove => {
  switch (error._tag) {
    case "MissingCheckoutData":
      return new IllegalMove({
        reason: error.message,
        missing: error.missing.map((r) => ({
          path: requirementPath[r],
          message: `is required to enter ${error.state}`
        }))
      })
    case "PaymentDoesNotCoverTotal":
      return new IllegalMove({
        reason: error.message,
        missing: [{ path: "/payment", message: "must be authorized again for the new amount due" }]
      })
    default:
      return new IllegalMove({ reason: error.message, missing: [] })
  }
}

/** Builds the package's view of a session, with `amountDue` as the total the payment must cover. */
const machineOf = (session: SessionData, currency: string, amountDue: number, shipsGoods: boolean) =>
  new Machine.Checkout({
    shipsGoods,
    state: session.state,
    total: { amount: amountDue, currency: currencyCode(currency) },
    email: Option.fromNullable(session.email).pipe(Option.map(Machine.Email.make)),
    shippingAddress: Option.fromNullable(session.shippingAddress),
    shippingOptionId: Option.fromNullable(session.shippingOptionId).pipe(Option.map(Machine.ShippingOptionId.make)),
    payment: Option.fromNullable(authorizationOf(session.payment, currency)).pipe(
      Option.map(
        (a) =>
          new Machine.PaymentAuthorisation({
            reference: a.reference,
            amount: { amount: a.amount, currency: currencyCode(currency) }
          })
      )
    )
  })

const authorizationOf = (payment: Payment | null, currency: string): Authorization | null =>
  payment !== null && payment.status === "authorized" && payment.reference !== null && payment.amount !== null
    ? { reference: payment.reference, amount: payment.amount, currency }
    : null

/** The lines' stock to take, one per variant (or product), variants then products, each by id. */
const stockTakes = (lines: ReadonlyArray<Line>) => {
  const byKey = new Map<string, { productId: string; variantId: string | null; quantity: number; label: string }>()
  for (const line of lines) {
    const key = line.variantId === null ? `p:${line.productId}` : `v:${line.variantId}`
    const current = byKey.get(key)
    byKey.set(key, {
      productId: line.productId,
      variantId: line.variantId,
      quantity: (current?.quantity ?? 0) + line.quantity,
      label: line.sku ?? line.name
    })
  }
  // "v:…" sorts after "p:…"; variants first, so reverse the kind and keep ids ascending.
  const rank = (key: string) => (key.startsWith("v:") ? 0 : 1)
  return [...byKey.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map(([, take]) => take)
}

export class Checkout extends Effect.Service<Checkout>()("@shopvo/api/Checkout", {
  accessors: true,
  // The test provider is the only one so far; a real one is another layer of `PaymentProvider`.
  dependencies: [
    CheckoutRepo.Default,
    Orders.Default,
    Inventory.Default,
    Customers.Default,
    Carts.Default,
    Promotions.Default,
    GiftCards.Default,
    StoreCredit.Default,
    Loyalty.Default,
    Payments.Default,
    Settlement.Default,
    Currencies.Default,
    B2B.Default,
    Blacklist.Default,
    Digital.Default,
    Shipping.Default,
    TestPaymentProvider
  ],
  effect: Effect.gen(function* () {
    const repo = yield* CheckoutRepo
    const orders = yield* Orders
    const provider = yield* PaymentProvider
    const inventory = yield* Inventory
    const customers = yield* Customers
    const carts = yield* Carts
    const promotions = yield* Promotions
    const giftCards = yield* GiftCards
    const storeCredit = yield* StoreCredit
    const loyalty = yield* Loyalty
    const payments = yield* Payments
    const settlement = yield* Settlement
    const currencies = yield* Currencies
    const b2b = yield* B2B

    /** B2B hook: the account an order is placed for, and its terms when paid with `terms` (else refused). */
    const b2bOrder = (tenant: Tenant, customerId: string | null, payment: Payment | null) =>
      refusing(b2b.forOrder(tenant, customerId, payment?.method ?? null), (error) =>
        error._tag === "AccountSuspended" ? "b2b_account_suspended" : "payment_terms_unavailable"
      )
    const blacklist = yield* Blacklist
    const digital = yield* Digital
    const shipping = yield* Shipping

    /** Every failure of `effect` but an unavailable database, as the refusal `codeOf` names. */
    const refusing = <A, E extends { readonly _tag: string; readonly message: string }, R>(
      effect: Effect.Effect<A, E, R>,
      codeOf: (error: Exclude<E, Database.DatabaseUnavailable>) => ApplyRefusal
    ) =>
      Effect.catchIf(
        effect,
        (error): error is Exclude<E, Database.DatabaseUnavailable> => error._tag !== "DatabaseUnavailable",
        (error) => Effect.fail(new CannotApply({ code: codeOf(error), reason: error.message }))
      )

    /** The spec's code for a gift card that cannot pay. */
    const giftCardCode = (error: { readonly _tag: string }): ApplyRefusal =>
      error._tag === "GiftCardNotFound"
        ? "gift_card_not_found"
        : error._tag === "GiftCardVoid"
          ? "gift_card_void"
          : error._tag === "GiftCardExpired"
            ? "gift_card_expired"
            : "insufficient_balance"

    /**
     * What the session's code and balances give now. `strict` (a move) refuses what cannot be used
     * with the spec's code; otherwise (a read) it is left out of the totals.
     */
    const applying = (
      tenant: Tenant,
      session: Pick<
        Session,
        | "currency"
        | "lines"
        | "customerId"
        | "email"
        | "promotionCode"
        | "giftCardCodes"
        | "storeCreditAmount"
        | "loyaltyPoints"
      >,
      shipping: number,
      strict: boolean
    ) => {
      const orLeftOut = <A, E, R>(effect: Effect.Effect<A, E | CannotApply, R>, none: A) =>
        strict ? effect : Effect.catchTag(effect, "CannotApply", () => Effect.succeed(none))
      const code = session.promotionCode
      const discount =
        code === null
          ? Effect.succeed(null)
          : refusing(
              Effect.flatMap(DateTime.now, (now) =>
                promotions.validate(tenant, {
                  code,
                  cart: summaryOf(session.currency, session.lines, shipping),
                  email: session.email,
                  now
                })
              ),
              () => "promotion_invalid"
            )
      const cards = Effect.forEach(session.giftCardCodes, (code) =>
        orLeftOut(
          refusing(giftCards.findByCode(tenant, code), giftCardCode).pipe(
            Effect.flatMap((found) =>
              found.status === "ACTIVE"
                ? Effect.succeed([{ code: found.card.code, balance: found.card.remainingBalance.amount }])
                : Effect.fail(
                    new CannotApply({
                      code:
                        found.status === "VOID"
                          ? "gift_card_void"
                          : found.status === "EXPIRED"
                            ? "gift_card_expired"
                            : "insufficient_balance",
                      reason: `Gift card ${found.card.code} is ${found.status}`
                    })
                  )
            )
          ),
          []
        )
      )
      const customerId = session.customerId
      // What the customer holds, or its survivor when a merge moved it away since the session was
      // read: a read racing a merge can find the customer and then no account, so the survivor is
      // asked after the read.
      const held =
        <E>(read: (id: string) => Effect.Effect<number, E | CustomerNotFound>) =>
        (id: string) =>
          Effect.gen(function* () {
            const own = yield* Effect.catchTag(read(id), "CustomerNotFound", () => Effect.succeed(0))
            const survivor = yield* customers.survivorOf(tenant, id)
            if (survivor === null || survivor === id) return own
            return yield* Effect.catchTag(read(survivor), "CustomerNotFound", () => Effect.succeed(0))
          })
      const balanceOf = held((id) => Effect.map(storeCredit.get(tenant, id), (account) => account.balance.amount))
      const pointsOf = held((id) => Effect.map(loyalty.get(tenant, id), (account) => account.account.points))
      const credit =
        customerId === null || session.storeCreditAmount === 0
          ? Effect.succeed(0)
          : Effect.flatMap(balanceOf(customerId), (balance) =>
              balance >= session.storeCreditAmount
                ? Effect.succeed(session.storeCreditAmount)
                : Effect.fail(
                    new CannotApply({
                      code: "insufficient_balance",
                      reason: `The customer has ${balance} of store credit, ${session.storeCreditAmount} asked`
                    })
                  )
            )
      const points = Effect.gen(function* () {
        if (customerId === null || session.loyaltyPoints === 0) return null
        const points = yield* pointsOf(customerId)
        if (points < session.loyaltyPoints) {
          return yield* new CannotApply({
            code: "insufficient_points",
            reason: `The customer has ${points} points, ${session.loyaltyPoints} asked`
          })
        }
        return { program: yield* loyalty.program(tenant), points: session.loyaltyPoints }
      })
      return Effect.gen(function* () {
        // The same card typed twice (in any case) pays once.
        const found = (yield* cards).flat()
        const unique = found.filter((card, i) => found.findIndex((other) => other.code === card.code) === i)
        return {
          discount: yield* orLeftOut(discount, null),
          giftCards: unique,
          storeCredit: yield* orLeftOut(credit, 0),
          loyalty: yield* orLeftOut(points, null)
        } satisfies Applied
      })
    }

    /** The quotes and tax of the session's destination (none before it has one). */
    const shippingFor = (
      tenant: Tenant,
      session: Pick<Session, "currency" | "lines" | "shippingAddress" | "pickupPointId">
    ) => shipping.forCheckout(tenant, session.currency, session.lines, session.shippingAddress, session.pickupPointId)

    /**
     * The session with its payment as its payment session says now: one that required action is
     * `authorized` or `failed` once the provider's callback resolved it.
     */
    const withPayment = (tenant: Tenant, session: Session) =>
      Effect.gen(function* () {
        const payment = session.payment
        if (payment?.status !== "requires_action" || payment.sessionId === null) return session
        const paying = yield* payments.statusOf(tenant, payment.sessionId)
        if (paying === null || paying.status === "requires_action") return session
        const resolved: Payment =
          paying.status === "authorized"
            ? { ...payment, status: "authorized", reference: paying.providerReference, amount: paying.amount }
            : { ...payment, status: "failed", reference: null, amount: null }
        return new Session({ ...session, payment: resolved })
      })

    /** Releases what a superseded payment holds (through its payment session when it has one). */
    const release = (tenant: Tenant, payment: Payment, held: Authorization | null) =>
      payment.sessionId !== null
        ? Effect.asVoid(payments.releaseCheckout(tenant, payment.sessionId)).pipe(
            Effect.catchTag("ProviderUnavailable", () => Effect.fail(new PaymentUnavailable())),
            // Its own session, voided only from a status that allows it.
            Effect.catchIf(
              (error) => error._tag !== "PaymentUnavailable" && error._tag !== "DatabaseUnavailable",
              Effect.die
            )
          )
        : held === null
          ? Effect.void
          : provider.void(held).pipe(Effect.mapError(() => new PaymentUnavailable()))

    /** The session with its quotes (`quoted`: already computed for its destination by the move). */
    const view = (tenant: Tenant, stored: Session, quoted?: ShippingQuotes) =>
      Effect.gen(function* () {
        const session = yield* withPayment(tenant, stored)
        quoted ??= yield* shippingFor(tenant, session)
        const available = quoted.options
        const chosen = available.find((option) => option.id === session.shippingOptionId) ?? null
        const base = { session, availableShippingOptions: available, shippingOption: chosen }
        // A complete session shows what its order took, whatever the balances hold since.
        if (session.totals !== null) return { ...base, totals: session.totals, loyaltyPoints: session.loyaltyPoints }
        const priced = price(
          session.currency,
          session.lines,
          chosen?.amount ?? 0,
          // Not strict: what cannot be used is left out, never refused.
          yield* applying(tenant, session, chosen?.amount ?? 0, false).pipe(Effect.catchTag("CannotApply", Effect.die)),
          quoted
        )
        return { ...base, totals: priced.totals, loyaltyPoints: priced.loyaltyPoints } satisfies SessionView
      })

    const place = (tenant: Tenant, session: Session, data: SessionData, priced: Priced, shipping: number) =>
      Effect.gen(function* () {
        const totals = priced.totals
        // 0. A blacklisted email or customer places nothing (checked before any lock is taken).
        yield* blacklist
          .guard(tenant, data.email, data.customerId)
          .pipe(Effect.mapError((e) => new CannotApply({ code: "customer_blacklisted", reason: e.message })))
        // 1. Stock, in one lock order for every checkout, through Inventory (audit rows, `inventory.low`).
        for (const take of stockTakes(session.lines)) {
          yield* inventory
            .adjust(tenant, take.productId, {
              operation: "decrement",
              quantity: take.quantity,
              variantId: take.variantId ?? undefined,
              reason: `checkout ${session.id}`,
              apiKeyId: null
            })
            .pipe(
              Effect.catchTags({
                InsufficientStock: (e) =>
                  Effect.fail(
                    new InsufficientStock({ label: take.label, requested: take.quantity, available: e.available })
                  ),
                // Gone from the catalogue since the cart was priced: none left to sell.
                ProductNotFound: () =>
                  Effect.fail(new InsufficientStock({ label: take.label, requested: take.quantity, available: 0 })),
                VariantNotFound: () =>
                  Effect.fail(new InsufficientStock({ label: take.label, requested: take.quantity, available: 0 })),
                VariantRequired: () =>
                  Effect.fail(new InsufficientStock({ label: take.label, requested: take.quantity, available: 0 })),
                CountTooLarge: Effect.die
              })
            )
        }
        // 2. The promotion's use, counted within `maxUses` and the customer's limit (the row stays
        //    locked until commit); a code that can no longer be used refuses the whole completion.
        if (data.promotionCode !== null) {
          yield* promotions
            .claimUse(tenant, {
              code: data.promotionCode,
              cart: summaryOf(session.currency, session.lines, shipping),
              email: data.email ?? "",
              now: yield* DateTime.now
            })
            .pipe((claim) => refusing(claim, () => "promotion_invalid"))
        }
        // 3. The customer: the cart's, or the one with this email (created when there is none), or
        //    the survivor either was merged into; its row stays locked, so no merge moves it meanwhile.
        const customerId = yield* customers.buyerForOrder(tenant, data.customerId, {
          email: data.email ?? "",
          firstName: data.shippingAddress?.firstName ?? null,
          lastName: data.shippingAddress?.lastName ?? null,
          phone: data.shippingAddress?.phone ?? null
        })
        // 4. The order, confirmed and paid (or, on B2B terms, payment pending until its due date),
        //    with the lifecycles' events.
        const account = yield* b2bOrder(tenant, customerId, data.payment)
        const created = OrderLifecycle.create()
        const confirmed = yield* OrderLifecycle.transition(created.status, "CONFIRMED").pipe(Effect.orDie)
        const paid = yield* PaymentLifecycle.create({
          amount: totals.amountDue,
          currency: currencyCode(session.currency)
        }).pipe(
          Either.flatMap((pending) =>
            account?.terms == null
              ? Either.map(PaymentLifecycle.confirm(pending), ({ payment, transition }) => ({
                  payment,
                  events: transition.events
                }))
              : Either.right({ payment: pending, events: [] })
          ),
          Effect.orDie
        )
        const authorization = authorizationOf(data.payment, session.currency)
        const order = yield* orders.place(tenant, {
          status: confirmed.to,
          paymentStatus: paid.payment.status,
          customerId,
          email: data.email ?? "",
          currency: session.currency,
          items: session.lines.map((line) => ({
            productId: line.productId,
            variantId: line.variantId,
            name: line.name,
            sku: line.sku,
            quantity: line.quantity,
            unitPrice: line.unitPrice
          })),
          subtotal: totals.subtotal,
          discountTotal: totals.discountTotal + totals.loyaltyTotal,
          shippingTotal: totals.shippingTotal,
          taxTotal: totals.taxTotal,
          giftCardTotal: totals.giftCardTotal,
          storeCreditTotal: totals.storeCreditTotal,
          total: totals.total,
          shippingAddress: data.shippingAddress,
          billingAddress: data.billingAddress,
          promotionCode: data.promotionCode,
          checkoutSessionId: session.id,
          cartId: session.cartId,
          paymentMethod: data.payment?.method ?? null,
          paymentReference: authorization?.reference ?? null,
          b2b: account
        })
        if (Option.isNone(order)) return yield* new CartConverted({ cartId: session.cartId })
        const placed = order.value
        // Its presentment and settlement amounts and the rate between them, in this transaction.
        yield* refusing(settlement.record(tenant, placed), () => "exchange_rate_not_found")
        // Customer totals and loyalty points are kept in the site's base currency.
        const baseTotal = yield* refusing(
          currencies.inBaseCurrency(tenant, { amount: totals.total, currency: currencyCode(session.currency) }),
          () => "exchange_rate_not_found"
        )
        yield* customers.recordOrder(tenant, customerId, baseTotal.amount).pipe(
          Effect.catchTag("CustomerNotFound", Effect.die) // found or created above, in this transaction
        )
        // 5. The balances the totals took, in the spec's order, each refused if it no longer holds it.
        for (const card of priced.giftCards) {
          if (card.amount > 0) {
            yield* refusing(giftCards.redeem(tenant, { code: card.code }, card.amount, placed.id), giftCardCode)
          }
        }
        const balanceOwner = customerId
        if (totals.storeCreditTotal > 0) {
          yield* storeCredit
            .debit(tenant, balanceOwner, totals.storeCreditTotal, {
              orderId: placed.id,
              note: `Order ${placed.number}`
            })
            .pipe(
              Effect.catchTags({
                InsufficientBalance: (error) =>
                  Effect.fail(new CannotApply({ code: "insufficient_balance", reason: error.message })),
                // The session's customer, whose row the foreign key keeps.
                CustomerNotFound: Effect.die,
                InvalidAmount: Effect.die,
                CurrencyMismatch: Effect.die,
                AmountOutOfRange: Effect.die
              })
            )
        }
        if (priced.loyaltyPoints > 0) {
          yield* loyalty.redeem(tenant, balanceOwner, priced.loyaltyPoints, { orderId: placed.id }).pipe(
            Effect.catchTags({
              InsufficientPoints: (error) =>
                Effect.fail(new CannotApply({ code: "insufficient_points", reason: error.message })),
              InvalidPoints: Effect.die,
              RedemptionTooSmall: Effect.die,
              AmountOutOfRange: Effect.die,
              CustomerNotFound: Effect.die // found or created above, in this transaction
            })
          )
        }
        // 6. A paid order earns its points at the customer's tier (one on B2B terms is not paid yet).
        yield* loyalty.earnForOrder(tenant, customerId, baseTotal, placed.id).pipe(
          Effect.catchIf((error) => error._tag !== "DatabaseUnavailable", Effect.die),
          Effect.when(() => paid.payment.status === "PAID")
        )
        // 7. The cart becomes the order's (one deleted since the session started has nothing to convert).
        yield* carts.convert(tenant, session.cartId, placed.id).pipe(
          Effect.catchTags({
            CartConverted: () => Effect.fail(new CartConverted({ cartId: session.cartId })),
            CartNotFound: () => Effect.void
          })
        )
        // 8. Capture last: if the provider fails, everything above rolls back with it.
        if (authorization !== null && data.payment?.sessionId != null) {
          yield* payments.captureCheckout(tenant, data.payment.sessionId, placed.id).pipe(
            Effect.catchTag("ProviderUnavailable", () => Effect.fail(new PaymentUnavailable())),
            Effect.catchIf(
              (error) => error._tag !== "PaymentUnavailable" && error._tag !== "DatabaseUnavailable",
              Effect.die
            )
          )
        } else if (authorization !== null) {
          yield* provider.capture(authorization).pipe(Effect.mapError(() => new PaymentUnavailable()))
        }
        // 9. The events, in the transaction that placed the order.
        const payloadOf = (type: Outbox.Event["type"]): Outbox.Event["data"] | undefined => {
          switch (type) {
            case "order.created":
            case "order.placed":
            case "order.paid":
              return orderJson(placed)
            case "payment.confirmed":
              return paymentConfirmed(
                placed,
                { amount: totals.amountDue, currency: placed.currency },
                placed.paymentStatus
              )
            default:
              return undefined
          }
        }
        yield* Outbox.emitAll(
          tenant,
          [...created.events, ...paid.events].flatMap((type) => {
            const data = payloadOf(type)
            return data === undefined ? [] : [{ type, data }]
          })
        )
        return placed.id
      })

    /** The session's code and balances after the move; store credit and points need a customer. */
    const balancesOf = (session: Session, input: Advance) =>
      Effect.gen(function* () {
        const promotionCode = input.promotionCode === undefined ? session.promotionCode : input.promotionCode
        const giftCardCodes = input.giftCardCodes ?? session.giftCardCodes
        const storeCreditAmount = input.storeCreditAmount ?? session.storeCreditAmount
        const loyaltyPoints = input.loyaltyPoints ?? session.loyaltyPoints
        if (session.customerId === null && storeCreditAmount > 0) {
          return yield* new CustomerRequired({ what: "Store credit" })
        }
        if (session.customerId === null && loyaltyPoints > 0) {
          return yield* new CustomerRequired({ what: "Loyalty points" })
        }
        return { promotionCode, giftCardCodes, storeCreditAmount, loyaltyPoints }
      })

    const start = (tenant: Tenant, cart: CartSnapshot) =>
      Database.transaction(
        Effect.flatMap(
          repo.insert(tenant, {
            cartId: cart.cartId,
            customerId: cart.customerId,
            currency: cart.currency,
            lines: cart.lines,
            email: cart.email,
            shippingAddress: cart.shippingAddress
          }),
          (session) => view(tenant, session)
        )
      )

    type Outcome =
      | { readonly _tag: "Moved"; readonly view: SessionView }
      | { readonly _tag: "Declined"; readonly reason: string }

    const move = (tenant: Tenant, input: Advance) =>
      Effect.gen(function* () {
        const locked = yield* repo.lock(tenant, input.sessionId)
        if (Option.isNone(locked)) return yield* new SessionNotFound({ sessionId: input.sessionId })
        // A session of a customer merged since names the survivor, whose balances it may use.
        const session = yield* withPayment(tenant, {
          ...locked.value,
          customerId: yield* customers.survivorOf(tenant, locked.value.customerId)
        })
        const shipsGoods = yield* digital.shipsGoods(tenant, session.lines)
        if (session.state === "complete") {
          // Completing again answers with the order already placed; nothing else leaves `complete`.
          if (input.state === "complete") return { _tag: "Moved", view: yield* view(tenant, session) } satisfies Outcome
          return yield* new IllegalMove({ reason: "The checkout is complete and can no longer change", missing: [] })
        }
        const balances = yield* balancesOf(session, input)
        // Gift cards, store credit and points are kept in the base currency: a session in another cannot spend them.
        if (balances.giftCardCodes.length > 0 || balances.storeCreditAmount > 0 || balances.loyaltyPoints > 0) {
          const { baseCurrency } = yield* currencies.get(tenant)
          if (session.currency !== baseCurrency) {
            const reason = `Gift cards, store credit and points are in ${baseCurrency}, this checkout is in ${session.currency}`
            return yield* new CannotApply({ code: "currency_not_supported", reason })
          }
        }

        const pickupPointId = input.pickupPointId === undefined ? session.pickupPointId : input.pickupPointId
        const billingAddress =
          input.billingAddress === undefined
            ? session.billingAddress
            : input.billingAddress === null
              ? null
              : normalizeAddress(input.billingAddress)
        const givenAddress =
          input.shippingAddress === undefined ? session.shippingAddress : normalizeAddress(input.shippingAddress)
        // A pickup point ships to its own address, for the recipient the given address names.
        const shippingAddress =
          pickupPointId !== null && (input.pickupPointId !== undefined || input.shippingAddress !== undefined)
            ? yield* shipping
                .pickupAddressFor(
                  tenant,
                  pickupPointId,
                  input.shippingAddress ? givenAddress : (billingAddress ?? givenAddress)
                )
                .pipe(
                  Effect.catchTag("PickupPointRefused", (e) =>
                    Effect.fail(new PickupPointUnavailable({ pickupPointId, reason: e.reason }))
                  )
                )
            : givenAddress
        const quoted = yield* shippingFor(tenant, { ...session, shippingAddress, pickupPointId })
        const available = quoted.options
        const shippingOptionId = input.shippingOptionId ?? session.shippingOptionId
        if (input.shippingOptionId !== undefined && !available.some((o) => o.id === input.shippingOptionId)) {
          return yield* new ShippingOptionUnavailable({ shippingOptionId: input.shippingOptionId })
        }
        const chosen = available.find((option) => option.id === shippingOptionId) ?? null
        const shippingAmount = chosen?.amount ?? 0
        const email = input.email ?? session.email
        const applied = yield* applying(tenant, { ...session, ...balances, email }, shippingAmount, true)
        const priced = price(session.currency, session.lines, shippingAmount, applied, quoted)
        const totals = priced.totals

        // New payment details, or a move back before `review`, release an authorization.
        const held = authorizationOf(session.payment, session.currency)
        let payment = session.payment
        if (input.payment !== undefined) {
          payment = { method: input.payment.method, status: "pending", reference: null, amount: null, sessionId: null }
        } else if (held !== null && session.payment !== null && before(input.state, "review")) {
          payment = {
            method: session.payment.method,
            status: "pending",
            reference: null,
            amount: null,
            sessionId: null
          }
        }
        if (session.payment !== null && payment !== session.payment) {
          yield* release(tenant, session.payment, held)
        }

        const data: SessionData = {
          state: session.state,
          customerId: session.customerId,
          email,
          shippingAddress,
          billingAddress,
          pickupPointId,
          shippingOptionId,
          payment,
          ...balances,
          // Codes as the promotion and the cards have them, each card once.
          promotionCode: applied.discount?.code ?? balances.promotionCode,
          giftCardCodes: applied.giftCards.map((card) => card.code),
          orderId: session.orderId,
          totals: null
        }

        // The package decides whether the move is legal; only changed fields count as edits, so
        // sending the saved email again from a later step is not an edit of a locked field.
        const patch: Machine.CheckoutPatch = {
          ...(data.email !== session.email && data.email !== null ? { email: Machine.Email.make(data.email) } : {}),
          ...((input.shippingAddress !== undefined || input.pickupPointId !== undefined) && shippingAddress !== null
            ? { shippingAddress }
            : {}),
          ...(shippingOptionId !== session.shippingOptionId && shippingOptionId !== null
            ? { shippingOptionId: Machine.ShippingOptionId.make(shippingOptionId) }
            : {})
        }
        // B2B terms: nothing is due now, so there is nothing to authorize (checked from `review` on).
        const onTerms =
          !before(input.state, "review") && payment?.method === "terms"
            ? yield* b2bOrder(tenant, session.customerId, payment)
            : null
        const dueNow = onTerms?.terms == null ? totals.amountDue : 0
        const current = machineOf({ ...session, payment }, session.currency, dueNow, shipsGoods)
        let result = Machine.update(current, { to: input.state, patch })

        // Entering `review` with an amount due: authorize it now, then ask the machine again.
        const needsAuthorization =
          Either.isLeft(result) &&
          ((result.left._tag === "MissingCheckoutData" &&
            result.left.missing.length === 1 &&
            result.left.missing[0] === "authorised_payment") ||
            result.left._tag === "PaymentDoesNotCoverTotal")
        if (needsAuthorization && payment !== null && input.payment !== undefined && input.state === "review") {
          // Through a payment session for the amount due (its events and idempotency are the Payments service's).
          const paying = yield* payments
            .authorizeCheckout(
              tenant,
              {
                id: session.id,
                amountDue: totals.amountDue,
                currency: session.currency,
                customerId: session.customerId,
                complete: false
              },
              { method: input.payment.method, token: input.payment.token }
            )
            .pipe(
              Effect.map(Either.right),
              Effect.catchTags({
                PaymentDeclined: (e) => Effect.succeed(Either.left(e.reason)),
                TokenRequired: (e) =>
                  Effect.fail(
                    new IllegalMove({
                      reason: `A ${e.method} payment needs a token`,
                      missing: [{ path: "/payment/token", message: "is required to enter review" }]
                    })
                  ),
                CustomerRequired: () => Effect.fail(new CustomerRequired({ what: "An on_account payment" })),
                ProviderUnavailable: () => Effect.fail(new PaymentUnavailable())
              }),
              Effect.catchIf(
                (error) =>
                  error._tag !== "DatabaseUnavailable" &&
                  error._tag !== "IllegalMove" &&
                  error._tag !== "CustomerRequired" &&
                  error._tag !== "PaymentUnavailable",
                Effect.die
              )
            )
          const attempt = { method: input.payment.method, sessionId: Either.isLeft(paying) ? null : paying.right.id }
          const declined = Either.isLeft(paying)
            ? paying.left
            : paying.right.status === "failed"
              ? (paying.right.failureMessage ?? "declined")
              : null
          if (declined !== null || Either.isLeft(paying)) {
            // A decline is remembered (`payment.status: failed`); nothing else of the move is saved.
            yield* repo.save(tenant, session.id, {
              ...session,
              payment: { ...attempt, status: "failed", reference: null, amount: null }
            })
            return { _tag: "Declined", reason: declined ?? "declined" } satisfies Outcome
          }
          if (paying.right.status === "requires_action") {
            // The customer completes the provider's step; its callback resolves the payment, and the
            // session then moves to `review` (nothing else of this move is saved).
            const waiting = yield* repo.save(tenant, session.id, {
              ...session,
              payment: { ...attempt, status: "requires_action", reference: null, amount: null }
            })
            return { _tag: "Moved", view: yield* view(tenant, waiting) } satisfies Outcome
          }
          payment = {
            ...attempt,
            status: "authorized",
            reference: paying.right.providerReference,
            amount: paying.right.amount
          }
          result = Machine.update(machineOf({ ...data, payment }, session.currency, dueNow, shipsGoods), {
            to: input.state,
            patch
          })
        }
        if (Either.isLeft(result)) return yield* illegal(result.left)

        const moved: SessionData = { ...data, payment, state: result.right.state }
        if (moved.state !== "complete") {
          return {
            _tag: "Moved",
            view: yield* view(tenant, yield* repo.save(tenant, session.id, moved), quoted)
          } satisfies Outcome
        }
        // Complete: the session keeps what its order took.
        const orderId = yield* place(tenant, session, moved, priced, shippingAmount)
        const saved = yield* repo.save(tenant, session.id, {
          ...moved,
          orderId,
          storeCreditAmount: totals.storeCreditTotal,
          loyaltyPoints: priced.loyaltyPoints,
          totals
        })
        return { _tag: "Moved", view: yield* view(tenant, saved, quoted) } satisfies Outcome
      })

    return {
      /**
       * Starts a session at `init` for a cart's snapshot. The cart's own checks (it exists, has
       * lines, is not converted) are the caller's, which read the snapshot.
       */
      start,
      /**
       * `checkout.create`: a session over the cart's snapshot (refused when the cart is missing,
       * converted, empty or holds an inactive product), with the email and shipping address of the
       * cart and its customer when known.
       */
      fromCart: (tenant: Tenant, cartId: string) =>
        Database.transaction(
          Effect.gen(function* () {
            const snapshot = yield* carts.snapshot(tenant, cartId)
            const cart = snapshot.cart
            const customer =
              cart.customerId === null
                ? null
                : yield* customers.get(tenant, cart.customerId).pipe(
                    Effect.map((found): { email: string; defaultAddress: AddressInput | null } | null => found),
                    Effect.catchTag("CustomerNotFound", () => Effect.succeed(null))
                  )
            return yield* start(tenant, {
              cartId: cart.id,
              customerId: cart.customerId,
              currency: cart.currency,
              lines: snapshot.lines.map((line) => ({
                id: line.id,
                productId: line.productId,
                variantId: line.variantId,
                name: line.name,
                sku: line.sku,
                quantity: line.quantity,
                unitPrice: line.unitPrice.amount
              })),
              email: cart.email ?? customer?.email ?? null,
              shippingAddress:
                customer?.defaultAddress === null || customer === null
                  ? null
                  : normalizeAddress(customer.defaultAddress)
            })
          })
        ),
      get: (tenant: Tenant, sessionId: string) =>
        Effect.gen(function* () {
          const found = yield* repo.find(tenant, sessionId)
          if (Option.isNone(found)) return yield* new SessionNotFound({ sessionId })
          return yield* view(tenant, found.value)
        }),
      /** Moves a session (see the module comment); a declined payment is saved, then refused. */
      advance: (tenant: Tenant, input: Advance) =>
        Effect.flatMap(
          Database.transaction(move(tenant, input)),
          (outcome): Effect.Effect<SessionView, PaymentFailed> =>
            outcome._tag === "Moved"
              ? Effect.succeed(outcome.view)
              : Effect.fail(new PaymentFailed({ reason: outcome.reason }))
        )
    }
  })
}) {}
