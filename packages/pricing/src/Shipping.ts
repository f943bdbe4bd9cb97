/**
 * Shipping rules: which zone an address falls in, what a shipping rate costs
 * for a parcel and an order value, and the parcel a set of items makes.
 *
 * - Zones: a zone lists countries and, optionally, postal-code prefixes that
 *   narrow it. An address falls in the most specific zone that covers it: a
 *   zone matching by postal-code prefix beats one matching by country alone,
 *   a longer prefix beats a shorter one, and then a zone with fewer countries
 *   beats a broader one (ties by id, so the answer never depends on order).
 *   Postal codes are compared without spaces or dashes, in upper case.
 * - Rates, in integer minor units: `FLAT`, `WEIGHT_BANDS` (by parcel grams),
 *   `ORDER_VALUE_BANDS` (by the order's subtotal) and `FREE_OVER` (a flat
 *   amount, nothing once the subtotal reaches the threshold). A band covers
 *   everything up to and including its `upTo` (`null`: no upper bound); a
 *   parcel or order beyond the last band is not covered, and the rate offers
 *   nothing for it.
 * - Parcels: the weight is the sum of the items' weights; the box stacks the
 *   items (the longest length, the widest width, the heights added up), and
 *   is unknown when any item has no dimensions.
 *
 * @since 0.1.0
 */
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"

/**
 * A zone as the matching rule sees it.
 *
 * @since 0.1.0
 */
export interface Zone {
  readonly id: string
  /** ISO 3166-1 alpha-2 codes. */
  readonly countries: ReadonlyArray<string>
  /** Empty: the whole of each country. */
  readonly postalPrefixes: ReadonlyArray<string>
}

/**
 * Where a parcel goes, as the matching rule sees it.
 *
 * @since 0.1.0
 */
export interface Destination {
  readonly country: string
  readonly postalCode: string | null
}

/**
 * A postal code (or prefix) as compared: no spaces or dashes, upper case.
 *
 * @since 0.1.0
 */
export const normalizePostalCode = (code: string): string => code.replace(/[\s-]/g, "").toUpperCase()

/** How specifically `zone` covers `destination`: `null` when it does not; higher is more specific. */
const specificity = (zone: Zone, destination: Destination): readonly [number, number] | null => {
  if (!zone.countries.includes(destination.country)) return null
  // Broader zones rank lower: a zone of one country beats one of many.
  const narrowness = -zone.countries.length
  if (zone.postalPrefixes.length === 0) return [0, narrowness]
  if (destination.postalCode === null) return null
  const code = normalizePostalCode(destination.postalCode)
  const longest = zone.postalPrefixes
    .map(normalizePostalCode)
    .filter((prefix) => prefix !== "" && code.startsWith(prefix))
    .reduce((best, prefix) => Math.max(best, prefix.length), 0)
  return longest === 0 ? null : [longest, narrowness]
}

/**
 * The most specific of `zones` covering `destination`, if any (see the module comment).
 *
 * @example
 * ```ts
 * Shipping.matchZone(
 *   [{ id: "zone_nl", countries: ["NL"], postalPrefixes: [] },
 *    { id: "zone_ams", countries: ["NL"], postalPrefixes: ["10"] }],
 *   { country: "NL", postalCode: "1012 AB" }
 * ) // Some(zone_ams)
 * ```
 *
 * @since 0.1.0
 */
export const matchZone = <Z extends Zone>(zones: ReadonlyArray<Z>, destination: Destination): Option.Option<Z> => {
  let best: { zone: Z; rank: readonly [number, number] } | null = null
  for (const zone of zones) {
    const rank = specificity(zone, destination)
    if (rank === null) continue
    const better =
      best === null ||
      rank[0] > best.rank[0] ||
      (rank[0] === best.rank[0] && (rank[1] > best.rank[1] || (rank[1] === best.rank[1] && zone.id < best.zone.id)))
    if (better) best = { zone, rank }
  }
  return best === null ? Option.none() : Option.some(best.zone)
}

/**
 * One band: its amount applies up to and including `upTo` (`null`: no bound).
 *
 * @since 0.1.0
 */
export const Band = Schema.Struct({
  upTo: Schema.NullOr(Schema.NonNegativeInt),
  amount: Schema.NonNegativeInt
}).annotations({ identifier: "ShippingRateBand" })

/** @since 0.1.0 */
export type Band = typeof Band.Type

/** Bands in strictly increasing order of `upTo`, only the last unbounded. */
const Bands = Schema.Array(Band).pipe(
  Schema.minItems(1),
  Schema.filter((bands) => {
    for (const [i, band] of bands.entries()) {
      const previous = bands[i - 1]
      if (band.upTo === null && i !== bands.length - 1) return "only the last band may have no upper bound"
      if (previous !== undefined && band.upTo !== null && previous.upTo !== null && previous.upTo >= band.upTo) {
        return "bands must be in increasing order of upTo"
      }
    }
    return true
  })
)

/**
 * How an option is priced (amounts in the option's currency's minor units).
 *
 * @since 0.1.0
 */
export const Rate = Schema.Union(
  Schema.TaggedStruct("FLAT", { amount: Schema.NonNegativeInt }),
  Schema.TaggedStruct("WEIGHT_BANDS", { bands: Bands }),
  Schema.TaggedStruct("ORDER_VALUE_BANDS", { bands: Bands }),
  Schema.TaggedStruct("FREE_OVER", { amount: Schema.NonNegativeInt, threshold: Schema.NonNegativeInt })
).annotations({ identifier: "ShippingRate" })

/** @since 0.1.0 */
export type Rate = typeof Rate.Type

/**
 * What a rate is computed from: the parcel's grams and the order's subtotal (minor units).
 *
 * @since 0.1.0
 */
export interface Basis {
  readonly weightGrams: number
  readonly subtotal: number
}

const inBands = (bands: ReadonlyArray<Band>, value: number): Option.Option<number> =>
  Option.fromNullable(bands.find((band) => band.upTo === null || value <= band.upTo)).pipe(
    Option.map((band) => band.amount)
  )

/**
 * The price of `rate` for `basis`, or none when no band covers it.
 *
 * @example
 * ```ts
 * Shipping.price({ _tag: "FREE_OVER", amount: 495, threshold: 5000 }, { weightGrams: 800, subtotal: 5000 }) // Some(0)
 * ```
 *
 * @since 0.1.0
 */
export const price = (rate: Rate, basis: Basis): Option.Option<number> => {
  switch (rate._tag) {
    case "FLAT":
      return Option.some(rate.amount)
    case "WEIGHT_BANDS":
      return inBands(rate.bands, basis.weightGrams)
    case "ORDER_VALUE_BANDS":
      return inBands(rate.bands, basis.subtotal)
    case "FREE_OVER":
      return Option.some(basis.subtotal >= rate.threshold ? 0 : rate.amount)
  }
}

/**
 * One kind of item in a parcel: its quantity, grams and millimetres (null when unknown).
 *
 * @since 0.1.0
 */
export interface Item {
  readonly quantity: number
  readonly weightGrams: number | null
  readonly dimensions: { readonly lengthMm: number; readonly widthMm: number; readonly heightMm: number } | null
}

/**
 * The parcel a set of items makes.
 *
 * @since 0.1.0
 */
export interface Parcel {
  /** Items of unknown weight count as nothing. */
  readonly weightGrams: number
  /** Null when any item's dimensions are unknown. */
  readonly dimensions: { readonly lengthMm: number; readonly widthMm: number; readonly heightMm: number } | null
}

/**
 * The parcel of `items` (see the module comment).
 *
 * @since 0.1.0
 */
export const parcel = (items: ReadonlyArray<Item>): Parcel => {
  const weightGrams = items.reduce((sum, item) => sum + (item.weightGrams ?? 0) * item.quantity, 0)
  if (items.length === 0 || items.some((item) => item.dimensions === null)) return { weightGrams, dimensions: null }
  const boxes = items.map((item) => ({ ...item.dimensions!, quantity: item.quantity }))
  return {
    weightGrams,
    dimensions: {
      lengthMm: Math.max(...boxes.map((box) => box.lengthMm)),
      widthMm: Math.max(...boxes.map((box) => box.widthMm)),
      heightMm: boxes.reduce((sum, box) => sum + box.heightMm * box.quantity, 0)
    }
  }
}

/**
 * A point on the earth in millionths of a degree (integers, so they store and compare exactly).
 *
 * @since 0.1.0
 */
export interface Coordinates {
  readonly latitudeE6: number
  readonly longitudeE6: number
}

const earthRadiusMeters = 6_371_000

/**
 * The great-circle (haversine) distance between two points, in whole metres.
 *
 * @since 0.1.0
 */
export const distanceMeters = (a: Coordinates, b: Coordinates): number => {
  const radians = (e6: number) => ((e6 / 1_000_000) * Math.PI) / 180
  const dLat = radians(b.latitudeE6 - a.latitudeE6)
  const dLon = radians(b.longitudeE6 - a.longitudeE6)
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(radians(a.latitudeE6)) * Math.cos(radians(b.latitudeE6)) * Math.sin(dLon / 2) ** 2
  return Math.round(2 * earthRadiusMeters * Math.asin(Math.min(1, Math.sqrt(h))))
}
