/**
 * B2B price lists: negotiated prices for a wholesale account.
 *
 * A price list holds, per variant and per currency, either a fixed unit price
 * or a percentage off the catalogue price. A variant (or currency) absent
 * from the list keeps its catalogue price, so a list only needs the
 * exceptions.
 *
 * Invariants:
 * - at most one entry per (variant, currency) — a list that says two things
 *   about the same price is refused at decoding;
 * - fixed prices are non-negative; percentages off are between 0 and 100%;
 * - a percentage off is applied to the unit price and rounded per unit (so
 *   the invoice shows a unit price that × quantity gives the line), with the
 *   caller's rounding mode.
 *
 * @since 0.1.0
 */
import type * as BigDecimal from "effect/BigDecimal"
import * as Data from "effect/Data"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Currency from "./Currency.js"
import * as Ids from "./Ids.js"
import * as Money from "./Money.js"
import * as Rate from "./Rate.js"
import { divideRounded } from "./internal/rounding.js"

/**
 * A price list id, e.g. "pl_xyz".
 *
 * @since 0.1.0
 */
export const PriceListId = Schema.NonEmptyTrimmedString.pipe(Schema.brand("PriceListId"))

/** @since 0.1.0 */
export type PriceListId = Schema.Schema.Type<typeof PriceListId>

/**
 * A fixed unit price for a variant, in minor units of `currency`.
 *
 * @since 0.1.0
 */
export const FixedPrice = Schema.TaggedStruct("FixedPrice", {
  variantId: Ids.VariantId,
  currency: Currency.Code,
  price: Schema.NonNegativeInt
})

/** @since 0.1.0 */
export type FixedPrice = Schema.Schema.Type<typeof FixedPrice>

/**
 * A percentage off the catalogue unit price of a variant, for carts in
 * `currency`.
 *
 * @since 0.1.0
 */
export const PercentOff = Schema.TaggedStruct("PercentOff", {
  variantId: Ids.VariantId,
  currency: Currency.Code,
  percentOff: Rate.Rate
})

/** @since 0.1.0 */
export type PercentOff = Schema.Schema.Type<typeof PercentOff>

/**
 * One rule of a price list.
 *
 * @since 0.1.0
 */
export const Entry = Schema.Union(FixedPrice, PercentOff)

/** @since 0.1.0 */
export type Entry = Schema.Schema.Type<typeof Entry>

const key = (variantId: string, currency: Currency.Code): string => `${currency}:${variantId}`

/**
 * A price list. Decoding refuses two entries for the same variant and currency.
 *
 * @since 0.1.0
 */
export const PriceList = Schema.Struct({
  id: PriceListId,
  entries: Schema.Array(Entry)
}).pipe(
  Schema.filter((list) => {
    const seen = new Set<string>()
    for (const entry of list.entries) {
      const k = key(entry.variantId, entry.currency)
      if (seen.has(k)) return `duplicate entry for variant ${entry.variantId} in ${entry.currency}`
      seen.add(k)
    }
    return true
  }),
  Schema.annotations({ identifier: "PriceList" })
)

/** @since 0.1.0 */
export type PriceList = Schema.Schema.Type<typeof PriceList>

/**
 * An entry a price list cannot hold: `index` is its position in the entries
 * given, `reason` says what is wrong with it.
 *
 * @since 0.1.0
 */
export class InvalidEntry extends Data.TaggedError("InvalidEntry")<{
  readonly index: number
  readonly reason: string
}> {
  override get message(): string {
    return `Price list entry ${this.index}: ${this.reason}`
  }
}

const checkEntry = (entry: Entry): string | undefined => {
  if (entry._tag === "FixedPrice") {
    return Number.isSafeInteger(entry.price) && entry.price >= 0
      ? undefined
      : "a fixed price must be a non-negative safe integer of minor units"
  }
  return Either.match(Rate.toFraction(entry.percentOff), {
    onLeft: (error) => error.reason,
    onRight: (fraction) =>
      fraction.value > 10n ** BigInt(fraction.scale) ? "a percentage off cannot exceed 100%" : undefined
  })
}

/**
 * Checks entries built outside a decoder (an API request, a database row)
 * and returns them, or the first that breaks an invariant: a second entry for
 * the same variant and currency, a negative fixed price, or a percentage off
 * above 100%. Everything it accepts, `apply` prices.
 *
 * @since 0.1.0
 */
export const checkEntries = (entries: ReadonlyArray<Entry>): Either.Either<ReadonlyArray<Entry>, InvalidEntry> => {
  const seen = new Set<string>()
  for (const [index, entry] of entries.entries()) {
    const k = key(entry.variantId, entry.currency)
    if (seen.has(k)) {
      return Either.left(
        new InvalidEntry({ index, reason: `a second entry for variant ${entry.variantId} in ${entry.currency}` })
      )
    }
    seen.add(k)
    const reason = checkEntry(entry)
    if (reason !== undefined) return Either.left(new InvalidEntry({ index, reason }))
  }
  return Either.right(entries)
}

/**
 * A price list of entries built outside a decoder, checked by `checkEntries`.
 *
 * @since 0.1.0
 */
export const make = (id: PriceListId, entries: ReadonlyArray<Entry>): Either.Either<PriceList, InvalidEntry> =>
  Either.map(checkEntries(entries), (checked) => ({ id, entries: checked }))

/**
 * Where a line's unit price came from, reported on every priced line so that
 * a B2B customer (or support) can see why a price differs from the catalogue.
 *
 * @since 0.1.0
 */
export const PriceSource = Schema.Literal("VARIANT", "PRODUCT", "PRICE_LIST_FIXED", "PRICE_LIST_PERCENT_OFF")

/** @since 0.1.0 */
export type PriceSource = Schema.Schema.Type<typeof PriceSource>

/**
 * A price list indexed for lookups by (variant, currency). When a list has
 * duplicates (built by hand rather than decoded), the first entry wins.
 *
 * @since 0.1.0
 */
export interface Index {
  readonly id: PriceListId
  readonly lookup: (variantId: Ids.VariantId, currency: Currency.Code) => Entry | undefined
}

/**
 * Builds the lookup index of a price list once, for pricing many lines.
 *
 * @since 0.1.0
 */
export const index = (list: PriceList): Index => {
  const map = new Map<string, Entry>()
  for (const entry of list.entries) {
    const k = key(entry.variantId, entry.currency)
    if (!map.has(k)) map.set(k, entry)
  }
  return { id: list.id, lookup: (variantId, currency) => map.get(key(variantId, currency)) }
}

/**
 * Applies a price-list entry to a catalogue unit price.
 *
 * @since 0.1.0
 */
export const apply = (
  entry: Entry,
  base: Money.Money,
  rounding: BigDecimal.RoundingMode = Money.defaultRounding
): Either.Either<Money.Money, Money.CurrencyMismatch | Money.NegativeAmount | Money.InvalidRate> => {
  if (entry.currency !== base.currency) {
    return Either.left(
      new Money.CurrencyMismatch({ expected: base.currency, actual: entry.currency, operation: "apply price list" })
    )
  }
  if (entry._tag === "FixedPrice") {
    return Money.nonNegative(
      { amount: entry.price, currency: base.currency },
      `price list fixed price of ${entry.variantId}`
    )
  }
  return Either.flatMap(Rate.toFraction(entry.percentOff), (fraction) => {
    const one = 10n ** BigInt(fraction.scale)
    if (fraction.value > one) {
      return Either.left(
        new Money.InvalidRate({
          input: Rate.toPercentString(entry.percentOff),
          reason: "a percentage off cannot exceed 100%"
        })
      )
    }
    // price × (1 − f), rounded once, so the rounding decision is on the price
    // a customer sees rather than on the discount.
    const amount = divideRounded(BigInt(base.amount) * (one - fraction.value), one, rounding)
    // |amount| ≤ |base.amount|, so it is a safe integer.
    return Either.right({ amount: Number(amount), currency: base.currency })
  })
}

/**
 * The unit price of a line: the variant's price, falling back to the
 * product's when the variant has none, then the price list's rule for that
 * variant and currency when there is one.
 *
 * @since 0.1.0
 */
export const unitPrice = (options: {
  readonly productPrice: Money.Money
  readonly variantPrice: Money.Money | null
  readonly variantId: Ids.VariantId | null
  readonly priceList: Index | undefined
  readonly rounding?: BigDecimal.RoundingMode
}): Either.Either<
  { readonly unitPrice: Money.Money; readonly source: PriceSource },
  Money.CurrencyMismatch | Money.NegativeAmount | Money.InvalidRate
> => {
  const base = options.variantPrice ?? options.productPrice
  const baseSource: PriceSource = options.variantPrice === null ? "PRODUCT" : "VARIANT"
  const entry = options.variantId === null ? undefined : options.priceList?.lookup(options.variantId, base.currency)
  if (entry === undefined) return Either.right({ unitPrice: base, source: baseSource })
  return Either.map(apply(entry, base, options.rounding), (unitPrice) => ({
    unitPrice,
    source: entry._tag === "FixedPrice" ? "PRICE_LIST_FIXED" : "PRICE_LIST_PERCENT_OFF"
  }))
}
