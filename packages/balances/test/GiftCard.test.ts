import { describe, expect, it } from "@effect/vitest"
import { DateTime, Effect, Either, FastCheck, Option, Schema } from "effect"
import { Balance, GiftCard, GiftCardCode, GiftCardCodeGenerator } from "@shopvo/balances"
import type { Money } from "@shopvo/pricing"

const eur = (amount: number): Money.Money => ({ amount, currency: "EUR" })
const code = Schema.decodeSync(GiftCardCode.GiftCardCode)("GIFT-7KQM-X4TZ")
const id = Schema.decodeSync(GiftCard.GiftCardId)("gc_abc")
const issuedAt = DateTime.unsafeMake("2025-01-10T12:00:00Z")
const expiresAt = DateTime.unsafeMake("2026-12-31T23:59:59Z")
const before = DateTime.unsafeMake("2026-06-01T00:00:00Z")
const after = DateTime.unsafeMake("2027-01-01T00:00:00Z")

const card = (initial = 5000, expiry: DateTime.Utc | null = expiresAt): GiftCard.GiftCard =>
  Either.getOrThrow(
    GiftCard.issueWithCode(code, { id, initialBalance: eur(initial), issuedAt, expiresAt: expiry ?? undefined })
  )

// Schema.is on a class only checks the prototype; a round trip re-checks every invariant.
const satisfiesInvariants = (c: GiftCard.GiftCard): boolean =>
  Either.isRight(Schema.decodeEither(GiftCard.GiftCard)(Schema.encodeSync(GiftCard.GiftCard)(c)))

describe("GiftCard", () => {
  describe("issue", () => {
    it.effect("takes its code from the generator service", () =>
      Effect.gen(function* () {
        const issued = yield* GiftCard.issue({ id, initialBalance: eur(5000), issuedAt })
        expect(issued.code).toBe("GIFT-ABCD-EFGH")
        expect(issued.remainingBalance).toStrictEqual(eur(5000))
        expect(issued.status).toBe("ACTIVE")
        expect(issued.expiresAt).toStrictEqual(Option.none())
      }).pipe(Effect.provide(GiftCardCodeGenerator.layer((size) => Uint8Array.from({ length: size }, (_, i) => i))))
    )

    it.effect("uses a provided code without asking the generator", () =>
      Effect.gen(function* () {
        const issued = yield* GiftCard.issue({ id, initialBalance: eur(5000), issuedAt, code })
        expect(issued.code).toBe(code)
      }).pipe(Effect.provide(GiftCardCodeGenerator.fromCodes([])))
    )

    it("refuses a zero or negative initial balance", () => {
      for (const amount of [0, -1]) {
        const result = GiftCard.issueWithCode(code, { id, initialBalance: eur(amount), issuedAt })
        expect(Either.isLeft(result) && result.left._tag).toBe("InvalidAmount")
      }
    })

    it("refuses an expiry at or before the issue instant", () => {
      const result = GiftCard.issueWithCode(code, { id, initialBalance: eur(100), issuedAt, expiresAt: issuedAt })
      expect(result).toStrictEqual(Either.left(new GiftCard.InvalidExpiry({ issuedAt, expiresAt: issuedAt })))
    })

    it("encodes to the API's JSON shape", () => {
      expect(Schema.encodeSync(GiftCard.GiftCard)(card())).toStrictEqual({
        id: "gc_abc",
        code: "GIFT-7KQM-X4TZ",
        initialBalance: { amount: 5000, currency: "EUR" },
        remainingBalance: { amount: 5000, currency: "EUR" },
        status: "ACTIVE",
        issuedAt: "2025-01-10T12:00:00.000Z",
        expiresAt: "2026-12-31T23:59:59.000Z"
      })
    })

    it("decoding rejects cards that break the invariants", () => {
      const valid = Schema.encodeSync(GiftCard.GiftCard)(card())
      const decode = Schema.decodeUnknownEither(GiftCard.GiftCard)
      expect(Either.isRight(decode(valid))).toBe(true)
      for (const broken of [
        { ...valid, remainingBalance: { amount: 5001, currency: "EUR" } },
        { ...valid, remainingBalance: { amount: -1, currency: "EUR" } },
        { ...valid, remainingBalance: { amount: 100, currency: "USD" } },
        { ...valid, status: "EXPIRED" },
        { ...valid, status: "REDEEMED" },
        { ...valid, remainingBalance: { amount: 0, currency: "EUR" } },
        { ...valid, code: "GIFT-0000-0000" }
      ]) {
        expect(Either.isLeft(decode(broken))).toBe(true)
      }
    })
  })

  describe("status", () => {
    it("is EXPIRED from expiresAt on, ACTIVE before", () => {
      const c = card()
      expect(GiftCard.status(c, before)).toBe("ACTIVE")
      expect(GiftCard.status(c, expiresAt)).toBe("EXPIRED")
      expect(GiftCard.status(c, after)).toBe("EXPIRED")
      expect(GiftCard.status(card(5000, null), after)).toBe("ACTIVE")
    })

    it("REDEEMED and VOID win over EXPIRED", () => {
      const redeemed = Either.getOrThrow(GiftCard.redeem(card(), eur(5000), before))
      expect(GiftCard.status(redeemed, after)).toBe("REDEEMED")
      expect(GiftCard.status(GiftCard.voidCard(card()), after)).toBe("VOID")
    })
  })

  describe("redeem", () => {
    it("partial redemptions leave the rest on the card; the last one makes it REDEEMED", () => {
      const first = Either.getOrThrow(GiftCard.redeem(card(), eur(2500), before))
      expect(first.remainingBalance).toStrictEqual(eur(2500))
      expect(GiftCard.status(first, before)).toBe("ACTIVE")
      const second = Either.getOrThrow(GiftCard.redeem(first, eur(2500), before))
      expect(second.remainingBalance).toStrictEqual(eur(0))
      expect(second.status).toBe("REDEEMED")
      expect(second.initialBalance).toStrictEqual(eur(5000))
    })

    it("beyond the balance fails with the available and requested amounts", () => {
      const c = Either.getOrThrow(GiftCard.redeem(card(), eur(4000), before))
      expect(GiftCard.redeem(c, eur(1001), before)).toStrictEqual(
        Either.left(new Balance.InsufficientBalance({ available: eur(1000), requested: eur(1001) }))
      )
      const empty = Either.getOrThrow(GiftCard.redeem(c, eur(1000), before))
      expect(GiftCard.redeem(empty, eur(1), before)).toStrictEqual(
        Either.left(new Balance.InsufficientBalance({ available: eur(0), requested: eur(1) }))
      )
    })

    it("a void card is refused", () => {
      const result = GiftCard.redeem(GiftCard.voidCard(card()), eur(100), before)
      expect(result).toStrictEqual(Either.left(new GiftCard.GiftCardVoid({ code, operation: "redeem" })))
      expect(Either.isLeft(result) && result.left.message).toBe("Cannot redeem gift card GIFT-7KQM-X4TZ: it is void")
    })

    it("an expired card is refused, from the expiry instant on", () => {
      expect(GiftCard.redeem(card(), eur(100), expiresAt)).toStrictEqual(
        Either.left(new GiftCard.GiftCardExpired({ code, expiresAt }))
      )
      expect(Either.isRight(GiftCard.redeem(card(), eur(100), DateTime.subtract(expiresAt, { millis: 1 })))).toBe(true)
    })

    it("another currency, zero or a negative amount is refused", () => {
      const mismatch = GiftCard.redeem(card(), { amount: 100, currency: "USD" }, before)
      expect(Either.isLeft(mismatch) && mismatch.left._tag).toBe("CurrencyMismatch")
      for (const amount of [0, -100]) {
        const result = GiftCard.redeem(card(), eur(amount), before)
        expect(Either.isLeft(result) && result.left._tag).toBe("InvalidAmount")
      }
    })

    it("redeemUpTo spends what the card holds, up to the amount", () => {
      const partial = Either.getOrThrow(GiftCard.redeemUpTo(card(3000), eur(1000), before))
      expect(partial.redeemed).toStrictEqual(eur(1000))
      expect(partial.card.remainingBalance).toStrictEqual(eur(2000))
      const all = Either.getOrThrow(GiftCard.redeemUpTo(partial.card, eur(9999), before))
      expect(all.redeemed).toStrictEqual(eur(2000))
      expect(all.card.status).toBe("REDEEMED")
      const none = GiftCard.redeemUpTo(all.card, eur(1), before)
      expect(Either.isLeft(none) && none.left._tag).toBe("InsufficientBalance")
    })
  })

  describe("void and expiry", () => {
    it("voiding is idempotent and keeps the balance for the record", () => {
      const voided = GiftCard.voidCard(card())
      expect(voided.status).toBe("VOID")
      expect(voided.remainingBalance).toStrictEqual(eur(5000))
      expect(GiftCard.voidCard(voided)).toBe(voided)
    })

    it("a void card cannot be re-dated (no reactivation)", () => {
      const result = GiftCard.updateExpiry(GiftCard.voidCard(card()), Option.none())
      expect(result).toStrictEqual(Either.left(new GiftCard.GiftCardVoid({ code, operation: "change the expiry of" })))
    })

    it("moving the expiry reactivates an expired card, or expires an active one", () => {
      const expired = card()
      expect(GiftCard.status(expired, after)).toBe("EXPIRED")
      const extended = Either.getOrThrow(
        GiftCard.updateExpiry(expired, Option.some(DateTime.unsafeMake("2028-01-01T00:00:00Z")))
      )
      expect(GiftCard.status(extended, after)).toBe("ACTIVE")
      expect(Either.isRight(GiftCard.redeem(extended, eur(100), after))).toBe(true)
      const cut = Either.getOrThrow(GiftCard.updateExpiry(extended, Option.some(before)))
      expect(GiftCard.status(cut, before)).toBe("EXPIRED")
    })
  })

  describe("transitions", () => {
    it("every status is reachable from ACTIVE; VOID has no way out", () => {
      const seen = new Set<GiftCard.Status>(["ACTIVE"])
      const queue: Array<GiftCard.Status> = ["ACTIVE"]
      while (queue.length > 0) {
        for (const next of GiftCard.transitions[queue.shift()!]) {
          if (!seen.has(next)) {
            seen.add(next)
            queue.push(next)
          }
        }
      }
      expect([...seen].sort()).toStrictEqual([...GiftCard.Status.literals].sort())
      expect(GiftCard.transitions.VOID).toStrictEqual([])
    })
  })

  // A random sequence of everything that can happen to a card: redemptions
  // (valid or not), redeem-up-to, voids, expiry changes and the clock moving.
  type Op =
    | { readonly _tag: "Redeem"; readonly amount: number; readonly currency: "EUR" | "USD" }
    | { readonly _tag: "RedeemNearBalance"; readonly delta: number }
    | { readonly _tag: "RedeemUpTo"; readonly amount: number }
    | { readonly _tag: "Void" }
    | { readonly _tag: "SetExpiry"; readonly inSeconds: number | null }
    | { readonly _tag: "Tick"; readonly seconds: number }

  const opArbitrary: FastCheck.Arbitrary<Op> = FastCheck.oneof(
    {
      weight: 5,
      arbitrary: FastCheck.record({
        _tag: FastCheck.constant("Redeem" as const),
        amount: FastCheck.integer({ min: -100, max: 3000 }),
        currency: FastCheck.constantFrom("EUR" as const, "EUR" as const, "USD" as const)
      })
    },
    {
      // Probes the exact edge: remaining balance ± a few cents.
      weight: 3,
      arbitrary: FastCheck.record({
        _tag: FastCheck.constant("RedeemNearBalance" as const),
        delta: FastCheck.integer({ min: -3, max: 3 })
      })
    },
    {
      weight: 2,
      arbitrary: FastCheck.record({
        _tag: FastCheck.constant("RedeemUpTo" as const),
        amount: FastCheck.integer({ min: -100, max: 3000 })
      })
    },
    { weight: 1, arbitrary: FastCheck.constant({ _tag: "Void" as const }) },
    {
      weight: 1,
      arbitrary: FastCheck.record({
        _tag: FastCheck.constant("SetExpiry" as const),
        inSeconds: FastCheck.option(FastCheck.integer({ min: -1000, max: 1000 }), { nil: null })
      })
    },
    {
      weight: 2,
      arbitrary: FastCheck.record({
        _tag: FastCheck.constant("Tick" as const),
        seconds: FastCheck.integer({ min: 0, max: 500 })
      })
    }
  )

  it.prop(
    "under any sequence: balance never negative, redemptions within the initial balance, void absorbing, legal transitions",
    [
      FastCheck.integer({ min: 1, max: 10000 }),
      FastCheck.option(FastCheck.integer({ min: 1, max: 2000 }), { nil: null }),
      FastCheck.array(opArbitrary, { maxLength: 60 })
    ],
    ([initial, expiryIn, ops]) => {
      let now = issuedAt
      let current = card(initial, expiryIn === null ? null : DateTime.add(issuedAt, { seconds: expiryIn }))
      let redeemed = 0
      let voidedBalance: Money.Money | undefined
      for (const op of ops) {
        const statusBefore = GiftCard.status(current, now)
        let next = current
        switch (op._tag) {
          case "Redeem":
          case "RedeemNearBalance": {
            const amount: Money.Money =
              op._tag === "Redeem"
                ? { amount: op.amount, currency: op.currency }
                : eur(current.remainingBalance.amount + op.delta)
            const result = GiftCard.redeem(current, amount, now)
            if (Either.isRight(result)) {
              redeemed += amount.amount
              next = result.right
            } else {
              // A refusal is explained by the card's state at that moment.
              const tag = result.left._tag
              if (tag === "GiftCardVoid") expect(statusBefore).toBe("VOID")
              if (tag === "GiftCardExpired") expect(statusBefore).toBe("EXPIRED")
              if (tag === "InsufficientBalance") expect(amount.amount).toBeGreaterThan(current.remainingBalance.amount)
              if (tag === "InvalidAmount") expect(amount.amount).toBeLessThanOrEqual(0)
              if (tag === "CurrencyMismatch") expect(amount.currency).toBe("USD")
            }
            break
          }
          case "RedeemUpTo": {
            const result = GiftCard.redeemUpTo(current, eur(op.amount), now)
            if (Either.isRight(result)) {
              expect(result.right.redeemed.amount).toBeLessThanOrEqual(op.amount)
              redeemed += result.right.redeemed.amount
              next = result.right.card
            }
            break
          }
          case "Void":
            next = GiftCard.voidCard(current)
            break
          case "SetExpiry": {
            const expiry =
              op.inSeconds === null ? Option.none() : Option.some(DateTime.add(now, { seconds: op.inSeconds }))
            const result = GiftCard.updateExpiry(current, expiry)
            if (Either.isRight(result)) next = result.right
            else expect(statusBefore).toBe("VOID")
            break
          }
          case "Tick":
            now = DateTime.add(now, { seconds: op.seconds })
            break
        }
        current = next
        const statusAfter = GiftCard.status(current, now)

        expect(current.remainingBalance.amount).toBeGreaterThanOrEqual(0)
        expect(current.remainingBalance.amount).toBe(initial - redeemed)
        expect(redeemed).toBeLessThanOrEqual(initial)
        expect(satisfiesInvariants(current)).toBe(true)
        if (statusAfter !== statusBefore) expect(GiftCard.canTransition(statusBefore, statusAfter)).toBe(true)
        if (voidedBalance !== undefined) {
          expect(statusAfter).toBe("VOID")
          expect(current.remainingBalance).toStrictEqual(voidedBalance)
        } else if (statusAfter === "VOID") {
          voidedBalance = current.remainingBalance
        }
      }
    },
    { fastCheck: { numRuns: 300 } }
  )
})
