/**
 * Gift cards: a code with a monetary balance that is spent down by (partial)
 * redemptions until it is used up, expires, or is voided.
 *
 * Statuses are `ACTIVE | REDEEMED | EXPIRED | VOID`:
 * - `REDEEMED` once the remaining balance reaches zero;
 * - `EXPIRED` from `expiresAt` on. Expiry depends on the clock, so it is never
 *   stored: the card records `ACTIVE | REDEEMED | VOID` and `status(card, now)`
 *   derives the rest. Moving `expiresAt` into the future therefore reactivates
 *   an expired card, with no sweep job to undo;
 * - `VOID` is final: a void card can never be redeemed, re-dated or
 *   reactivated (`GiftCardVoid`), and voiding it again changes nothing.
 *
 * Invariants (checked by the `GiftCard` schema on every construction):
 * - `initialBalance` is positive; `0 ≤ remainingBalance ≤ initialBalance`, both
 *   in the same currency, so the redemptions of a card never sum to more than
 *   its initial balance;
 * - a recorded `ACTIVE` card has money left and a recorded `REDEEMED` card has
 *   none (a `VOID` card keeps whatever it had, for the record).
 *
 * @since 0.1.0
 */
import * as DateTime from "effect/DateTime"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { Money } from "@shopvo/pricing"
import * as Balance from "./Balance.js"
import * as GiftCardCode from "./GiftCardCode.js"
import { GiftCardCodeGenerator } from "./GiftCardCodeGenerator.js"

/**
 * Opaque gift card id (`gc_…` in the API), assigned by the caller.
 *
 * @since 0.1.0
 */
export const GiftCardId = Schema.NonEmptyTrimmedString.pipe(Schema.brand("GiftCardId")).annotations({
  identifier: "GiftCardId"
})

/**
 * @since 0.1.0
 */
export type GiftCardId = typeof GiftCardId.Type

/**
 * The status a card shows at a given instant.
 *
 * @since 0.1.0
 */
export const Status = Schema.Literal("ACTIVE", "REDEEMED", "EXPIRED", "VOID").annotations({
  identifier: "GiftCardStatus"
})

/**
 * @since 0.1.0
 */
export type Status = typeof Status.Type

/**
 * The status a card records: everything but `EXPIRED`, which is derived from
 * `expiresAt` and the current time.
 *
 * @since 0.1.0
 */
export const RecordedStatus = Schema.Literal("ACTIVE", "REDEEMED", "VOID").annotations({
  identifier: "GiftCardRecordedStatus"
})

/**
 * @since 0.1.0
 */
export type RecordedStatus = typeof RecordedStatus.Type

/**
 * The legal status changes, as data. Every operation of this module moves a
 * card along one of these edges (or leaves its status alone); `VOID` has no
 * way out.
 *
 * - ACTIVE → REDEEMED: a redemption takes the remaining balance to zero
 * - ACTIVE → EXPIRED: `expiresAt` passes, or is moved into the past
 * - EXPIRED → ACTIVE: `expiresAt` is moved into the future (or removed)
 * - any but VOID → VOID: the card is voided
 *
 * @since 0.1.0
 */
export const transitions: { readonly [From in Status]: ReadonlyArray<Status> } = {
  ACTIVE: ["REDEEMED", "EXPIRED", "VOID"],
  REDEEMED: ["VOID"],
  EXPIRED: ["ACTIVE", "VOID"],
  VOID: []
}

/**
 * Whether `from → to` is one of the `transitions`.
 *
 * @since 0.1.0
 */
export const canTransition = (from: Status, to: Status): boolean => transitions[from].includes(to)

const Fields = Schema.Struct({
  id: GiftCardId,
  code: GiftCardCode.GiftCardCode,
  initialBalance: Money.Money,
  remainingBalance: Money.Money,
  status: RecordedStatus,
  issuedAt: Schema.DateTimeUtc,
  /** `null` when the card never expires. */
  expiresAt: Schema.OptionFromNullOr(Schema.DateTimeUtc)
})

/**
 * A gift card. Encodes to the API's JSON shape (ISO 8601 dates, `null` for no
 * expiry); constructing or decoding one that breaks the module's invariants
 * fails.
 *
 * @since 0.1.0
 */
export class GiftCard extends Schema.Class<GiftCard>("GiftCard")(
  Fields.pipe(
    Schema.filter((card) => {
      if (card.remainingBalance.currency !== card.initialBalance.currency) {
        return "remainingBalance and initialBalance must be in the same currency"
      }
      if (card.initialBalance.amount <= 0) return "initialBalance must be positive"
      if (card.remainingBalance.amount < 0) return "remainingBalance must not be negative"
      if (card.remainingBalance.amount > card.initialBalance.amount) {
        return "remainingBalance must not exceed initialBalance"
      }
      if (card.status === "ACTIVE" && card.remainingBalance.amount === 0) {
        return "an ACTIVE card must have a remaining balance (use REDEEMED)"
      }
      if (card.status === "REDEEMED" && card.remainingBalance.amount !== 0) {
        return "a REDEEMED card must have no remaining balance"
      }
      return true
    })
  )
) {}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/**
 * The card is void: it can no longer be redeemed, re-dated or reactivated.
 *
 * @since 0.1.0
 */
export class GiftCardVoid extends Data.TaggedError("GiftCardVoid")<{
  readonly code: GiftCardCode.GiftCardCode
  /** What was refused, e.g. "redeem" or "change the expiry of". */
  readonly operation: string
}> {
  override get message(): string {
    return `Cannot ${this.operation} gift card ${this.code}: it is void`
  }
}

/**
 * The card expired at `expiresAt` and cannot be redeemed.
 *
 * @since 0.1.0
 */
export class GiftCardExpired extends Data.TaggedError("GiftCardExpired")<{
  readonly code: GiftCardCode.GiftCardCode
  readonly expiresAt: DateTime.Utc
}> {
  override get message(): string {
    return `Gift card ${this.code} expired at ${DateTime.formatIso(this.expiresAt)}`
  }
}

/**
 * An expiry at or before the issue instant: the card would be born expired.
 *
 * @since 0.1.0
 */
export class InvalidExpiry extends Data.TaggedError("InvalidExpiry")<{
  readonly issuedAt: DateTime.Utc
  readonly expiresAt: DateTime.Utc
}> {
  override get message(): string {
    return `A gift card issued at ${DateTime.formatIso(this.issuedAt)} cannot expire at ${DateTime.formatIso(
      this.expiresAt
    )}`
  }
}

/**
 * Why a redemption was refused.
 *
 * @since 0.1.0
 */
export type RedeemError =
  | GiftCardVoid
  | GiftCardExpired
  | Balance.InsufficientBalance
  | Money.CurrencyMismatch
  | Money.InvalidAmount

// ---------------------------------------------------------------------------
// Status
// ---------------------------------------------------------------------------

/**
 * Whether the card has expired at `now`. A card expires *at* `expiresAt`: at
 * that instant it is no longer spendable.
 *
 * @since 0.1.0
 */
export const isExpired = (card: GiftCard, now: DateTime.Utc): boolean =>
  Option.match(card.expiresAt, {
    onNone: () => false,
    onSome: (expiresAt) => DateTime.greaterThanOrEqualTo(now, expiresAt)
  })

/**
 * The status of the card at `now`. `VOID` and `REDEEMED` win over `EXPIRED`:
 * a used-up card has nothing left to expire, and void is final.
 *
 * @since 0.1.0
 */
export const status = (card: GiftCard, now: DateTime.Utc): Status =>
  card.status === "ACTIVE" && isExpired(card, now) ? "EXPIRED" : card.status

// ---------------------------------------------------------------------------
// Issuing
// ---------------------------------------------------------------------------

/**
 * What it takes to issue a card. `code` is for cards whose code was chosen by
 * a person or printed in advance; without it the generator supplies one.
 *
 * @since 0.1.0
 */
export interface IssueParams {
  readonly id: GiftCardId
  readonly initialBalance: Money.Money
  readonly issuedAt: DateTime.Utc
  readonly expiresAt?: DateTime.Utc | undefined
  readonly code?: GiftCardCode.GiftCardCode | undefined
}

/**
 * Issues a card with a given code: active, with its whole initial balance.
 *
 * @since 0.1.0
 */
export const issueWithCode = (
  code: GiftCardCode.GiftCardCode,
  params: Omit<IssueParams, "code">
): Either.Either<GiftCard, Money.InvalidAmount | InvalidExpiry> =>
  Either.gen(function* () {
    yield* Balance.positive(params.initialBalance, "a gift card's initial balance")
    const expiresAt = Option.fromNullable(params.expiresAt)
    if (Option.isSome(expiresAt) && DateTime.lessThanOrEqualTo(expiresAt.value, params.issuedAt)) {
      return yield* Either.left(new InvalidExpiry({ issuedAt: params.issuedAt, expiresAt: expiresAt.value }))
    }
    return new GiftCard({
      id: params.id,
      code,
      initialBalance: params.initialBalance,
      remainingBalance: params.initialBalance,
      status: "ACTIVE",
      issuedAt: params.issuedAt,
      expiresAt
    })
  })

/**
 * Issues a card, taking its code from `params.code` or else from the
 * `GiftCardCodeGenerator` service.
 *
 * @since 0.1.0
 */
export const issue = (
  params: IssueParams
): Effect.Effect<GiftCard, Money.InvalidAmount | InvalidExpiry, GiftCardCodeGenerator> =>
  Effect.flatMap(
    params.code === undefined ? Effect.flatMap(GiftCardCodeGenerator, (g) => g.next) : Effect.succeed(params.code),
    (code) => issueWithCode(code, params)
  )

// ---------------------------------------------------------------------------
// Redemption
// ---------------------------------------------------------------------------

/**
 * Spends `amount` of the card at `now`; the rest stays on the card. Taking
 * the balance to zero makes the card `REDEEMED`.
 *
 * Refused with `GiftCardVoid`, `GiftCardExpired`, `CurrencyMismatch`,
 * `InvalidAmount` (zero or negative) or `InsufficientBalance` (more than the
 * remaining balance — including any amount on a `REDEEMED` card).
 *
 * @since 0.1.0
 */
export const redeem = (card: GiftCard, amount: Money.Money, now: DateTime.Utc): Either.Either<GiftCard, RedeemError> =>
  Either.gen(function* () {
    yield* usable(card, now)
    const remainingBalance = yield* Balance.debit(card.remainingBalance, amount)
    return new GiftCard({
      ...card,
      remainingBalance,
      status: remainingBalance.amount === 0 ? "REDEEMED" : "ACTIVE"
    })
  })

/**
 * Spends as much of `amount` as the card holds: what checkout does when a
 * gift card is applied to an order total. Returns the card and the amount
 * actually redeemed (never more than `amount`, never more than the balance).
 * A `REDEEMED` card fails with `InsufficientBalance` rather than redeeming
 * nothing, so an empty card is noticed.
 *
 * @since 0.1.0
 */
export const redeemUpTo = (
  card: GiftCard,
  amount: Money.Money,
  now: DateTime.Utc
): Either.Either<{ readonly card: GiftCard; readonly redeemed: Money.Money }, RedeemError> =>
  Either.gen(function* () {
    yield* usable(card, now)
    yield* Money.assertCurrency(amount, card.remainingBalance.currency, "redeem a gift card")
    yield* Balance.positive(amount, "a redemption")
    if (card.remainingBalance.amount === 0) {
      return yield* Either.left(
        new Balance.InsufficientBalance({ available: card.remainingBalance, requested: amount })
      )
    }
    const redeemed = amount.amount <= card.remainingBalance.amount ? amount : card.remainingBalance
    return { card: yield* redeem(card, redeemed, now), redeemed }
  })

const usable = (card: GiftCard, now: DateTime.Utc): Either.Either<void, GiftCardVoid | GiftCardExpired> => {
  if (card.status === "VOID") return Either.left(new GiftCardVoid({ code: card.code, operation: "redeem" }))
  if (card.status === "ACTIVE" && Option.isSome(card.expiresAt) && isExpired(card, now)) {
    return Either.left(new GiftCardExpired({ code: card.code, expiresAt: card.expiresAt.value }))
  }
  return Either.void
}

// ---------------------------------------------------------------------------
// Administration
// ---------------------------------------------------------------------------

/**
 * Voids the card, whatever its balance. Idempotent: voiding a void card
 * returns it unchanged, which is what a retried `PATCH { status: "VOID" }`
 * needs.
 *
 * @since 0.1.0
 */
export const voidCard = (card: GiftCard): GiftCard =>
  card.status === "VOID" ? card : new GiftCard({ ...card, status: "VOID" })

/**
 * Sets or removes (`Option.none()`) the expiry. Moving it into the past
 * expires the card at once; moving it into the future reactivates an expired
 * card. Refused on a void card, which stays void.
 *
 * @since 0.1.0
 */
export const updateExpiry = (
  card: GiftCard,
  expiresAt: Option.Option<DateTime.Utc>
): Either.Either<GiftCard, GiftCardVoid> =>
  card.status === "VOID"
    ? Either.left(new GiftCardVoid({ code: card.code, operation: "change the expiry of" }))
    : Either.right(new GiftCard({ ...card, expiresAt }))
