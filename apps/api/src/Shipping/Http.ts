/**
 * Shipping routes: zones, options, pickup points (create, import as JSON or CSV, deactivate,
 * search), variant parcels and tax settings. The service's failures become HTTP answers in
 * `httpError`, the one mapping of this aggregate.
 */
import type {
  PickupPoint as ContractPickupPoint,
  ShippingOptionConfig,
  ShippingRateRule,
  ShippingZone
} from "@shopvo/contract"
import type { SqlClient } from "@effect/sql"
import type { DatabaseUnavailable } from "@shopvo/kernel"
import type { Shipping as Rules } from "@shopvo/pricing"
import { DateTime, Effect, Either } from "effect"
import * as ApiError from "../Platform/ApiError.js"
import { created, deleted, ok } from "../Platform/Envelope.js"
import type { Handler } from "../Platform/Pipeline.js"
import * as Csv from "./Csv.js"
import {
  InvalidInput,
  type OptionRow,
  type PickupPoint,
  type PickupPointCodeTaken,
  type PickupPointNotFound,
  Shipping,
  type ShippingOptionNotFound,
  toE6,
  type VariantNotFound,
  type Zone,
  type ZoneNotFound
} from "./Service.js"

type Failure =
  | ZoneNotFound
  | ShippingOptionNotFound
  | PickupPointNotFound
  | PickupPointCodeTaken
  | VariantNotFound
  | InvalidInput

const httpError = (error: Failure): ApiError.ApiError => {
  switch (error._tag) {
    case "ZoneNotFound":
      return ApiError.notFound(`Shipping zone ${error.zoneId}`)
    case "ShippingOptionNotFound":
      return ApiError.notFound(`Shipping option ${error.optionId}`)
    case "PickupPointNotFound":
      return ApiError.notFound(`Pickup point ${error.pickupPointId}`)
    case "VariantNotFound":
      return new ApiError.ApiError({
        status: 404,
        code: "variant_not_found",
        message: `Variant ${error.variantId} not found`
      })
    case "PickupPointCodeTaken":
      return ApiError.conflict(`${error.carrier} already has a pickup point with code ${error.code}`)
    case "InvalidInput":
      return ApiError.badRequest("Request validation failed", error.details)
  }
}

const answer = <A, R>(effect: Effect.Effect<A, Failure | DatabaseUnavailable, R>) =>
  Effect.mapError(effect, (error) => (error._tag === "DatabaseUnavailable" ? error : httpError(error)))

const fromE6 = (e6: number) => e6 / 1_000_000

const zoneJson = (zone: Zone): ShippingZone => ({
  id: zone.id,
  name: zone.name,
  countries: [...zone.countries],
  postalPrefixes: [...zone.postalPrefixes],
  taxRate: zone.taxRate,
  createdAt: DateTime.formatIso(zone.createdAt)
})

/** Pricing's rate as the spec spells it (`type` for `_tag`). */
const rateJson = (rate: Rules.Rate): ShippingRateRule => {
  switch (rate._tag) {
    case "FLAT":
      return { type: "FLAT", amount: rate.amount }
    case "FREE_OVER":
      return { type: "FREE_OVER", amount: rate.amount, threshold: rate.threshold }
    case "WEIGHT_BANDS":
    case "ORDER_VALUE_BANDS":
      return { type: rate._tag, bands: rate.bands.map((band) => ({ upTo: band.upTo, amount: band.amount })) }
  }
}

const optionJson = (option: OptionRow): ShippingOptionConfig => ({
  id: option.id,
  zoneId: option.zoneId,
  name: option.name,
  carrier: option.carrier,
  service: option.service,
  currency: option.currency,
  rate: rateJson(option.rate),
  estimatedDays: { min: option.minDays, max: option.maxDays },
  toPickupPoint: option.toPickupPoint,
  position: option.position,
  createdAt: DateTime.formatIso(option.createdAt)
})

const pickupJson = (point: PickupPoint, distanceMeters: number | null = null): ContractPickupPoint => ({
  id: point.id,
  carrier: point.carrier,
  code: point.code,
  name: point.name,
  line1: point.line1,
  city: point.city,
  postalCode: point.postalCode,
  country: point.country,
  latitude: fromE6(point.latitudeE6),
  longitude: fromE6(point.longitudeE6),
  active: point.active,
  distanceMeters,
  createdAt: DateTime.formatIso(point.createdAt)
})

const listZones: Handler<"shipping.listZones", Shipping> = (request) =>
  Effect.map(Shipping.zones(request.tenant), (zones) => ok(zones.map(zoneJson)))

const createZone: Handler<"shipping.createZone", Shipping> = (request) =>
  Effect.map(
    Shipping.createZone(request.tenant, {
      name: request.body.name.trim(),
      countries: request.body.countries,
      postalPrefixes: request.body.postalPrefixes ?? [],
      taxRate: request.body.taxRate ?? 0
    }),
    (zone) => created(zoneJson(zone))
  )

const deleteZone: Handler<"shipping.deleteZone", Shipping> = (request) =>
  Effect.as(answer(Shipping.deleteZone(request.tenant, request.params.zoneId)), deleted())

const listOptions: Handler<"shipping.listOptions", Shipping> = (request) =>
  Effect.map(Shipping.options(request.tenant), (options) => ok(options.map(optionJson)))

const createOption: Handler<"shipping.createOption", Shipping> = (request) => {
  const { rate, estimatedDays, ...body } = request.body
  const { type, ...fields } = rate
  return Effect.map(
    answer(
      Shipping.createOption(request.tenant, {
        zoneId: body.zoneId ?? null,
        name: body.name.trim(),
        carrier: body.carrier.trim(),
        service: body.service.trim(),
        currency: body.currency,
        rate: { _tag: type, ...fields },
        minDays: estimatedDays.min,
        maxDays: estimatedDays.max,
        toPickupPoint: body.toPickupPoint ?? false,
        position: body.position ?? 0
      })
    ),
    (option) => created(optionJson(option))
  )
}

const deleteOption: Handler<"shipping.deleteOption", Shipping> = (request) =>
  Effect.as(answer(Shipping.deleteOption(request.tenant, request.params.shippingOptionId)), deleted())

const searchPickupPoints: Handler<"shipping.searchPickupPoints", Shipping> = (request) => {
  const { latitude, longitude, postalCode, country, carrier, limit } = request.query
  const near =
    latitude !== undefined && longitude !== undefined && postalCode === undefined
      ? { _tag: "Coordinates" as const, at: { latitudeE6: toE6(latitude), longitudeE6: toE6(longitude) } }
      : postalCode !== undefined && country !== undefined && latitude === undefined && longitude === undefined
        ? { _tag: "PostalCode" as const, postalCode, country }
        : null
  if (near === null) {
    return Effect.fail(
      ApiError.badRequest("Request validation failed", [
        { path: "query.latitude", message: "give latitude and longitude, or postalCode and country" }
      ])
    )
  }
  return Effect.map(Shipping.searchPickupPoints(request.tenant, near, carrier, limit ?? 10), (found) =>
    ok(found.map(({ point, distanceMeters }) => pickupJson(point, distanceMeters)))
  )
}

const createPickupPoint: Handler<"shipping.createPickupPoint", Shipping> = (request) =>
  Effect.map(answer(Shipping.createPickupPoint(request.tenant, request.body)), (point) => created(pickupJson(point)))

const importPickupPoints: Handler<"shipping.importPickupPoints", Shipping | SqlClient.SqlClient> = (request) => {
  // A `text/csv` body arrives as its text (see the pipeline); a JSON one as the array of rows.
  const body: unknown = request.body
  const rows =
    typeof body === "string"
      ? Either.mapLeft(Csv.parse(body), (message) => new InvalidInput({ details: [{ path: "/", message }] }))
      : Either.right(Array.isArray(body) ? body : [])
  return Effect.map(answer(Effect.flatMap(rows, (parsed) => Shipping.importPickupPoints(request.tenant, parsed))), ok)
}

const deactivatePickupPoint: Handler<"shipping.deactivatePickupPoint", Shipping> = (request) =>
  Effect.map(answer(Shipping.deactivatePickupPoint(request.tenant, request.params.pickupPointId)), (point) =>
    ok(pickupJson(point))
  )

const setVariantParcel: Handler<"shipping.setVariantParcel", Shipping> = (request) => {
  const { variantId } = request.params
  const { weightGrams, dimensions } = request.body
  return Effect.as(
    answer(Shipping.setVariantParcel(request.tenant, variantId, { weightGrams, dimensions })),
    ok({ variantId, weightGrams, dimensions })
  )
}

const getTaxSettings: Handler<"tax.getSettings", Shipping> = (request) =>
  Effect.map(Shipping.pricesIncludeTax(request.tenant), (pricesIncludeTax) => ok({ pricesIncludeTax }))

const updateTaxSettings: Handler<"tax.updateSettings", Shipping> = (request) =>
  Effect.as(
    Shipping.setPricesIncludeTax(request.tenant, request.body.pricesIncludeTax),
    ok({ pricesIncludeTax: request.body.pricesIncludeTax })
  )

export const handlers = {
  "shipping.listZones": listZones,
  "shipping.createZone": createZone,
  "shipping.deleteZone": deleteZone,
  "shipping.listOptions": listOptions,
  "shipping.createOption": createOption,
  "shipping.deleteOption": deleteOption,
  "shipping.searchPickupPoints": searchPickupPoints,
  "shipping.createPickupPoint": createPickupPoint,
  "shipping.importPickupPoints": importPickupPoints,
  "shipping.deactivatePickupPoint": deactivatePickupPoint,
  "shipping.setVariantParcel": setVariantParcel,
  "tax.getSettings": getTaxSettings,
  "tax.updateSettings": updateTaxSettings
}
