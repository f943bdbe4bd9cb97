import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck as fc, Schema } from "effect"
import { Ids, type Money, PriceList } from "../src/index.js"
import { left, right } from "./helpers.js"

const eur = (amount: number): Money.Money => ({ amount, currency: "EUR" })
const varS = Ids.VariantId.make("var_s")
const varM = Ids.VariantId.make("var_m")
const varL = Ids.VariantId.make("var_l")

const list: PriceList.PriceList = {
  id: PriceList.PriceListId.make("pl_wholesale"),
  entries: [
    { _tag: "FixedPrice", variantId: varS, currency: "EUR", price: 1999 },
    { _tag: "PercentOff", variantId: varM, currency: "EUR", percentOff: { percent: "15" } },
    { _tag: "FixedPrice", variantId: varM, currency: "USD", price: 2100 }
  ]
}
const index = PriceList.index(list)

describe("PriceList", () => {
  it("a fixed price replaces the catalogue price", () => {
    const priced = right(
      PriceList.unitPrice({
        productPrice: eur(2999),
        variantPrice: eur(3499),
        variantId: varS,
        priceList: index
      })
    )
    expect(priced).toEqual({ unitPrice: eur(1999), source: "PRICE_LIST_FIXED" })
  })

  it("a percentage off applies to the variant price, falling back to the product price", () => {
    expect(
      right(
        PriceList.unitPrice({ productPrice: eur(2999), variantPrice: eur(4000), variantId: varM, priceList: index })
      )
    ).toEqual({ unitPrice: eur(3400), source: "PRICE_LIST_PERCENT_OFF" })
    // 85% of 29.99 = 25.4915 → 25.49
    expect(
      right(PriceList.unitPrice({ productPrice: eur(2999), variantPrice: null, variantId: varM, priceList: index }))
    ).toEqual({ unitPrice: eur(2549), source: "PRICE_LIST_PERCENT_OFF" })
  })

  it("rounds the discounted unit price half-even, or as told", () => {
    // 85% of 0.10 = 0.085 → 0.08 half-even, 0.09 half-from-zero
    const entry = list.entries[1]!
    expect(right(PriceList.apply(entry, eur(10)))).toEqual(eur(8))
    expect(right(PriceList.apply(entry, eur(10), "half-from-zero"))).toEqual(eur(9))
  })

  it("is per currency: an entry of another currency does not apply", () => {
    expect(
      right(PriceList.unitPrice({ productPrice: eur(2999), variantPrice: null, variantId: varS, priceList: undefined }))
    ).toEqual({ unitPrice: eur(2999), source: "PRODUCT" })
    const usd = { amount: 3000, currency: "USD" } as const
    expect(
      right(PriceList.unitPrice({ productPrice: usd, variantPrice: null, variantId: varS, priceList: index }))
    ).toEqual({ unitPrice: usd, source: "PRODUCT" })
    expect(
      right(PriceList.unitPrice({ productPrice: usd, variantPrice: null, variantId: varM, priceList: index }))
    ).toEqual({ unitPrice: { amount: 2100, currency: "USD" }, source: "PRICE_LIST_FIXED" })
  })

  it("variants without an entry keep the catalogue price", () => {
    expect(
      right(
        PriceList.unitPrice({ productPrice: eur(2999), variantPrice: eur(3100), variantId: varL, priceList: index })
      )
    ).toEqual({ unitPrice: eur(3100), source: "VARIANT" })
    expect(
      right(PriceList.unitPrice({ productPrice: eur(2999), variantPrice: null, variantId: null, priceList: index }))
    ).toEqual({ unitPrice: eur(2999), source: "PRODUCT" })
  })

  it("refuses more than 100% off, negative fixed prices and duplicate entries", () => {
    expect(
      left(
        PriceList.apply(
          { _tag: "PercentOff", variantId: varS, currency: "EUR", percentOff: { basisPoints: 10001 } },
          eur(100)
        )
      )._tag
    ).toBe("InvalidRate")
    expect(
      right(
        PriceList.apply(
          { _tag: "PercentOff", variantId: varS, currency: "EUR", percentOff: { percent: "100" } },
          eur(100)
        )
      )
    ).toEqual(eur(0))
    expect(
      left(PriceList.apply({ _tag: "FixedPrice", variantId: varS, currency: "EUR", price: -1 }, eur(100)))._tag
    ).toBe("NegativeAmount")
    const decode = Schema.decodeUnknownEither(PriceList.PriceList)
    expect(
      Either.isRight(
        decode({
          id: "pl_1",
          entries: [
            { _tag: "FixedPrice", variantId: "var_s", currency: "EUR", price: 100 },
            { _tag: "FixedPrice", variantId: "var_s", currency: "USD", price: 100 }
          ]
        })
      )
    ).toBe(true)
    expect(
      Either.isLeft(
        decode({
          id: "pl_1",
          entries: [
            { _tag: "FixedPrice", variantId: "var_s", currency: "EUR", price: 100 },
            { _tag: "PercentOff", variantId: "var_s", currency: "EUR", percentOff: { percent: "10" } }
          ]
        })
      )
    ).toBe(true)
  })

  it("make refuses a second entry for a variant and currency, a negative price, more than 100% off", () => {
    const id = PriceList.PriceListId.make("pl_1")
    expect(right(PriceList.make(id, list.entries))).toEqual({ id, entries: list.entries })
    const second = left(
      PriceList.make(id, [
        { _tag: "FixedPrice", variantId: varS, currency: "EUR", price: 100 },
        { _tag: "FixedPrice", variantId: varS, currency: "USD", price: 100 },
        { _tag: "PercentOff", variantId: varS, currency: "EUR", percentOff: { percent: "10" } }
      ])
    )
    expect(second).toMatchObject({ _tag: "InvalidEntry", index: 2 })
    expect(second.message).toContain("var_s in EUR")
    expect(right(PriceList.checkEntries([]))).toEqual([])
    expect(
      left(PriceList.make(id, [{ _tag: "FixedPrice", variantId: varS, currency: "EUR", price: -1 }]))
    ).toMatchObject({ index: 0 })
    expect(
      left(
        PriceList.make(id, [
          { _tag: "FixedPrice", variantId: varS, currency: "EUR", price: 0 },
          { _tag: "PercentOff", variantId: varM, currency: "EUR", percentOff: { percent: "100.01" } }
        ])
      )
    ).toMatchObject({ index: 1, reason: "a percentage off cannot exceed 100%" })
    expect(
      Either.isRight(
        PriceList.make(id, [{ _tag: "PercentOff", variantId: varM, currency: "EUR", percentOff: { percent: "100" } }])
      )
    ).toBe(true)
  })

  const hundredths = fc.integer({ min: 0, max: 10_000 })
  const percentOf = (h: number): string => (h % 100 === 0 ? String(h / 100) : (h / 100).toFixed(2))
  const price = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })

  it("a percentage off gives a whole number of minor units between 0 and the catalogue price", () => {
    fc.assert(
      fc.property(price, hundredths, (amount, h) => {
        const entry: PriceList.Entry = {
          _tag: "PercentOff",
          variantId: varM,
          currency: "EUR",
          percentOff: { percent: percentOf(h) }
        }
        const priced = right(PriceList.apply(entry, eur(amount))).amount
        expect(Number.isSafeInteger(priced)).toBe(true)
        expect(priced).toBeGreaterThanOrEqual(0)
        expect(priced).toBeLessThanOrEqual(amount)
        // Exactly amount × (1 − h/10000), rounded half-even: within half a minor unit of the exact value.
        const exact = BigInt(amount) * BigInt(10_000 - h)
        const diff = BigInt(priced) * 10_000n - exact
        expect(diff <= 5_000n && diff >= -5_000n).toBe(true)
      })
    )
  })

  it("more off never costs more; 0% keeps the price and 100% makes it free", () => {
    fc.assert(
      fc.property(price, hundredths, hundredths, (amount, a, b) => {
        const at = (h: number) =>
          right(
            PriceList.apply(
              { _tag: "PercentOff", variantId: varM, currency: "EUR", percentOff: { percent: percentOf(h) } },
              eur(amount)
            )
          ).amount
        const [less, more] = a <= b ? [a, b] : [b, a]
        expect(at(more)).toBeLessThanOrEqual(at(less))
        expect(at(0)).toBe(amount)
        expect(at(10_000)).toBe(0)
      })
    )
  })

  it("a fixed price is the unit price whatever the catalogue says, in its currency only", () => {
    fc.assert(
      fc.property(price, price, fc.boolean(), (catalogue, fixed, hasVariantPrice) => {
        const lookup = PriceList.index({
          id: PriceList.PriceListId.make("pl_p"),
          entries: [{ _tag: "FixedPrice", variantId: varS, currency: "EUR", price: fixed }]
        })
        const priced = right(
          PriceList.unitPrice({
            productPrice: eur(catalogue),
            variantPrice: hasVariantPrice ? eur(catalogue) : null,
            variantId: varS,
            priceList: lookup
          })
        )
        expect(priced).toEqual({ unitPrice: eur(fixed), source: "PRICE_LIST_FIXED" })
        const usd = { amount: catalogue, currency: "USD" } as const
        expect(
          right(PriceList.unitPrice({ productPrice: usd, variantPrice: null, variantId: varS, priceList: lookup }))
            .unitPrice
        ).toEqual(usd)
      })
    )
  })
})
