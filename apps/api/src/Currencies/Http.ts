/**
 * Currency routes: the currencies a site sells in, exchange rates, and prices per currency on a
 * product and its variants. The service's failures become HTTP answers in `httpError`.
 */
import type { ExchangeRate } from "@shopvo/contract"
import type { DatabaseUnavailable } from "@shopvo/kernel"
import type { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import * as ApiError from "../Platform/ApiError.js"
import { created, ok } from "../Platform/Envelope.js"
import * as Pagination from "../Platform/Pagination.js"
import type { Handler } from "../Platform/Pipeline.js"
import {
  Currencies,
  type CurrencyRefused,
  type DuplicatePrice,
  type PriceVariantNotFound,
  type ProductNotFound,
  type ProductPrices,
  type RateInvalid,
  type RateRecord
} from "./Service.js"

type R = Currencies | SqlClient.SqlClient

type Failure = CurrencyRefused | RateInvalid | ProductNotFound | PriceVariantNotFound | DuplicatePrice

/** The one mapping of the currencies service's failures to HTTP. */
const httpError = (error: Failure): ApiError.ApiError => {
  switch (error._tag) {
    case "CurrencyRefused":
      return ApiError.unprocessable(error.reason, "currency_not_supported")
    case "RateInvalid":
      return ApiError.badRequest("Request validation failed", [{ path: "/rate", message: error.reason }])
    case "ProductNotFound":
      return ApiError.notFound("Product")
    case "PriceVariantNotFound":
      return ApiError.unprocessable(
        `Variant ${error.variantId} is not a variant of product ${error.productId}`,
        "variant_not_found"
      )
    case "DuplicatePrice":
      return ApiError.badRequest("Request validation failed", [
        { path: `/prices/${error.index}`, message: "a second price for the same currency and variant" }
      ])
  }
}

const answer = <A, R>(effect: Effect.Effect<A, Failure | DatabaseUnavailable, R>) =>
  Effect.mapError(effect, (error) => (error._tag === "DatabaseUnavailable" ? error : httpError(error)))

const serializeRate = (rate: RateRecord): ExchangeRate => ({
  id: rate.id,
  from: rate.from,
  to: rate.to,
  rate: rate.rate,
  effectiveAt: rate.effectiveAt.toISOString(),
  createdAt: rate.createdAt.toISOString()
})

const serializePrices = (prices: ProductPrices) => ({
  productId: prices.productId,
  currency: prices.currency,
  price: prices.price,
  prices: prices.prices.map((price) => ({
    currency: price.currency,
    amount: price.amount,
    variantId: price.variantId
  }))
})

const get: Handler<"currencies.get", R> = (request) =>
  Effect.map(Currencies.get(request.tenant), (settings) =>
    ok({ baseCurrency: settings.baseCurrency, currencies: [...settings.currencies] })
  )

const update: Handler<"currencies.update", R> = (request) =>
  Effect.map(answer(Currencies.update(request.tenant, request.body.currencies)), (settings) =>
    ok({ baseCurrency: settings.baseCurrency, currencies: [...settings.currencies] })
  )

const listRates: Handler<"currencies.listRates", R> = (request) => {
  const page = Pagination.offset(request.query)
  return Effect.map(
    Currencies.listRates(request.tenant, request.query.from ?? null, request.query.to ?? null, page.limit, page.offset),
    ({ rows, total }) => Pagination.offsetPage(rows.map(serializeRate), page, total)
  )
}

const createRate: Handler<"currencies.createRate", R> = (request) => {
  const { from, to, rate, effectiveAt } = request.body
  return Effect.map(
    answer(
      Currencies.createRate(request.tenant, {
        from,
        to,
        rate,
        effectiveAt: effectiveAt === undefined ? null : new Date(effectiveAt)
      })
    ),
    (record) => created(serializeRate(record))
  )
}

const getProductPrices: Handler<"currencies.getProductPrices", R> = (request) =>
  Effect.map(answer(Currencies.getProductPrices(request.tenant, request.params.productId)), (prices) =>
    ok(serializePrices(prices))
  )

const setProductPrices: Handler<"currencies.setProductPrices", R> = (request) =>
  Effect.map(
    answer(Currencies.setProductPrices(request.tenant, request.params.productId, request.body.prices)),
    (prices) => ok(serializePrices(prices))
  )

export const handlers = {
  "currencies.get": get,
  "currencies.update": update,
  "currencies.listRates": listRates,
  "currencies.createRate": createRate,
  "currencies.getProductPrices": getProductPrices,
  "currencies.setProductPrices": setProductPrices
}
