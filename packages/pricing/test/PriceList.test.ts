import { describe, expect, it } from "@effect/vitest"
import { Either, Schema } from "effect"
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
})
