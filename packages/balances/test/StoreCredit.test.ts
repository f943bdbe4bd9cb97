import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck, Schema } from "effect"
import { Balance, StoreCredit } from "@shopvo/balances"
import type { Money } from "@shopvo/pricing"

const eur = (amount: number): Money.Money => ({ amount, currency: "EUR" })
const credit = (amount: number): StoreCredit.Transaction => ({ type: "CREDIT", amount: eur(amount) })
const debit = (amount: number): StoreCredit.Transaction => ({ type: "DEBIT", amount: eur(amount) })

// Schema.is on a class only checks the prototype; a round trip replays the history.
const satisfiesInvariants = (ledger: StoreCredit.StoreCreditLedger): boolean =>
  Either.isRight(
    Schema.decodeEither(StoreCredit.StoreCreditLedger)(Schema.encodeSync(StoreCredit.StoreCreditLedger)(ledger))
  )

describe("StoreCredit", () => {
  it("balance follows credits and debits (the reference's example)", () => {
    const ledger = Either.getOrThrow(StoreCredit.fromTransactions("EUR", [credit(5000), debit(1500)]))
    expect(StoreCredit.balance(ledger)).toStrictEqual(eur(3500))
    const after = Either.getOrThrow(StoreCredit.credit(ledger, eur(2000)))
    expect(StoreCredit.balance(after)).toStrictEqual(eur(5500))
    expect(after.transactions).toStrictEqual([credit(5000), debit(1500), credit(2000)])
  })

  it("a debit beyond the balance fails and leaves the ledger as it was", () => {
    const ledger = Either.getOrThrow(StoreCredit.credit(StoreCredit.empty("EUR"), eur(1000)))
    const result = StoreCredit.debit(ledger, eur(1001))
    expect(result).toStrictEqual(
      Either.left(new Balance.InsufficientBalance({ available: eur(1000), requested: eur(1001) }))
    )
    expect(Either.isLeft(result) && result.left.message).toBe(
      "Insufficient balance: requested 10.01 EUR, available 10.00 EUR"
    )
    expect(StoreCredit.balance(ledger)).toStrictEqual(eur(1000))
    expect(StoreCredit.balance(Either.getOrThrow(StoreCredit.debit(ledger, eur(1000))))).toStrictEqual(eur(0))
  })

  it("refuses zero, negative and other-currency amounts", () => {
    const ledger = StoreCredit.empty("EUR")
    for (const tx of [credit(0), credit(-5), debit(0), debit(-5)]) {
      const result = StoreCredit.apply(ledger, tx)
      expect(Either.isLeft(result) && result.left._tag).toBe("InvalidAmount")
    }
    const usd = StoreCredit.credit(ledger, { amount: 100, currency: "USD" })
    expect(Either.isLeft(usd) && usd.left._tag).toBe("CurrencyMismatch")
  })

  it("refuses a credit that would leave the safe-integer range", () => {
    const ledger = Either.getOrThrow(StoreCredit.open(eur(Number.MAX_SAFE_INTEGER)))
    const result = StoreCredit.credit(ledger, eur(1))
    expect(Either.isLeft(result) && result.left._tag).toBe("AmountOutOfRange")
  })

  it("open continues from a stored balance; a negative one is refused", () => {
    const ledger = Either.getOrThrow(StoreCredit.open(eur(3500)))
    expect(StoreCredit.balance(Either.getOrThrow(StoreCredit.debit(ledger, eur(3500))))).toStrictEqual(eur(0))
    const negative = StoreCredit.open(eur(-1))
    expect(Either.isLeft(negative) && negative.left._tag).toBe("NegativeAmount")
  })

  it("fromTransactions refuses a history that went negative", () => {
    const result = StoreCredit.fromTransactions("EUR", [credit(100), debit(50), debit(60), credit(1000)])
    expect(result).toStrictEqual(
      Either.left(new Balance.InsufficientBalance({ available: eur(50), requested: eur(60) }))
    )
  })

  it("decoding replays the history: negative or inconsistent ledgers are rejected", () => {
    const decode = Schema.decodeUnknownEither(StoreCredit.StoreCreditLedger)
    const base = { currency: "EUR", openingBalance: eur(0) }
    expect(decode({ ...base, balance: eur(50), transactions: [credit(100), debit(50)] })).toSatisfy(Either.isRight)
    expect(decode({ ...base, balance: eur(-50), transactions: [credit(50), debit(100)] })).toSatisfy(Either.isLeft)
    expect(decode({ ...base, balance: eur(60), transactions: [credit(100), debit(50)] })).toSatisfy(Either.isLeft)
    expect(decode({ ...base, balance: eur(0), transactions: [debit(10), credit(10)] })).toSatisfy(Either.isLeft)
    expect(decode({ ...base, balance: eur(0), transactions: [credit(0)] })).toSatisfy(Either.isLeft)
    expect(decode({ ...base, openingBalance: eur(-1), balance: eur(-1), transactions: [] })).toSatisfy(Either.isLeft)
  })

  // Amounts are either absolute or relative to the balance at that moment
  // (balance + delta), so the sequences keep probing the exact overdraft edge.
  type Step = {
    readonly type: StoreCredit.TransactionType
    readonly amount:
      | { readonly _tag: "Absolute"; readonly value: number }
      | { readonly _tag: "Relative"; readonly delta: number }
    readonly currency: "EUR" | "GBP"
  }
  const stepArbitrary: FastCheck.Arbitrary<Step> = FastCheck.record({
    type: FastCheck.constantFrom("CREDIT" as const, "DEBIT" as const),
    amount: FastCheck.oneof(
      FastCheck.record({
        _tag: FastCheck.constant("Absolute" as const),
        value: FastCheck.integer({ min: -50, max: 5000 })
      }),
      FastCheck.record({ _tag: FastCheck.constant("Relative" as const), delta: FastCheck.integer({ min: -3, max: 3 }) })
    ),
    currency: FastCheck.constantFrom("EUR" as const, "EUR" as const, "EUR" as const, "GBP" as const)
  })
  const toTransaction = (step: Step, balance: number): StoreCredit.Transaction => ({
    type: step.type,
    amount: {
      amount: step.amount._tag === "Absolute" ? step.amount.value : balance + step.amount.delta,
      currency: step.currency
    }
  })

  it.prop(
    "never negative under any sequence; balance = opening + accepted credits - accepted debits",
    [FastCheck.integer({ min: 0, max: 10000 }), FastCheck.array(stepArbitrary, { maxLength: 100 })],
    ([opening, steps]) => {
      let ledger = Either.getOrThrow(StoreCredit.open(eur(opening)))
      let expected = opening
      for (const step of steps) {
        const tx = toTransaction(step, ledger.balance.amount)
        const result = StoreCredit.apply(ledger, tx)
        if (Either.isRight(result)) {
          expected += tx.type === "CREDIT" ? tx.amount.amount : -tx.amount.amount
          ledger = result.right
        } else if (result.left._tag === "InsufficientBalance") {
          // Only an overdraft is refused this way, never a debit that fits.
          expect(tx.type).toBe("DEBIT")
          expect(tx.amount.amount).toBeGreaterThan(ledger.balance.amount)
        }
        expect(StoreCredit.balance(ledger).amount).toBeGreaterThanOrEqual(0)
        expect(StoreCredit.balance(ledger).amount).toBe(expected)
      }
      expect(satisfiesInvariants(ledger)).toBe(true)
    }
  )

  it.prop(
    "a debit of at most the balance always succeeds; one cent more always fails",
    [FastCheck.integer({ min: 1, max: 1_000_000 }), FastCheck.integer({ min: 1, max: 1_000_000 })],
    ([held, wanted]) => {
      const ledger = Either.getOrThrow(StoreCredit.open(eur(held)))
      const spend = Math.min(held, wanted)
      expect(StoreCredit.debit(ledger, eur(spend))).toSatisfy(Either.isRight)
      expect(StoreCredit.debit(ledger, eur(held + 1))).toSatisfy(Either.isLeft)
    }
  )

  it.prop(
    "fromTransactions accepts exactly the histories whose running balance stays non-negative",
    [FastCheck.array(FastCheck.tuple(FastCheck.boolean(), FastCheck.integer({ min: 1, max: 100 })), { maxLength: 30 })],
    ([steps]) => {
      const txs = steps.map(([isCredit, amount]) => (isCredit ? credit(amount) : debit(amount)))
      let running = 0
      let everNegative = false
      for (const tx of txs) {
        running += tx.type === "CREDIT" ? tx.amount.amount : -tx.amount.amount
        if (running < 0) everNegative = true
      }
      const result = StoreCredit.fromTransactions("EUR", txs)
      expect(Either.isRight(result)).toBe(!everNegative)
      if (Either.isRight(result)) expect(StoreCredit.balance(result.right)).toStrictEqual(eur(running))
    }
  )
})
