/**
 * Promotion routes: list (with the status at the time of the request), create, update, delete,
 * and the public `promotions.validate` a storefront calls without a key.
 */
import type { Operation, Promotion as ContractPromotion, PromotionUpdate } from "@shopvo/contract"
import { Currency, Ids, Money } from "@shopvo/pricing"
import { Promotion, Validation } from "@shopvo/promotions"
import type { Database } from "@shopvo/kernel"
import type { SqlClient } from "@effect/sql"
import { DateTime, Effect, Either, Option, Schema } from "effect"
import * as ApiError from "../Platform/ApiError.js"
import { created, deleted, ok } from "../Platform/Envelope.js"
import * as Pagination from "../Platform/Pagination.js"
import type { Handler } from "../Platform/Pipeline.js"
import { Sites } from "../Sites/Service.js"
import {
  type ProductNotFound,
  type PromotionChanges,
  type PromotionCodeTaken,
  type PromotionRow,
  Promotions,
  type UnknownPromotion
} from "./Service.js"

const iso = (instant: DateTime.Utc | null) => (instant === null ? null : DateTime.formatIso(instant))

const serialize = (p: PromotionRow, now: DateTime.Utc): Operation.Immutable<ContractPromotion> => ({
  id: p.id,
  code: p.code,
  type: p.type,
  value: p.value,
  minOrderAmount: p.minOrderAmount,
  maxUses: p.maxUses,
  usedCount: p.usedCount,
  perCustomerLimit: p.perCustomerLimit,
  appliesToProducts: p.appliesToProducts,
  startsAt: iso(p.startsAt),
  expiresAt: iso(p.expiresAt),
  status: Promotion.status(p, now),
  createdAt: DateTime.formatIso(p.createdAt),
  updatedAt: DateTime.formatIso(p.updatedAt)
})

/** The one mapping of this aggregate's failures to HTTP. */
const toApiError = (
  error:
    | PromotionCodeTaken
    | ProductNotFound
    | UnknownPromotion
    | Promotion.InvalidPromotion
    | Database.DatabaseUnavailable
): ApiError.ApiError | Database.DatabaseUnavailable => {
  switch (error._tag) {
    case "PromotionCodeTaken":
      return ApiError.conflict(`A promotion with code ${error.code} already exists`, "promotion_code_taken")
    case "PromotionProductNotFound":
      return ApiError.unprocessable(`Product ${error.productId} not found`, "product_not_found")
    case "UnknownPromotion":
      return ApiError.notFound("Promotion")
    case "InvalidPromotion":
      return ApiError.badRequest(
        "Request validation failed",
        error.issues.map((issue) => ({ path: `/${issue.field}`, message: issue.message }))
      )
    case "DatabaseUnavailable":
      return error
  }
}

// PostgreSQL has no year 0, which an offset can reach from 0001-01-01.
const instant = (field: "startsAt" | "expiresAt", text: string | null | undefined) => {
  if (text === undefined || text === null) return Either.right(text)
  return Option.match(
    Option.filter(DateTime.make(text), (t) => DateTime.getPartUtc(t, "year") >= 1),
    {
      onNone: () =>
        Either.left(
          ApiError.badRequest("Request validation failed", [
            { path: `/${field}`, message: "is not a date-time from year 1 on" }
          ])
        ),
      onSome: (t) => Either.right(DateTime.toUtc(t))
    }
  )
}

/** The body of a create or an update as the service takes it: instants parsed. */
const changesOf = (body: PromotionUpdate) =>
  Effect.gen(function* () {
    const { startsAt, expiresAt, ...rest } = body
    const changes: PromotionChanges = {
      ...rest,
      startsAt: yield* instant("startsAt", startsAt),
      expiresAt: yield* instant("expiresAt", expiresAt)
    }
    return changes
  })

const list: Handler<"promotions.list", Promotions | SqlClient.SqlClient> = (request) =>
  Effect.gen(function* () {
    const now = yield* DateTime.now
    const page = Pagination.offset(request.query)
    const { items, total } = yield* Promotions.list(request.tenant, { ...page, status: request.query.status, now })
    return Pagination.offsetPage(
      items.map((p) => serialize(p, now)),
      page,
      total
    )
  })

const create: Handler<"promotions.create", Promotions | SqlClient.SqlClient> = (request) =>
  Effect.gen(function* () {
    const body = request.body
    const changes = yield* changesOf(body)
    const promotion = yield* Promotions.create(request.tenant, { ...changes, code: body.code, type: body.type }).pipe(
      Effect.mapError(toApiError)
    )
    return created(serialize(promotion, yield* DateTime.now))
  })

const update: Handler<"promotions.update", Promotions | SqlClient.SqlClient> = (request) =>
  Effect.gen(function* () {
    const changes = yield* changesOf(request.body)
    const promotion = yield* Promotions.update(request.tenant, request.params.promotionId, changes).pipe(
      Effect.mapError(toApiError)
    )
    return ok(serialize(promotion, yield* DateTime.now))
  })

const remove: Handler<"promotions.delete", Promotions | SqlClient.SqlClient> = (request) =>
  Promotions.remove(request.tenant, request.params.promotionId).pipe(Effect.mapError(toApiError), Effect.as(deleted()))

/** The body's cart in the site's currency: a line per item, priced `price × quantity`. */
const cartOf = (body: Operation.Body<"promotions.validate">, currency: Currency.Code) =>
  Effect.gen(function* () {
    const lines = yield* Effect.forEach(body.items ?? [], (item, i) =>
      Effect.gen(function* () {
        const at = `/items/${i}`
        const productId = Schema.decodeOption(Ids.ProductId)(item.productId)
        if (Option.isNone(productId)) {
          return yield* ApiError.badRequest("Request validation failed", [
            { path: `${at}/productId`, message: "is not a product id" }
          ])
        }
        const subtotal = yield* Money.multiply({ amount: item.price, currency }, item.quantity).pipe(
          Effect.mapError(() =>
            ApiError.badRequest("Request validation failed", [{ path: at, message: "price × quantity is too large" }])
          )
        )
        return { lineId: Ids.LineId.make(`line_${i + 1}`), productId: productId.value, subtotal }
      })
    )
    return {
      subtotal: { amount: body.cartTotal, currency },
      lines,
      shipping: { amount: body.shippingTotal ?? 0, currency }
    }
  })

const validate: Handler<"promotions.validate", Promotions | Sites | SqlClient.SqlClient> = (request) =>
  Effect.gen(function* () {
    const site = yield* Sites.find(request.siteId)
    if (Option.isNone(site)) return yield* ApiError.notFound("Site")
    const currency = site.value.currency
    if (!Currency.isCode(currency)) return yield* Effect.die(`site ${request.siteId} sells in unknown ${currency}`)
    const body = request.body
    const cart = yield* cartOf(body, currency)
    const outcome = yield* Effect.either(
      Promotions.validate(request.tenant, {
        code: body.code,
        cart,
        email: body.email ?? null,
        now: yield* DateTime.now
      })
    )
    if (Either.isRight(outcome)) {
      const discount = outcome.right
      return {
        status: 200 as const,
        body: {
          success: true as const,
          valid: true as const,
          discount: discount.total.amount,
          promotion: { id: discount.promotionId, code: discount.code, type: discount.type, value: discount.value }
        }
      }
    }
    const error = outcome.left
    if (Validation.isRejection(error)) {
      return {
        status: 200 as const,
        body: { success: true as const, valid: false as const, reason: error.reason, message: error.message }
      }
    }
    if (error._tag === "DatabaseUnavailable") return yield* error
    // The cart is built in one currency from non-negative amounts: only a sum too large is left.
    return yield* ApiError.badRequest("Request validation failed", [{ path: "/items", message: error.message }])
  })

export const handlers = {
  "promotions.list": list,
  "promotions.create": create,
  "promotions.update": update,
  "promotions.delete": remove,
  "promotions.validate": validate
}
