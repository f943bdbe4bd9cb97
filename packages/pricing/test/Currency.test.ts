import { describe, expect, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import { Currency } from "../src/index.js"

describe("Currency", () => {
  it("exponents follow ISO 4217", () => {
    const expected: Record<string, number> = {
      EUR: 2,
      USD: 2,
      GBP: 2,
      CHF: 2,
      SEK: 2,
      DKK: 2,
      NOK: 2,
      PLN: 2,
      CZK: 2,
      HUF: 2,
      CAD: 2,
      AUD: 2,
      JPY: 0,
      ISK: 0,
      KRW: 0,
      BHD: 3,
      KWD: 3,
      JOD: 3,
      OMR: 3,
      TND: 3
    }
    for (const [code, exponent] of Object.entries(expected)) {
      expect(Currency.isCode(code)).toBe(true)
      if (Currency.isCode(code)) expect(Currency.exponent(code)).toBe(exponent)
    }
  })

  it("minorUnitsPerMajor is 10^exponent", () => {
    expect(Currency.minorUnitsPerMajor("EUR")).toBe(100n)
    expect(Currency.minorUnitsPerMajor("JPY")).toBe(1n)
    expect(Currency.minorUnitsPerMajor("BHD")).toBe(1000n)
  })

  it("the Code schema accepts exact known codes only", () => {
    const decode = Schema.decodeUnknownEither(Currency.Code)
    expect(Either.isRight(decode("EUR"))).toBe(true)
    expect(Either.isLeft(decode("eur"))).toBe(true)
    expect(Either.isLeft(decode("XXX"))).toBe(true)
    expect(Either.isLeft(decode(978))).toBe(true)
    expect(Currency.isCode("toString")).toBe(false)
  })

  it("every listed code is three upper-case letters with exponent 0, 2 or 3", () => {
    for (const code of Currency.codes) {
      expect(code).toMatch(/^[A-Z]{3}$/)
      expect([0, 2, 3]).toContain(Currency.exponent(code))
    }
  })
})
