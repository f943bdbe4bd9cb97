/**
 * Shipping: the site's zones and rated options, its carriers' pickup points, the parcel of each
 * variant and whether its prices include tax; and, for checkout, the label-ready quotes of a cart
 * to an address or a pickup point.
 *
 * The rules are @shopvo/pricing's `Shipping`: the most specific zone of an address, a rate's price
 * for a parcel and subtotal, the parcel of the lines, and the distance that ranks pickup points.
 * A checkout is offered exactly the options of its destination's zone in its currency (options of
 * no zone: addresses in no zone), those delivering to pickup points only to a pickup point of their
 * carrier; an option whose bands do not cover the cart is not offered. A site with no options at
 * all is offered the built-in standard and express ones, as before zones existed.
 */
import { Database, type Tenant } from "@shopvo/kernel"
import { Currency, Shipping as Rules } from "@shopvo/pricing"
import { Data, Effect, Either, Option, ParseResult, Schema } from "effect"
import type { Address } from "../Address.js"
import { type NewOption, type NewPickupPoint, type NewZone, type PickupPoint, ShippingRepo } from "./Repo.js"

export { OptionRow, PickupPoint, Zone } from "./Repo.js"

export class ZoneNotFound extends Data.TaggedError("ZoneNotFound")<{ readonly zoneId: string }> {}
export class ShippingOptionNotFound extends Data.TaggedError("ShippingOptionNotFound")<{
  readonly optionId: string
}> {}
export class PickupPointNotFound extends Data.TaggedError("PickupPointNotFound")<{ readonly pickupPointId: string }> {}
export class PickupPointCodeTaken extends Data.TaggedError("PickupPointCodeTaken")<{
  readonly carrier: string
  readonly code: string
}> {}
/** Checkout cannot ship to the pickup point (`reason` says why). */
export class PickupPointRefused extends Data.TaggedError("PickupPointRefused")<{ readonly reason: string }> {}
export class VariantNotFound extends Data.TaggedError("VariantNotFound")<{ readonly variantId: string }> {}

/** Input the spec's schema cannot refuse on its own; `details` address each field by JSON pointer. */
export class InvalidInput extends Data.TaggedError("InvalidInput")<{
  readonly details: ReadonlyArray<{ readonly path: string; readonly message: string }>
}> {}

/** A checkout line as shipping sees it. */
export interface QuoteLine {
  readonly productId: string
  readonly variantId: string | null
  readonly quantity: number
  readonly unitPrice: number
}

/** A label-ready rate: the option priced for a cart, with the parcel and carrier to book. */
export interface Quote {
  readonly id: string
  readonly name: string
  readonly amount: number
  readonly currency: string
  readonly carrier: string
  readonly service: string
  readonly parcel: Rules.Parcel
  readonly estimatedDelivery: { readonly minDays: number; readonly maxDays: number }
  readonly toPickupPoint: boolean
}

/** Where a checkout ships: an address, or a pickup point (whose carrier's options apply). */
export interface Destination {
  readonly country: string
  readonly postalCode: string | null
  readonly pickupCarrier: string | null
}

/** What checkout prices with: the quotes, and the tax of the destination's zone. */
export interface Quoted {
  readonly options: ReadonlyArray<Quote>
  /** Basis points; 0 outside every zone. */
  readonly taxRate: number
  readonly pricesIncludeTax: boolean
}

const destinationOf = (address: Address) => ({ country: address.country, postalCode: address.postalCode })

/** Offered to a site that configured no shipping options at all. */
const builtIn = (currency: string): ReadonlyArray<NewOption & { readonly id: string }> => [
  {
    id: "ship_standard",
    zoneId: null,
    name: "Standard (3–5 days)",
    carrier: "Shopvo",
    service: "Standard",
    currency,
    rate: { _tag: "FREE_OVER", amount: 499, threshold: 5000 },
    minDays: 3,
    maxDays: 5,
    toPickupPoint: false,
    position: 0
  },
  {
    id: "ship_express",
    zoneId: null,
    name: "Express (1–2 days)",
    carrier: "Shopvo",
    service: "Express",
    currency,
    rate: { _tag: "FLAT", amount: 1299 },
    minDays: 1,
    maxDays: 2,
    toPickupPoint: false,
    position: 1
  }
]

/** Decimal degrees to millionths, the stored form (coordinates, not money). */
export const toE6 = (degrees: number) => Math.round(degrees * 1_000_000)

/** A pickup-point row as the API accepts it: numbers, or numeric strings from CSV. */
const Coordinate = (min: number, max: number) =>
  Schema.Union(Schema.Number, Schema.NumberFromString).pipe(
    Schema.filter((n) => (Number.isFinite(n) && n >= min && n <= max) || `must be a number between ${min} and ${max}`)
  )
const Text = (max: number) =>
  Schema.Trim.pipe(Schema.minLength(1, { message: () => "is required" }), Schema.maxLength(max))
const PickupRow = Schema.Struct({
  carrier: Text(100),
  code: Text(100),
  name: Text(200),
  line1: Text(200),
  city: Text(100),
  postalCode: Text(20),
  country: Schema.String.pipe(Schema.pattern(/^[A-Z]{2}$/, { message: () => "must be an ISO 3166-1 alpha-2 code" })),
  latitude: Coordinate(-90, 90),
  longitude: Coordinate(-180, 180)
})
const decodeRow = Schema.decodeUnknownEither(PickupRow, { errors: "all", onExcessProperty: "error" })

/** The JSON pointers and messages of a row's problems, under `/<row>`: one per field. */
const rowIssues = (row: number, error: ParseResult.ParseError) => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => ({
    path: `/${row}${issue.path.length === 0 ? "" : `/${issue.path.join("/")}`}`,
    message: issue.message
  }))
  // A coordinate is a number or numeric text: both readings' refusals name the same field.
  return issues.filter((issue, i) => issues.findIndex((other) => other.path === issue.path) === i)
}

/** The most rows one import takes (the spec's `maxItems`). */
export const maxImportRows = 5000

export class Shipping extends Effect.Service<Shipping>()("@shopvo/api/Shipping", {
  accessors: true,
  dependencies: [ShippingRepo.Default],
  effect: Effect.gen(function* () {
    const repo = yield* ShippingRepo

    const parcelOf = (tenant: Tenant, lines: ReadonlyArray<QuoteLine>) =>
      Effect.gen(function* () {
        const variantIds = lines.flatMap((line) => (line.variantId === null ? [] : [line.variantId]))
        const rows = yield* repo.parcels(tenant, [...new Set(lines.map((l) => l.productId))], [...new Set(variantIds)])
        return Rules.parcel(
          lines.map((line) => {
            const row = rows.find((r) =>
              line.variantId === null
                ? r.variantId === null && r.productId === line.productId
                : r.variantId === line.variantId
            )
            return {
              quantity: line.quantity,
              weightGrams: row?.weightGrams ?? null,
              dimensions:
                row?.lengthMm == null || row.widthMm == null || row.heightMm == null
                  ? null
                  : { lengthMm: row.lengthMm, widthMm: row.widthMm, heightMm: row.heightMm }
            }
          })
        )
      })

    const validPickup = (row: unknown, index: number) =>
      Either.match(decodeRow(row), {
        onLeft: (error) => Either.left(rowIssues(index, error)),
        onRight: (valid): Either.Either<NewPickupPoint, ReturnType<typeof rowIssues>> =>
          Either.right({
            carrier: valid.carrier,
            code: valid.code,
            name: valid.name,
            line1: valid.line1,
            city: valid.city,
            postalCode: valid.postalCode,
            country: valid.country,
            latitudeE6: toE6(valid.latitude),
            longitudeE6: toE6(valid.longitude)
          })
      })

    /** The label-ready quotes of `lines` to `destination` in `currency`, and the zone's tax. */
    const quote = (
      tenant: Tenant,
      currency: string,
      lines: ReadonlyArray<QuoteLine>,
      destination: Destination
    ): Effect.Effect<Quoted, Database.DatabaseUnavailable> =>
      Effect.gen(function* () {
        const setup = yield* repo.quoteSetup(tenant)
        const zone = Rules.matchZone(setup.zones, destination)
        const zoneId = Option.getOrNull(Option.map(zone, (z) => z.id))
        const configured = setup.options.length > 0 ? setup.options : builtIn(currency)
        const offered = configured.filter(
          (option) =>
            option.currency === currency &&
            option.zoneId === zoneId &&
            option.toPickupPoint === (destination.pickupCarrier !== null) &&
            (destination.pickupCarrier === null || option.carrier === destination.pickupCarrier)
        )
        const parcel = offered.length === 0 ? { weightGrams: 0, dimensions: null } : yield* parcelOf(tenant, lines)
        const subtotal = lines.reduce((sum, line) => sum + line.unitPrice * line.quantity, 0)
        const options = offered.flatMap((option): Array<Quote> => {
          const amount = Rules.price(option.rate, { weightGrams: parcel.weightGrams, subtotal })
          if (Option.isNone(amount)) return []
          return [
            {
              id: option.id,
              name: option.name,
              amount: amount.value,
              currency: option.currency,
              carrier: option.carrier,
              service: option.service,
              parcel,
              estimatedDelivery: { minDays: option.minDays, maxDays: option.maxDays },
              toPickupPoint: option.toPickupPoint
            }
          ]
        })
        return {
          options,
          taxRate: Option.match(zone, { onNone: () => 0, onSome: (z) => z.taxRate }),
          pricesIncludeTax: setup.pricesIncludeTax ?? true
        }
      })

    return {
      zones: (tenant: Tenant) => repo.zones(tenant),
      createZone: (tenant: Tenant, zone: NewZone) =>
        repo.insertZone(tenant, {
          ...zone,
          // Stored as compared, each once.
          postalPrefixes: [...new Set(zone.postalPrefixes.map(Rules.normalizePostalCode))]
        }),
      deleteZone: (tenant: Tenant, zoneId: string) =>
        Effect.flatMap(repo.deleteZone(tenant, zoneId), (deleted) =>
          deleted ? Effect.void : Effect.fail(new ZoneNotFound({ zoneId }))
        ),
      options: (tenant: Tenant) => repo.options(tenant),
      /** Adds an option; its rate is checked by pricing's rule (bands in order) and its zone must exist. */
      createOption: (tenant: Tenant, input: Omit<NewOption, "rate"> & { readonly rate: unknown }) =>
        Effect.gen(function* () {
          const details: Array<{ path: string; message: string }> = []
          const rate = Schema.decodeUnknownEither(Rules.Rate)(input.rate)
          if (Either.isLeft(rate)) {
            for (const issue of ParseResult.ArrayFormatter.formatErrorSync(rate.left)) {
              details.push({
                path: `/rate${issue.path.length === 0 ? "" : `/${issue.path.join("/")}`}`,
                message: issue.message
              })
            }
          }
          if (input.minDays > input.maxDays) {
            details.push({ path: "/estimatedDays/max", message: "must be at least estimatedDays.min" })
          }
          if (Either.isLeft(Schema.decodeUnknownEither(Currency.Code)(input.currency))) {
            details.push({ path: "/currency", message: "is not a currency the store can price in" })
          }
          if (Either.isLeft(rate) || details.length > 0) return yield* new InvalidInput({ details })
          if (input.zoneId !== null && !(yield* repo.zoneExists(tenant, input.zoneId))) {
            return yield* new ZoneNotFound({ zoneId: input.zoneId })
          }
          return yield* repo.insertOption(tenant, { ...input, rate: rate.right })
        }),
      deleteOption: (tenant: Tenant, optionId: string) =>
        Effect.flatMap(repo.deleteOption(tenant, optionId), (deleted) =>
          deleted ? Effect.void : Effect.fail(new ShippingOptionNotFound({ optionId }))
        ),
      createPickupPoint: (tenant: Tenant, row: unknown) =>
        Effect.gen(function* () {
          const point = validPickup(row, 0)
          if (Either.isLeft(point)) {
            return yield* new InvalidInput({ details: point.left.map((d) => ({ ...d, path: d.path.slice(2) || "/" })) })
          }
          const inserted = yield* repo.insertPickupPoint(tenant, point.right)
          if (Option.isNone(inserted)) {
            return yield* new PickupPointCodeTaken({ carrier: point.right.carrier, code: point.right.code })
          }
          return inserted.value
        }),
      /**
       * Creates or updates every row, or none: each row is checked first and all their problems
       * are reported together. Rows are written in one transaction.
       */
      importPickupPoints: (tenant: Tenant, rows: ReadonlyArray<unknown>) =>
        Effect.gen(function* () {
          if (rows.length === 0) return yield* new InvalidInput({ details: [{ path: "/", message: "has no rows" }] })
          if (rows.length > maxImportRows) {
            return yield* new InvalidInput({ details: [{ path: "/", message: `has more than ${maxImportRows} rows` }] })
          }
          const checked = rows.map(validPickup)
          const problems = checked.flatMap((row) => (Either.isLeft(row) ? row.left : []))
          if (problems.length > 0) return yield* new InvalidInput({ details: problems })
          const points = checked.flatMap((row) => (Either.isRight(row) ? [row.right] : []))
          const seen = new Set<string>()
          const duplicates = points.flatMap((point, i) => {
            const key = `${point.carrier}\u0000${point.code}`
            if (seen.has(key)) return [{ path: `/${i}/code`, message: `repeats ${point.carrier}'s code ${point.code}` }]
            seen.add(key)
            return []
          })
          if (duplicates.length > 0) return yield* new InvalidInput({ details: duplicates })
          return yield* Database.transaction(
            Effect.map(
              Effect.forEach(points, (point) => repo.upsertPickupPoint(tenant, point)),
              (created) => {
                const fresh = created.filter(Boolean).length
                return { imported: points.length, created: fresh, updated: points.length - fresh }
              }
            )
          )
        }),
      deactivatePickupPoint: (tenant: Tenant, pickupPointId: string) =>
        Effect.flatMap(
          repo.deactivatePickupPoint(tenant, pickupPointId),
          Option.match({
            onNone: () => Effect.fail(new PickupPointNotFound({ pickupPointId })),
            onSome: Effect.succeed
          })
        ),
      /**
       * Active points nearest first: to the coordinates, or to the postal code, located by the points
       * sharing most of its leading characters (their mean position). None near a postal code no point
       * shares a first character with.
       */
      searchPickupPoints: (
        tenant: Tenant,
        near:
          | { readonly _tag: "Coordinates"; readonly at: Rules.Coordinates }
          | { readonly _tag: "PostalCode"; readonly postalCode: string; readonly country: string },
        carrier: string | undefined,
        limit: number
      ) =>
        Effect.gen(function* () {
          const points = yield* repo.activePickupPoints(tenant, {
            ...(carrier === undefined ? {} : { carrier }),
            ...(near._tag === "PostalCode" ? { country: near.country } : {})
          })
          let origin: Rules.Coordinates
          if (near._tag === "Coordinates") origin = near.at
          else {
            const code = Rules.normalizePostalCode(near.postalCode)
            const shared = (point: PickupPoint) => {
              const other = Rules.normalizePostalCode(point.postalCode)
              let n = 0
              while (n < code.length && n < other.length && code[n] === other[n]) n++
              return n
            }
            const best = points.reduce((most, point) => Math.max(most, shared(point)), 0)
            if (best === 0) return []
            const anchors = points.filter((point) => shared(point) === best)
            origin = {
              latitudeE6: Math.round(anchors.reduce((sum, p) => sum + p.latitudeE6, 0) / anchors.length),
              longitudeE6: Math.round(anchors.reduce((sum, p) => sum + p.longitudeE6, 0) / anchors.length)
            }
          }
          return points
            .map((point) => ({ point, distanceMeters: Rules.distanceMeters(origin, point) }))
            .sort((a, b) => a.distanceMeters - b.distanceMeters || (a.point.id < b.point.id ? -1 : 1))
            .slice(0, limit)
        }),
      setVariantParcel: (
        tenant: Tenant,
        variantId: string,
        parcel: { readonly weightGrams: number; readonly dimensions: Rules.Item["dimensions"] }
      ) =>
        Effect.flatMap(repo.setVariantParcel(tenant, variantId, parcel), (found) =>
          found ? Effect.void : Effect.fail(new VariantNotFound({ variantId }))
        ),
      pricesIncludeTax: (tenant: Tenant) => repo.pricesIncludeTax(tenant),
      setPricesIncludeTax: (tenant: Tenant, include: boolean) => repo.setPricesIncludeTax(tenant, include),

      /**
       * The address a checkout ships to at an active pickup point: the point's, for the recipient
       * `recipient` names (its names and phone).
       */
      pickupAddressFor: (tenant: Tenant, pickupPointId: string, recipient: Address | null) =>
        Effect.gen(function* () {
          const point = Option.filter(yield* repo.pickupPoint(tenant, pickupPointId), (p) => p.active)
          if (Option.isNone(point)) {
            return yield* new PickupPointRefused({
              reason: `Pickup point ${pickupPointId} is not an active pickup point`
            })
          }
          if (recipient === null) {
            return yield* new PickupPointRefused({
              reason: "Name the recipient with shippingAddress or billingAddress to ship to a pickup point"
            })
          }
          return {
            firstName: recipient.firstName,
            lastName: recipient.lastName,
            company: point.value.name,
            line1: point.value.line1,
            line2: null,
            city: point.value.city,
            region: null,
            postalCode: point.value.postalCode,
            country: point.value.country,
            phone: recipient.phone
          } satisfies Address
        }),

      quote,

      /**
       * Checkout's quotes: none before there is an address; to a pickup point, its carrier's
       * pickup options of the point's zone (none once the point is deactivated).
       */
      forCheckout: (
        tenant: Tenant,
        currency: string,
        lines: ReadonlyArray<QuoteLine>,
        address: Address | null,
        pickupPointId: string | null
      ) =>
        Effect.gen(function* () {
          // No destination, no tax: at a rate of 0 the tax mode changes nothing.
          if (address === null) return { options: [], taxRate: 0, pricesIncludeTax: true } satisfies Quoted
          if (pickupPointId === null) {
            return yield* quote(tenant, currency, lines, { ...destinationOf(address), pickupCarrier: null })
          }
          const point = yield* repo.pickupPoint(tenant, pickupPointId)
          const quoted = yield* quote(tenant, currency, lines, {
            ...destinationOf(address),
            pickupCarrier: Option.match(point, { onNone: () => null, onSome: (p) => p.carrier })
          })
          // A point deactivated (or gone) since it was chosen is offered nothing: choose another.
          return Option.exists(point, (p) => p.active) ? quoted : { ...quoted, options: [] }
        })
    }
  })
}) {}
