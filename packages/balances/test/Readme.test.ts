import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { readFileSync } from "node:fs"
import { giftCard, storeCredit } from "./readme-example.js"

const read = (relative: string) => readFileSync(new URL(relative, import.meta.url), "utf8")

describe("README", () => {
  it("shows the example that this test compiles and runs", () => {
    const block = /```ts\n([\s\S]*?)```/.exec(read("../README.md"))?.[1]
    expect(block?.trim()).toBe(read("./readme-example.ts").trim())
  })

  it.effect("the gift card example gives the results its comments state", () =>
    Effect.gen(function* () {
      const result = yield* giftCard
      expect(result.code).toMatch(/^GIFT-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$/)
      expect(result.remaining).toStrictEqual({ amount: 2500, currency: "EUR" })
      expect(result.status).toBe("ACTIVE")
      expect(result.refused).toBe("InsufficientBalance")
      expect(result.afterVoid).toStrictEqual(Either.right("GiftCardVoid"))
    })
  )

  it("the store credit example gives the results its comments state", () => {
    const result = Either.getOrThrow(storeCredit)
    expect(result.balance).toStrictEqual({ amount: 3500, currency: "EUR" })
    expect(result.overdraft).toBe("Insufficient balance: requested 40.00 EUR, available 35.00 EUR")
  })
})
