import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck as fc, Option, Schema } from "effect"
import { Shipping } from "../src/index.js"

const zone = (id: string, countries: Array<string>, postalPrefixes: Array<string> = []): Shipping.Zone => ({
  id,
  countries,
  postalPrefixes
})
const matched = (zones: ReadonlyArray<Shipping.Zone>, country: string, postalCode: string | null) =>
  Option.getOrNull(Option.map(Shipping.matchZone(zones, { country, postalCode }), (z) => z.id))

describe("Shipping.matchZone", () => {
  const zones = [
    zone("zone_eu", ["NL", "BE", "DE", "FR"]),
    zone("zone_nl", ["NL"]),
    zone("zone_ams", ["NL"], ["10"]),
    zone("zone_ams_centre", ["NL"], ["1012"]),
    zone("zone_islands", ["NL"], ["17", "88"])
  ]

  it("picks the most specific zone: longest prefix, then a country, then broader zones", () => {
    expect(matched(zones, "NL", "1012 AB")).toBe("zone_ams_centre")
    expect(matched(zones, "NL", "1071-xx")).toBe("zone_ams")
    expect(matched(zones, "NL", "8861 AA")).toBe("zone_islands")
    expect(matched(zones, "NL", "3011 AA")).toBe("zone_nl")
    expect(matched(zones, "NL", null)).toBe("zone_nl")
    expect(matched(zones, "BE", "1000")).toBe("zone_eu")
    expect(matched(zones, "US", "10001")).toBeNull()
  })

  it("compares postal codes without spaces or dashes, in upper case", () => {
    expect(matched([zone("z_a", ["GB"], ["sw1a"])], "GB", "SW1A 1AA")).toBe("z_a")
    expect(matched([zone("z_a", ["GB"], ["SW1A"])], "GB", "sw1a-1aa")).toBe("z_a")
    expect(matched([zone("z_a", ["GB"], ["SW1A"])], "GB", "SW1 1AA")).toBeNull()
  })

  const country = fc.constantFrom("NL", "BE", "DE", "GR")
  const digits = fc.stringMatching(/^[0-9]{1,4}$/)
  const zonesArb = fc.uniqueArray(
    fc.record({
      id: fc.stringMatching(/^zone_[a-z0-9]{1,6}$/),
      countries: fc.uniqueArray(country, { minLength: 1, maxLength: 4 }),
      postalPrefixes: fc.array(digits, { maxLength: 3 })
    }),
    { selector: (z) => z.id, maxLength: 8 }
  )

  it("property: the answer covers the address, does not depend on order, and no covering zone is more specific", () => {
    fc.assert(
      fc.property(zonesArb, country, fc.stringMatching(/^[0-9]{4}$/), (zs, c, postalCode) => {
        const found = Shipping.matchZone(zs, { country: c, postalCode })
        const reversed = Shipping.matchZone([...zs].reverse(), { country: c, postalCode })
        expect(Option.map(reversed, (z) => z.id)).toEqual(Option.map(found, (z) => z.id))
        const covering = zs.filter(
          (z) =>
            z.countries.includes(c) &&
            (z.postalPrefixes.length === 0 || z.postalPrefixes.some((p) => postalCode.startsWith(p)))
        )
        if (Option.isNone(found)) {
          expect(covering).toEqual([])
          return
        }
        const best = found.value
        expect(covering.map((z) => z.id)).toContain(best.id)
        const prefixLength = (z: Shipping.Zone) =>
          Math.max(0, ...z.postalPrefixes.filter((p) => postalCode.startsWith(p)).map((p) => p.length))
        for (const other of covering) expect(prefixLength(other)).toBeLessThanOrEqual(prefixLength(best))
      })
    )
  })
})

describe("Shipping.price", () => {
  const basis = (weightGrams: number, subtotal: number) => ({ weightGrams, subtotal })
  const decode = Schema.decodeUnknownEither(Shipping.Rate)
  const weight: Shipping.Rate = {
    _tag: "WEIGHT_BANDS",
    bands: [
      { upTo: 1000, amount: 495 },
      { upTo: 5000, amount: 895 },
      { upTo: 20000, amount: 1495 }
    ]
  }

  it("prices each rate type", () => {
    expect(Shipping.price({ _tag: "FLAT", amount: 695 }, basis(99999, 1))).toEqual(Option.some(695))
    expect(Shipping.price(weight, basis(0, 0))).toEqual(Option.some(495))
    expect(Shipping.price(weight, basis(1000, 0))).toEqual(Option.some(495))
    expect(Shipping.price(weight, basis(1001, 0))).toEqual(Option.some(895))
    expect(Shipping.price(weight, basis(20001, 0))).toEqual(Option.none())
    const value: Shipping.Rate = {
      _tag: "ORDER_VALUE_BANDS",
      bands: [
        { upTo: 2999, amount: 695 },
        { upTo: null, amount: 295 }
      ]
    }
    expect(Shipping.price(value, basis(0, 2999))).toEqual(Option.some(695))
    expect(Shipping.price(value, basis(0, 3000))).toEqual(Option.some(295))
    const free: Shipping.Rate = { _tag: "FREE_OVER", amount: 495, threshold: 5000 }
    expect(Shipping.price(free, basis(0, 4999))).toEqual(Option.some(495))
    expect(Shipping.price(free, basis(0, 5000))).toEqual(Option.some(0))
  })

  it("refuses bands out of order, an unbounded band before the last, and fractional or negative amounts", () => {
    expect(Either.isLeft(decode({ _tag: "WEIGHT_BANDS", bands: [] }))).toBe(true)
    expect(
      Either.isLeft(
        decode({
          _tag: "WEIGHT_BANDS",
          bands: [
            { upTo: 500, amount: 1 },
            { upTo: 500, amount: 2 }
          ]
        })
      )
    ).toBe(true)
    expect(
      Either.isLeft(
        decode({
          _tag: "ORDER_VALUE_BANDS",
          bands: [
            { upTo: null, amount: 1 },
            { upTo: 500, amount: 2 }
          ]
        })
      )
    ).toBe(true)
    expect(Either.isLeft(decode({ _tag: "FLAT", amount: 4.5 }))).toBe(true)
    expect(Either.isLeft(decode({ _tag: "FREE_OVER", amount: -1, threshold: 10 }))).toBe(true)
    expect(Either.isRight(decode(weight))).toBe(true)
  })

  const bandsArb = fc
    .uniqueArray(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 6 })
    .chain((limits) =>
      fc.tuple(
        fc.constant([...limits].sort((a, b) => a - b)),
        fc.array(fc.nat(100_000), { minLength: limits.length, maxLength: limits.length })
      )
    )
    .map(([limits, amounts]) => limits.map((upTo, i) => ({ upTo, amount: amounts[i]! })))

  it("property: a band's amount is charged for exactly the values between the previous band and its bound", () => {
    fc.assert(
      fc.property(bandsArb, fc.nat(120_000), (bands, grams) => {
        const quoted = Shipping.price({ _tag: "WEIGHT_BANDS", bands }, basis(grams, 0))
        const covering = bands.findIndex((band) => grams <= band.upTo!)
        if (covering === -1) {
          expect(Option.isNone(quoted)).toBe(true)
          return
        }
        expect(quoted).toEqual(Option.some(bands[covering]!.amount))
        if (covering > 0) expect(grams).toBeGreaterThan(bands[covering - 1]!.upTo!)
      })
    )
  })

  it("property: FREE_OVER is free exactly from the threshold, and every price is a non-negative integer", () => {
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.nat(1_000_000), fc.nat(1_000_000), (amount, threshold, subtotal) => {
        const quoted = Option.getOrThrow(Shipping.price({ _tag: "FREE_OVER", amount, threshold }, basis(0, subtotal)))
        expect(quoted).toBe(subtotal >= threshold ? 0 : amount)
        expect(Number.isInteger(quoted) && quoted >= 0).toBe(true)
      })
    )
  })
})

describe("Shipping.parcel", () => {
  it("adds weights, stacks heights and keeps the largest footprint", () => {
    expect(
      Shipping.parcel([
        { quantity: 2, weightGrams: 250, dimensions: { lengthMm: 300, widthMm: 200, heightMm: 20 } },
        { quantity: 1, weightGrams: 900, dimensions: { lengthMm: 250, widthMm: 250, heightMm: 100 } }
      ])
    ).toEqual({ weightGrams: 1400, dimensions: { lengthMm: 300, widthMm: 250, heightMm: 140 } })
  })

  it("counts unknown weights as nothing and leaves the box unknown when any item's is", () => {
    expect(
      Shipping.parcel([
        { quantity: 3, weightGrams: null, dimensions: null },
        { quantity: 1, weightGrams: 500, dimensions: { lengthMm: 1, widthMm: 1, heightMm: 1 } }
      ])
    ).toEqual({ weightGrams: 500, dimensions: null })
  })
})

describe("Shipping.distanceMeters", () => {
  it("measures known distances and is symmetric", () => {
    const amsterdam = { latitudeE6: 52_373_100, longitudeE6: 4_892_200 }
    const rotterdam = { latitudeE6: 51_924_400, longitudeE6: 4_477_700 }
    const d = Shipping.distanceMeters(amsterdam, rotterdam)
    expect(d).toBeGreaterThan(56_000)
    expect(d).toBeLessThan(59_000)
    expect(Shipping.distanceMeters(rotterdam, amsterdam)).toBe(d)
    expect(Shipping.distanceMeters(amsterdam, amsterdam)).toBe(0)
  })
})
