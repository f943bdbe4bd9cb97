/**
 * Gift card routes: list, issue, get, void or re-date, and redeem. The service's failures become
 * HTTP answers in `httpError`, the one mapping of this aggregate.
 */
import type { GiftCard as GiftCardJson } from "@shopvo/contract"
import type { Balance, GiftCard, GiftCardCode } from "@shopvo/balances"
import type { DatabaseUnavailable, Tenant } from "@shopvo/kernel"
import type { SqlClient } from "@effect/sql"
import type { Money } from "@shopvo/pricing"
import { DateTime, Effect, Option } from "effect"
import type { CustomerNotFound } from "../Customers/Errors.js"
import * as ApiError from "../Platform/ApiError.js"
import { created, ok } from "../Platform/Envelope.js"
import * as Pagination from "../Platform/Pagination.js"
import type { Handler } from "../Platform/Pipeline.js"
import {
  type CurrencyNotSupported,
  type GiftCardCodeTaken,
  type GiftCardNotFound,
  GiftCards,
  type GiftCardView
} from "./Service.js"

type R = GiftCards | SqlClient.SqlClient

type Failure =
  | CustomerNotFound
  | GiftCardNotFound
  | GiftCardCodeTaken
  | CurrencyNotSupported
  | GiftCardCode.InvalidGiftCardCode
  | GiftCard.InvalidExpiry
  | GiftCard.GiftCardVoid
  | GiftCard.GiftCardExpired
  | Balance.InsufficientBalance
  | Money.InvalidAmount
  | Money.CurrencyMismatch

const invalid = (path: string, message: string) => ApiError.badRequest("Request validation failed", [{ path, message }])

/** The one mapping of the gift-card service's failures to HTTP. */
const httpError = (error: Failure): ApiError.ApiError => {
  switch (error._tag) {
    case "CustomerNotFound":
      return ApiError.unprocessable(error.message, "customer_not_found")
    case "GiftCardNotFound":
      return ApiError.notFound("Gift card")
    case "GiftCardCodeTaken":
      return ApiError.conflict(error.message, "gift_card_code_taken")
    case "CurrencyNotSupported":
    case "CurrencyMismatch":
      return ApiError.unprocessable(error.message, "currency_not_supported")
    case "InvalidGiftCardCode":
      return invalid("/code", error.message)
    case "InvalidExpiry":
      return invalid("/expiresAt", error.message)
    case "InvalidAmount":
      return invalid("/amount", error.message)
    case "GiftCardVoid":
      return ApiError.unprocessable(error.message, "gift_card_void")
    case "GiftCardExpired":
      return ApiError.unprocessable(error.message, "gift_card_expired")
    case "InsufficientBalance":
      return ApiError.unprocessable(error.message, "insufficient_balance")
  }
}

const answer = <A, R>(effect: Effect.Effect<A, Failure | DatabaseUnavailable, R>) =>
  Effect.mapError(effect, (error) => (error._tag === "DatabaseUnavailable" ? error : httpError(error)))

/** A gift card as the API shows it. */
export const serialize = (view: GiftCardView): GiftCardJson => ({
  id: view.card.id,
  code: view.card.code,
  currency: view.card.initialBalance.currency,
  initialBalance: view.card.initialBalance.amount,
  remainingBalance: view.card.remainingBalance.amount,
  status: view.status,
  customerId: view.customerId,
  note: view.note,
  expiresAt: Option.match(view.card.expiresAt, { onNone: () => null, onSome: DateTime.formatIso }),
  issuedAt: DateTime.formatIso(view.card.issuedAt),
  updatedAt: DateTime.formatIso(view.updatedAt)
})

/**
 * An instant the spec accepted as `date-time`. One JavaScript cannot represent, or before year 1
 * (PostgreSQL has no year 0), is a 400 too.
 */
const instant = (path: string, text: string) =>
  Option.match(
    Option.filter(DateTime.make(text), (at) => DateTime.getPartUtc(at, "year") >= 1),
    {
      onNone: () => Effect.fail(invalid(path, "is not a date-time this API can store")),
      onSome: (at) => Effect.succeed(DateTime.toUtc(at))
    }
  )

const giftCardId = /^gc_[A-Za-z0-9]{1,60}$/

/**
 * The position a cursor stands for: an opaque cursor this API issued, or, as the reference shows
 * (`cursor=<id>`), the id of the last card the client has seen.
 */
const resolveCursor = (tenant: Tenant, cursor: string) =>
  giftCardId.test(cursor)
    ? Effect.flatMap(
        GiftCards.positionOf(tenant, cursor),
        Option.match({
          onNone: () => Effect.fail(invalid("query.cursor", "names no gift card of this site")),
          onSome: Effect.succeed
        })
      )
    : Pagination.decodeCursor(cursor)

const list: Handler<"giftCards.list", R> = (request) =>
  Effect.gen(function* () {
    const query = request.query
    const filters = { status: query.status, customerId: query.customerId, code: query.code }
    if (query.cursor !== undefined) {
      const after = yield* resolveCursor(request.tenant, query.cursor)
      const rows = yield* GiftCards.listAfter(request.tenant, filters, query.limit, after)
      return Pagination.cursorPage(
        rows,
        query.limit,
        (row) => ({ sortKey: row.sortKey, id: row.view.card.id }),
        (row) => serialize(row.view)
      )
    }
    const page = Pagination.offset(query)
    const { items, total } = yield* GiftCards.list(request.tenant, filters, page)
    return Pagination.offsetPage(items.map(serialize), page, total)
  })

const create: Handler<"giftCards.create", R> = (request) =>
  Effect.gen(function* () {
    const body = request.body
    const expiresAt = body.expiresAt === undefined ? undefined : yield* instant("/expiresAt", body.expiresAt)
    const view = yield* answer(
      GiftCards.issue(request.tenant, {
        initialBalance: body.initialBalance,
        currency: body.currency,
        code: body.code,
        customerId: body.customerId,
        expiresAt,
        note: body.note
      })
    )
    return created(serialize(view))
  })

const get: Handler<"giftCards.get", R> = (request) =>
  Effect.map(answer(GiftCards.get(request.tenant, request.params.giftCardId)), (view) => ok(serialize(view)))

const update: Handler<"giftCards.update", R> = (request) =>
  Effect.gen(function* () {
    const body = request.body
    const expiresAt =
      body.expiresAt === undefined
        ? undefined
        : body.expiresAt === null
          ? Option.none()
          : Option.some(yield* instant("/expiresAt", body.expiresAt))
    const view = yield* answer(
      GiftCards.update(request.tenant, request.params.giftCardId, { void: body.status === "VOID", expiresAt })
    )
    return ok(serialize(view))
  })

const redeem: Handler<"giftCards.redeem", R> = (request) =>
  Effect.map(
    answer(
      GiftCards.redeem(
        request.tenant,
        { id: request.params.giftCardId },
        request.body.amount,
        request.body.orderId ?? null
      )
    ),
    ({ card }) => ok(serialize(card))
  )

export const handlers = {
  "giftCards.list": list,
  "giftCards.create": create,
  "giftCards.get": get,
  "giftCards.update": update,
  "giftCards.redeem": redeem
}
