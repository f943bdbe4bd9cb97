import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck as fc, Schema } from "effect"
import { Cart, type Currency, Ids, type Money, PriceList, Rate, Totals } from "../src/index.js"
import { left, right } from "./helpers.js"

const eur = (amount: number): Money.Money => ({ amount, currency: "EUR" })
const lineId = Ids.LineId.make
const line = (
  id: string,
  price: number,
  quantity: number,
  options: {
    variantPrice?: number | null
    taxRate?: Rate.Rate
    variantId?: string | null
    currency?: Currency.Code
  } = {}
): Cart.Line => {
  const currency = options.currency ?? "EUR"
  return {
    id: lineId(id),
    productId: Ids.ProductId.make(`prd_${id}`),
    variantId: options.variantId === null ? null : Ids.VariantId.make(options.variantId ?? `var_${id}`),
    quantity,
    productPrice: { amount: price, currency },
    variantPrice:
      options.variantPrice === undefined || options.variantPrice === null
        ? null
        : { amount: options.variantPrice, currency },
    taxRate: options.taxRate ?? { percent: "21" }
  }
}

describe("Totals", () => {
  it("unit price × quantity, variant price first, product price as fallback", () => {
    const t = right(
      Totals.compute({
        currency: "EUR",
        taxMode: "EXCLUSIVE",
        lines: [line("a", 2999, 2), line("b", 2999, 1, { variantPrice: 3499 })]
      })
    )
    expect(t.lines.map((l) => [l.unitPrice.amount, l.priceSource, l.subtotal.amount])).toEqual([
      [2999, "PRODUCT", 5998],
      [3499, "VARIANT", 3499]
    ])
    expect(t.subtotal).toEqual(eur(9497))
    // per-line tax: 21% of 59.98 = 12.5958 → 12.60; of 34.99 = 7.3479 → 7.35
    expect(t.lines.map((l) => l.tax.amount)).toEqual([1260, 735])
    expect(t.taxTotal).toEqual(eur(1995))
    expect(t.total).toEqual(eur(11492))
    expect(t.amountDue).toEqual(eur(11492))
  })

  it("tax is rounded per line, which can differ from tax on the cart total", () => {
    // Three lines of 0.05 at 10%: each 0.005 → 0.00 (half-even); on 0.15 it would be 0.015 → 0.02.
    const t = right(
      Totals.compute({
        currency: "EUR",
        taxMode: "EXCLUSIVE",
        lines: [
          line("a", 5, 1, { taxRate: { percent: "10" } }),
          line("b", 5, 1, { taxRate: { percent: "10" } }),
          line("c", 5, 1, { taxRate: { percent: "10" } })
        ]
      })
    )
    expect(t.taxTotal).toEqual(eur(0))
  })

  it("INCLUSIVE prices are what the customer pays; tax is extracted per line", () => {
    const t = right(
      Totals.compute({
        currency: "EUR",
        taxMode: "INCLUSIVE",
        lines: [
          line("a", 1210, 1),
          line("b", 1000, 1, { taxRate: { basisPoints: 2100 } }),
          line("c", 500, 2, { taxRate: Rate.zero })
        ]
      })
    )
    expect(t.lines.map((l) => [l.net.amount, l.tax.amount, l.total.amount])).toEqual([
      [1000, 210, 1210],
      [826, 174, 1000],
      [1000, 0, 1000]
    ])
    expect(t.total).toEqual(eur(3210))
    expect(t.taxTotal).toEqual(eur(384))
  })

  it("a discount is allocated across lines by subtotal and taxed after", () => {
    const t = right(
      Totals.compute({
        currency: "EUR",
        taxMode: "EXCLUSIVE",
        lines: [line("a", 3000, 1), line("b", 1000, 1)],
        discounts: [{ label: "WELCOME10", amount: eur(1000), lineIds: null }]
      })
    )
    expect(t.lines.map((l) => [l.discount.amount, l.net.amount, l.tax.amount])).toEqual([
      // 21% of 22.50 = 4.725 → 4.72 and of 7.50 = 1.575 → 1.58 (half-even ties)
      [750, 2250, 472],
      [250, 750, 158]
    ])
    expect(t.discountTotal).toEqual(eur(1000))
    expect(t.total).toEqual(eur(3630))
  })

  it("a discount restricted to some lines never reaches the others and is capped at them", () => {
    const t = right(
      Totals.compute({
        currency: "EUR",
        taxMode: "EXCLUSIVE",
        lines: [line("a", 3000, 1, { taxRate: Rate.zero }), line("b", 1000, 1, { taxRate: Rate.zero })],
        discounts: [{ label: "SHIRTS", amount: eur(5000), lineIds: [lineId("b")] }]
      })
    )
    expect(t.lines.map((l) => l.discount.amount)).toEqual([0, 1000])
    expect(t.discounts).toEqual([
      {
        label: "SHIRTS",
        requested: eur(5000),
        applied: eur(1000),
        allocation: [{ lineId: lineId("b"), amount: eur(1000) }]
      }
    ])
    expect(t.total).toEqual(eur(3000))
  })

  it("several discounts share what is left, never discounting a line below zero", () => {
    const t = right(
      Totals.compute({
        currency: "EUR",
        taxMode: "EXCLUSIVE",
        lines: [line("a", 1000, 1, { taxRate: Rate.zero }), line("b", 1000, 1, { taxRate: Rate.zero })],
        discounts: [
          { label: "A_ONLY", amount: eur(800), lineIds: [lineId("a")] },
          { label: "ALL", amount: eur(1000), lineIds: null }
        ]
      })
    )
    // after A_ONLY: a has 200 left, b 1000 → ALL splits 1000 as 167 / 833
    expect(t.lines.map((l) => l.discount.amount)).toEqual([967, 833])
    expect(t.discountTotal).toEqual(eur(1800))
    expect(t.total).toEqual(eur(200))
  })

  it("shipping is discounted (free shipping), taxed at its own rate, and counted in the total", () => {
    const base = {
      currency: "EUR" as const,
      taxMode: "EXCLUSIVE" as const,
      lines: [line("a", 2000, 1, { taxRate: Rate.zero })]
    }
    const paid = right(Totals.compute({ ...base, shipping: { price: eur(495), taxRate: { percent: "20" } } }))
    expect(paid.shipping).toEqual({ price: eur(495), discount: eur(0), net: eur(495), tax: eur(99), total: eur(594) })
    expect(paid.total).toEqual(eur(2594))
    const free = right(
      Totals.compute({ ...base, shipping: { price: eur(495), taxRate: { percent: "20" }, discount: eur(9999) } })
    )
    expect(free.shipping).toEqual({ price: eur(495), discount: eur(495), net: eur(0), tax: eur(0), total: eur(0) })
    expect(free.total).toEqual(eur(2000))
    expect(free.discountTotal).toEqual(eur(495))
  })

  it("gift cards, then store credit, then loyalty, after tax, each capped", () => {
    const t = right(
      Totals.compute({
        currency: "EUR",
        taxMode: "EXCLUSIVE",
        lines: [line("a", 10000, 1)], // 121.00 with tax
        reductions: {
          giftCards: [
            { code: "GIFT-AAAA-BBBB", amount: eur(5000) },
            { code: "GIFT-CCCC-DDDD", amount: eur(5000) }
          ],
          storeCredit: eur(3000),
          loyalty: eur(1000)
        }
      })
    )
    expect(t.total).toEqual(eur(12100))
    expect(t.reductions.map((r) => [r.kind, r.reference, r.requested.amount, r.applied.amount])).toEqual([
      ["GIFT_CARD", "GIFT-AAAA-BBBB", 5000, 5000],
      ["GIFT_CARD", "GIFT-CCCC-DDDD", 5000, 5000],
      ["STORE_CREDIT", null, 3000, 2100],
      ["LOYALTY", null, 1000, 0]
    ])
    expect(t.reductionTotal).toEqual(eur(12100))
    expect(t.amountDue).toEqual(eur(0))
  })

  it("B2B price lists set the unit price: fixed or percentage off", () => {
    const priceList: PriceList.PriceList = {
      id: PriceList.PriceListId.make("pl_acme"),
      entries: [
        { _tag: "FixedPrice", variantId: Ids.VariantId.make("var_a"), currency: "EUR", price: 1500 },
        {
          _tag: "PercentOff",
          variantId: Ids.VariantId.make("var_b"),
          currency: "EUR",
          percentOff: { basisPoints: 1000 }
        }
      ]
    }
    const t = right(
      Totals.compute({
        currency: "EUR",
        taxMode: "EXCLUSIVE",
        priceList,
        lines: [line("a", 2999, 10), line("b", 2999, 3, { variantPrice: 1995 }), line("c", 999, 1)]
      })
    )
    expect(t.lines.map((l) => [l.priceSource, l.unitPrice.amount, l.subtotal.amount])).toEqual([
      ["PRICE_LIST_FIXED", 1500, 15000],
      ["PRICE_LIST_PERCENT_OFF", 1796, 5388], // 90% of 19.95 = 17.955 → 17.96 (half-even: 1795.5 → 1796)
      ["PRODUCT", 999, 999]
    ])
  })

  it("works in JPY (exponent 0) and BHD (exponent 3)", () => {
    const jpy = right(
      Totals.compute({
        currency: "JPY",
        taxMode: "INCLUSIVE",
        lines: [line("a", 1100, 3, { currency: "JPY", taxRate: { percent: "10" } })]
      })
    )
    expect(jpy.lines[0]!.tax).toEqual({ amount: 300, currency: "JPY" })
    const bhd = right(
      Totals.compute({
        currency: "BHD",
        taxMode: "EXCLUSIVE",
        lines: [line("a", 12345, 1, { currency: "BHD", taxRate: { percent: "10" } })]
      })
    )
    // 10% of 12.345 BHD = 1.2345 → 1.234 (half-even) → total 13.579
    expect(bhd.total).toEqual({ amount: 13579, currency: "BHD" })
  })

  it("fails with typed errors", () => {
    const base = { currency: "EUR" as const, taxMode: "EXCLUSIVE" as const }
    expect(left(Totals.compute({ ...base, lines: [line("a", 100, 1, { currency: "USD" })] }))).toMatchObject({
      _tag: "CurrencyMismatch",
      expected: "EUR",
      actual: "USD"
    })
    expect(left(Totals.compute({ ...base, lines: [line("a", -100, 1)] }))._tag).toBe("NegativeAmount")
    expect(left(Totals.compute({ ...base, lines: [line("a", 100, 0)] }))._tag).toBe("InvalidAmount")
    expect(left(Totals.compute({ ...base, lines: [line("a", 100, 1), line("a", 100, 1)] }))).toMatchObject({
      _tag: "DuplicateLine",
      lineId: "a"
    })
    expect(
      left(
        Totals.compute({
          ...base,
          lines: [line("a", 100, 1)],
          discounts: [{ label: "X", amount: eur(1), lineIds: [lineId("zz")] }]
        })
      )
    ).toMatchObject({ _tag: "UnknownLine", lineId: "zz", discount: "X" })
    expect(
      left(
        Totals.compute({
          ...base,
          lines: [line("a", 100, 1)],
          discounts: [{ label: "X", amount: eur(-1), lineIds: null }]
        })
      )._tag
    ).toBe("NegativeAmount")
    expect(left(Totals.compute({ ...base, lines: [line("a", 100, 1, { taxRate: { percent: "-3" } })] }))._tag).toBe(
      "InvalidRate"
    )
    expect(
      left(Totals.compute({ ...base, lines: [line("a", 100, 1)], reductions: { storeCredit: eur(-5) } }))._tag
    ).toBe("NegativeAmount")
    expect(
      left(
        Totals.compute({ ...base, lines: [line("a", 100, 1)], reductions: { loyalty: { amount: 5, currency: "GBP" } } })
      )._tag
    ).toBe("CurrencyMismatch")
    expect(left(Totals.compute({ ...base, lines: [line("a", Number.MAX_SAFE_INTEGER, 2)] }))._tag).toBe(
      "AmountOutOfRange"
    )
  })

  it("an empty cart totals zero", () => {
    const t = right(Totals.compute({ currency: "EUR", taxMode: "EXCLUSIVE", lines: [] }))
    expect(t.total).toEqual(eur(0))
    expect(t.amountDue).toEqual(eur(0))
  })

  it("decodes its input from JSON and encodes its output", () => {
    const input = Schema.decodeUnknownSync(Cart.Cart)({
      currency: "EUR",
      taxMode: "EXCLUSIVE",
      lines: [
        {
          id: "lin_1",
          productId: "prd_abc",
          variantId: "var_s",
          quantity: 2,
          productPrice: { amount: 2999, currency: "EUR" },
          variantPrice: null,
          taxRate: { percent: "21" }
        }
      ]
    })
    const totals = right(Totals.compute(input))
    expect(Schema.encodeSync(Totals.Totals)(totals).total).toEqual({ amount: 7258, currency: "EUR" })
    expect(
      Either.isLeft(
        Schema.decodeUnknownEither(Cart.Cart)({
          currency: "EUR",
          taxMode: "EXCLUSIVE",
          lines: [{ id: "x", quantity: 1.5 }]
        })
      )
    ).toBe(true)
  })

  // ---------------------------------------------------------------------
  // Properties
  // ---------------------------------------------------------------------

  const rate = fc.oneof(
    fc.integer({ min: 0, max: 3000 }).map((basisPoints): Rate.Rate => ({ basisPoints })),
    fc.constantFrom<Rate.Rate>(
      { percent: "0" },
      { percent: "5.5" },
      { percent: "7.75" },
      { percent: "19" },
      { percent: "21" }
    )
  )
  const arbitraryCart = (currency: Currency.Code) =>
    fc
      .record({
        lines: fc.uniqueArray(
          fc.record({
            id: fc.string({ minLength: 1, maxLength: 4 }).map((s) => `l_${s.replace(/\s/g, "_")}`),
            price: fc.integer({ min: 0, max: 1_000_000 }),
            variantPrice: fc.option(fc.integer({ min: 0, max: 1_000_000 })),
            quantity: fc.integer({ min: 1, max: 50 }),
            taxRate: rate
          }),
          { selector: (l) => l.id, maxLength: 12 }
        ),
        taxMode: fc.constantFrom("EXCLUSIVE" as const, "INCLUSIVE" as const),
        discounts: fc.array(
          fc.record({
            amount: fc.integer({ min: 0, max: 5_000_000 }),
            subset: fc.option(fc.array(fc.nat({ max: 11 })))
          }),
          { maxLength: 3 }
        ),
        shipping: fc.option(
          fc.record({
            price: fc.integer({ min: 0, max: 5000 }),
            discount: fc.integer({ min: 0, max: 6000 }),
            taxRate: rate
          })
        ),
        giftCards: fc.array(fc.integer({ min: 0, max: 10_000_000 }), { maxLength: 3 }),
        storeCredit: fc.option(fc.integer({ min: 0, max: 10_000_000 })),
        loyalty: fc.option(fc.integer({ min: 0, max: 10_000_000 })),
        rounding: fc.constantFrom("half-even" as const, "ceil" as const, "floor" as const, "half-from-zero" as const)
      })
      .map((g): Cart.Cart => {
        const money = (amount: number): Money.Money => ({ amount, currency })
        const lines = g.lines.map((l) => ({
          ...line(l.id, l.price, l.quantity, { variantPrice: l.variantPrice, taxRate: l.taxRate, currency })
        }))
        return {
          currency,
          taxMode: g.taxMode,
          rounding: g.rounding,
          lines,
          discounts: g.discounts.map((d, i) => ({
            label: `D${i}`,
            amount: money(d.amount),
            lineIds: d.subset === null ? null : d.subset.filter((k) => k < lines.length).map((k) => lines[k]!.id)
          })),
          ...(g.shipping === null
            ? {}
            : {
                shipping: {
                  price: money(g.shipping.price),
                  discount: money(g.shipping.discount),
                  taxRate: g.shipping.taxRate
                }
              }),
          reductions: {
            giftCards: g.giftCards.map((amount, i) => ({ code: `GIFT-${i}`, amount: money(amount) })),
            ...(g.storeCredit === null ? {} : { storeCredit: money(g.storeCredit) }),
            ...(g.loyalty === null ? {} : { loyalty: money(g.loyalty) })
          }
        }
      })

  const cartAnyCurrency = fc.constantFrom<Currency.Code>("EUR", "USD", "GBP", "JPY", "BHD").chain(arbitraryCart)

  it.prop("totals are never negative, whatever the discounts and reductions", { cart: cartAnyCurrency }, ({ cart }) => {
    const t = right(Totals.compute(cart))
    const all = [
      t.subtotal,
      t.discountTotal,
      t.taxTotal,
      t.total,
      t.reductionTotal,
      t.amountDue,
      t.shipping.total,
      t.shipping.net,
      t.shipping.tax,
      ...t.lines.flatMap((l) => [l.subtotal, l.discount, l.net, l.tax, l.total]),
      ...t.reductions.map((r) => r.applied)
    ]
    for (const m of all) {
      expect(m.currency).toBe(cart.currency)
      expect(m.amount).toBeGreaterThanOrEqual(0)
    }
  })

  it.prop("totals add up", { cart: cartAnyCurrency }, ({ cart }) => {
    const t = right(Totals.compute(cart))
    const sum = (ms: ReadonlyArray<Money.Money>) => ms.reduce((s, m) => s + m.amount, 0)
    expect(t.total.amount).toBe(sum(t.lines.map((l) => l.total)) + t.shipping.total.amount)
    expect(t.taxTotal.amount).toBe(sum(t.lines.map((l) => l.tax)) + t.shipping.tax.amount)
    expect(t.subtotal.amount).toBe(sum(t.lines.map((l) => l.subtotal)))
    expect(t.amountDue.amount).toBe(t.total.amount - t.reductionTotal.amount)
    expect(t.reductionTotal.amount).toBe(sum(t.reductions.map((r) => r.applied)))
    for (const l of t.lines) {
      expect(l.net.amount + l.tax.amount).toBe(l.total.amount)
      expect(l.discount.amount).toBeLessThanOrEqual(l.subtotal.amount)
      expect(l.subtotal.amount - l.discount.amount).toBe(cart.taxMode === "EXCLUSIVE" ? l.net.amount : l.total.amount)
    }
    for (const d of t.discounts) {
      expect(d.applied.amount).toBeLessThanOrEqual(d.requested.amount)
      expect(sum(d.allocation.map((a) => a.amount))).toBe(d.applied.amount)
    }
    expect(t.discountTotal.amount).toBe(sum(t.discounts.map((d) => d.applied)) + t.shipping.discount.amount)
    for (const r of t.reductions) expect(r.applied.amount).toBeLessThanOrEqual(r.requested.amount)
    // A reduction is only short of its request when nothing is left to pay.
    if (t.reductions.some((r) => r.applied.amount < r.requested.amount)) expect(t.amountDue.amount).toBe(0)
  })

  it.prop(
    "an amount in another currency anywhere in the cart fails with CurrencyMismatch",
    {
      cart: arbitraryCart("EUR"),
      other: fc.constantFrom<Currency.Code>("USD", "GBP", "JPY"),
      where: fc.constantFrom("line", "variant", "discount", "shipping", "giftCard", "storeCredit", "loyalty")
    },
    ({ cart, other, where }) => {
      const foreign: Money.Money = { amount: 100, currency: other }
      const l = line("foreign", 100, 1)
      const patched: Cart.Cart = {
        ...cart,
        lines:
          where === "line"
            ? [...cart.lines, { ...l, productPrice: foreign }]
            : where === "variant"
              ? [...cart.lines, { ...l, variantPrice: foreign }]
              : cart.lines,
        discounts:
          where === "discount"
            ? [...(cart.discounts ?? []), { label: "F", amount: foreign, lineIds: null }]
            : (cart.discounts ?? []),
        ...(where === "shipping" ? { shipping: { price: foreign, taxRate: Rate.zero } } : {}),
        reductions: {
          ...cart.reductions,
          ...(where === "giftCard" ? { giftCards: [{ code: "GIFT-F", amount: foreign }] } : {}),
          ...(where === "storeCredit" ? { storeCredit: foreign } : {}),
          ...(where === "loyalty" ? { loyalty: foreign } : {})
        }
      }
      const error = left(Totals.compute(patched))
      expect(error._tag).toBe("CurrencyMismatch")
    }
  )
})
