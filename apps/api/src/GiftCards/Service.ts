/**
 * Gift cards: issued, listed, redeemed, voided and re-dated by the API, and redeemed by checkout.
 * Every rule (codes, statuses, partial redemption, expiry, void) is `@shopvo/balances`' `GiftCard`;
 * this service stores its results.
 *
 * A redemption is decided by the package on the card as read and applied by one conditional
 * update that takes the amount only while the card still holds it and is still spendable, so
 * racing redemptions never take the balance below zero and none is lost; one that loses the race
 * is decided again (see `spend`). No lock outlives a statement, so a burst of redemptions of one
 * card does not queue for connections. A refused redemption changes nothing. Voiding and
 * re-dating lock the card's row for their read-decide-write.
 *
 * For checkout: `redeem` and `redeemUpTo` run inside the caller's transaction when there is one;
 * the update then holds the card's row until the order commits, and a failure after them rolls
 * the redemption back.
 */
import { GiftCard, GiftCardCode, GiftCardCodeGenerator } from "@shopvo/balances"
import { Database, Entropy, Ids, type Tenant } from "@shopvo/kernel"
import type { Money } from "@shopvo/pricing"
import { Data, DateTime, Effect, Either, Option } from "effect"
import { Customers } from "../Customers/Service.js"
import { SiteCurrency } from "../Sites/Currency.js"
import type * as Pagination from "../Platform/Pagination.js"
import { type Filters, GiftCardsRepo, type Position, type StoredGiftCard } from "./Repo.js"

/** A stored card and its status at the instant the service looked. */
export interface GiftCardView extends StoredGiftCard {
  readonly status: GiftCard.Status
}

/** How a card is named: by id (the API's routes) or by the code a customer typed (checkout). */
export type GiftCardRef = { readonly id: string } | { readonly code: string }

export class GiftCardNotFound extends Data.TaggedError("GiftCardNotFound")<{ readonly ref: GiftCardRef }> {
  override get message() {
    return "id" in this.ref ? `Gift card ${this.ref.id} not found` : `No gift card has the code ${this.ref.code}`
  }
}

export class GiftCardCodeTaken extends Data.TaggedError("GiftCardCodeTaken")<{ readonly code: string }> {
  override get message() {
    return `A gift card with code ${this.code} already exists`
  }
}

export class CurrencyNotSupported extends Data.TaggedError("CurrencyNotSupported")<{
  readonly currency: string
  readonly siteCurrency: string
}> {
  override get message() {
    return `This site sells in ${this.siteCurrency}, not ${this.currency}`
  }
}

export interface NewGiftCard {
  readonly initialBalance: number
  /** The site's currency when omitted; any other is refused. */
  readonly currency?: string | undefined
  /** Generated when omitted. */
  readonly code?: string | undefined
  readonly customerId?: string | undefined
  readonly expiresAt?: DateTime.Utc | undefined
  readonly note?: string | undefined
}

export interface GiftCardChange {
  readonly void?: boolean | undefined
  /** `Option.none()` removes the expiry; `undefined` leaves it. */
  readonly expiresAt?: Option.Option<DateTime.Utc> | undefined
}

// A generated code clashes with an issued one with a chance of about n / 31^8 (n cards on the site):
// a few fresh draws make a clash in a row as good as impossible.
const generatedCodeAttempts = 5

// A redemption that loses this many races in a row means something changes the card without end.
const maxRaces = 100

export class GiftCards extends Effect.Service<GiftCards>()("@shopvo/api/GiftCards", {
  accessors: true,
  dependencies: [
    GiftCardsRepo.Default,
    SiteCurrency.Default,
    Customers.Default,
    GiftCardCodeGenerator.layer(Entropy.bytes)
  ],
  effect: Effect.gen(function* () {
    const repo = yield* GiftCardsRepo
    const customers = yield* Customers
    const sites = yield* SiteCurrency
    const generator = yield* GiftCardCodeGenerator.GiftCardCodeGenerator

    const view = (stored: StoredGiftCard, now: DateTime.Utc): GiftCardView => ({
      ...stored,
      status: GiftCard.status(stored.card, now)
    })

    // `code` as customers type it (any case, stray spaces); a string that is no code matches nothing.
    const normalized = (filters: Filters): Filters =>
      filters.code === undefined ? filters : { ...filters, code: GiftCardCode.normalize(filters.code) }

    /** The named card; an unknown id, or a code no card has (or can have), is `GiftCardNotFound`. */
    const find = (tenant: Tenant, ref: GiftCardRef) =>
      Effect.gen(function* () {
        const key =
          "id" in ref
            ? { id: ref.id }
            : { code: yield* Either.mapLeft(GiftCardCode.parse(ref.code), () => new GiftCardNotFound({ ref })) }
        return yield* Option.match(yield* repo.find(tenant, key), {
          onNone: () => Effect.fail(new GiftCardNotFound({ ref })),
          onSome: Effect.succeed
        })
      })

    /**
     * Spends from the card by one of the package's redemption rules, decided on the card as read,
     * then applied by one conditional update that holds only while the card is still as spendable.
     * Losing that race to a concurrent change means deciding again on the card as it now is, so the
     * package, not the race, says why a redemption is refused.
     */
    const spend = <E>(
      tenant: Tenant,
      ref: GiftCardRef,
      orderId: string | null,
      rule: (
        card: GiftCard.GiftCard,
        now: DateTime.Utc
      ) => Either.Either<{ readonly card: GiftCard.GiftCard; readonly redeemed: Money.Money }, E>
    ) =>
      Effect.gen(function* () {
        for (let attempt = 1; ; attempt++) {
          const now = yield* DateTime.now
          const current = yield* find(tenant, ref)
          const { redeemed } = yield* rule(current.card, now)
          const applied = yield* repo.redeem(tenant, current.card.id, redeemed.amount, now, orderId)
          if (Option.isSome(applied)) return { card: view(applied.value, now), redeemed }
          // Each lost race is another change that came first, which cannot go on for ever.
          if (attempt === maxRaces) return yield* Effect.dieMessage(`gift card ${current.card.id} kept changing`)
        }
      })

    return {
      /** A page of cards, newest first, with their status now, and their total. */
      list: (tenant: Tenant, filters: Filters, page: Pagination.Offset) =>
        Effect.gen(function* () {
          const now = yield* DateTime.now
          const { items, total } = yield* repo.list(tenant, normalized(filters), page, now)
          return { items: items.map((stored) => view(stored, now)), total }
        }),

      /** Up to `limit + 1` cards after a cursor position, newest first, each with its sort key. */
      listAfter: (tenant: Tenant, filters: Filters, limit: number, after: Position | undefined) =>
        Effect.gen(function* () {
          const now = yield* DateTime.now
          const rows = yield* repo.listAfter(tenant, normalized(filters), limit, after, now)
          return rows.map((row) => ({ sortKey: row.sortKey, view: view(row.stored, now) }))
        }),

      /** Where a card stands in the listing order (a cursor may name the last card seen). */
      positionOf: repo.positionOf,

      get: (tenant: Tenant, id: string) =>
        Effect.gen(function* () {
          const now = yield* DateTime.now
          return view(yield* find(tenant, { id }), now)
        }),

      /** The card a customer typed the code of (any case), with its status now: checkout applies it by code. */
      findByCode: (tenant: Tenant, code: string) =>
        Effect.gen(function* () {
          const now = yield* DateTime.now
          return view(yield* find(tenant, { code }), now)
        }),

      /**
       * Issues an `ACTIVE` card holding `initialBalance`, for a known customer if any (`CustomerNotFound`). A given code must be a gift-card code
       * (`InvalidGiftCardCode`) not yet used on the site (`GiftCardCodeTaken`); a generated one is
       * drawn again on a clash.
       */
      issue: (tenant: Tenant, input: NewGiftCard) =>
        Database.transaction(
          Effect.gen(function* () {
            const now = yield* DateTime.now
            const siteCurrency = yield* sites.get(tenant)
            if (input.currency !== undefined && input.currency !== siteCurrency) {
              return yield* new CurrencyNotSupported({ currency: input.currency, siteCurrency })
            }
            if (input.customerId !== undefined) yield* customers.get(tenant, input.customerId)
            const given = input.code === undefined ? undefined : yield* GiftCardCode.parse(input.code)
            const extra = { customerId: input.customerId ?? null, note: input.note ?? null }
            for (let attempt = 1; ; attempt++) {
              const code = given ?? (yield* generator.next)
              const card = yield* GiftCard.issueWithCode(code, {
                id: GiftCard.GiftCardId.make(Ids.make("gc")),
                initialBalance: { amount: input.initialBalance, currency: siteCurrency },
                issuedAt: now,
                expiresAt: input.expiresAt
              })
              const stored = yield* repo.insert(tenant, card, extra)
              if (Option.isSome(stored)) return view(stored.value, now)
              if (given !== undefined) return yield* new GiftCardCodeTaken({ code })
              if (attempt === generatedCodeAttempts) return yield* Effect.dieMessage("no free gift card code")
            }
          })
        ),

      /** Takes exactly `amount` (minor units of the card's currency) off the card, or nothing. */
      redeem: (tenant: Tenant, ref: GiftCardRef, amount: number, orderId: string | null = null) =>
        spend(tenant, ref, orderId, (card, now) =>
          Either.map(GiftCard.redeem(card, { amount, currency: card.remainingBalance.currency }, now), (next) => ({
            card: next,
            redeemed: { amount, currency: card.remainingBalance.currency }
          }))
        ),

      /** For checkout: takes as much of `amount` as the card holds; returns the card and what it took. */
      redeemUpTo: (tenant: Tenant, ref: GiftCardRef, amount: number, orderId: string | null = null) =>
        spend(tenant, ref, orderId, (card, now) =>
          GiftCard.redeemUpTo(card, { amount, currency: card.remainingBalance.currency }, now)
        ),

      /**
       * Voids the card and/or changes its expiry. The spec refuses any change to a void card, even
       * voiding it again (`GiftCardVoid`); a retried request is answered by its Idempotency-Key.
       */
      update: (tenant: Tenant, id: string, change: GiftCardChange) =>
        Database.transaction(
          Effect.gen(function* () {
            const now = yield* DateTime.now
            const locked = yield* Option.match(yield* repo.lock(tenant, id), {
              onNone: () => Effect.fail(new GiftCardNotFound({ ref: { id } })),
              onSome: Effect.succeed
            })
            if (locked.card.status === "VOID") {
              return yield* new GiftCard.GiftCardVoid({ code: locked.card.code, operation: "change" })
            }
            const dated =
              change.expiresAt === undefined ? locked.card : yield* GiftCard.updateExpiry(locked.card, change.expiresAt)
            const card = change.void === true ? GiftCard.voidCard(dated) : dated
            return view(yield* repo.update(tenant, card), now)
          })
        )
    }
  })
}) {}
