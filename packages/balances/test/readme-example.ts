import { randomBytes } from "node:crypto"
import { DateTime, Effect, Either } from "effect"
import { GiftCard, GiftCardCode, GiftCardCodeGenerator, StoreCredit } from "@shopvo/balances"

const eur = (amount: number) => ({ amount, currency: "EUR" as const })

// Gift cards: the code comes from the generator service, fed by a secure
// random source that the application provides.
export const giftCard = Effect.gen(function* () {
  const card = yield* GiftCard.issue({
    id: GiftCard.GiftCardId.make("gc_abc"),
    initialBalance: eur(5000), // €50.00
    issuedAt: DateTime.unsafeMake("2025-01-10T12:00:00Z"),
    expiresAt: DateTime.unsafeMake("2026-12-31T23:59:59Z")
  })
  const now = DateTime.unsafeMake("2025-03-01T09:30:00Z")

  // What the customer typed at checkout, in any case.
  const typed = yield* GiftCardCode.parse(` ${card.code.toLowerCase()} `)

  const partly = yield* GiftCard.redeem(card, eur(2500), now) // €25.00 left, ACTIVE
  const tooMuch = GiftCard.redeem(partly, eur(3000), now) // InsufficientBalance
  const voided = GiftCard.voidCard(partly)

  return {
    code: typed,
    remaining: partly.remainingBalance,
    status: GiftCard.status(partly, now),
    refused: Either.isLeft(tooMuch) ? tooMuch.left._tag : "accepted",
    afterVoid: GiftCard.redeem(voided, eur(100), now).pipe(
      Either.flip,
      Either.map((e) => e._tag)
    )
  }
}).pipe(Effect.provide(GiftCardCodeGenerator.layer(randomBytes)))

// Store credit: a ledger of CREDIT/DEBIT transactions that never goes negative.
export const storeCredit = Either.gen(function* () {
  const ledger = yield* StoreCredit.fromTransactions("EUR", [
    { type: "CREDIT", amount: eur(5000) }, // welcome bonus
    { type: "DEBIT", amount: eur(1500) } // spent on an order
  ])
  const overdraft = StoreCredit.debit(ledger, eur(4000)) // only €35.00 held
  return {
    balance: StoreCredit.balance(ledger),
    overdraft: Either.isLeft(overdraft) ? overdraft.left.message : "accepted"
  }
})
