/**
 * B2B routes: accounts (list with search, status and offset or cursor pages; get; create with
 * contacts; update) and price lists (list, create, get, update, delete). Every route first refuses
 * a site whose plan has no B2B (403 `b2b_not_enabled`). The service's failures become HTTP
 * answers in `httpError`, the one mapping of this aggregate.
 */
import type { B2bAccount as AccountJson, Operation, PriceList as PriceListJson } from "@shopvo/contract"
import type { Database, Tenant } from "@shopvo/kernel"
import type { SqlClient } from "@effect/sql"
import type { PriceList } from "@shopvo/pricing"
import { Effect, Option } from "effect"
import * as ApiError from "../Platform/ApiError.js"
import { created, deleted, ok } from "../Platform/Envelope.js"
import * as Pagination from "../Platform/Pagination.js"
import type { Handler } from "../Platform/Pipeline.js"
import type {
  AccountNotFound,
  B2BNotEnabled,
  ContactInOtherAccount,
  ContactNotFound,
  EntryCurrencyNotSupported,
  EntryVariantNotFound,
  PriceListNotFound
} from "./Errors.js"
import { type Account, B2B, type PriceListRecord } from "./Service.js"

type R = B2B | SqlClient.SqlClient

type Failure =
  | B2BNotEnabled
  | AccountNotFound
  | PriceListNotFound
  | ContactNotFound
  | ContactInOtherAccount
  | EntryVariantNotFound
  | EntryCurrencyNotSupported
  | PriceList.InvalidEntry

/** The one mapping of the B2B service's failures to HTTP. */
const httpError = (error: Failure, notFound: "account" | "priceList"): ApiError.ApiError => {
  switch (error._tag) {
    case "B2BNotEnabled":
      return new ApiError.ApiError({ status: 403, code: "b2b_not_enabled", message: error.message })
    case "AccountNotFound":
      return ApiError.notFound("B2B account")
    case "PriceListNotFound":
      // The path's price list is a 404; one named in an account's body is a 422.
      return notFound === "priceList"
        ? ApiError.notFound("Price list")
        : ApiError.unprocessable(error.message, "price_list_not_found")
    case "ContactNotFound":
      return ApiError.unprocessable(error.message, "customer_not_found")
    case "ContactInOtherAccount":
      return ApiError.conflict(error.message, "contact_in_other_account")
    case "EntryVariantNotFound":
      return ApiError.unprocessable(error.message, "variant_not_found")
    case "EntryCurrencyNotSupported":
      return ApiError.unprocessable(error.message, "currency_not_supported")
    case "InvalidEntry":
      return ApiError.badRequest("Request validation failed", [
        { path: `/entries/${error.index}`, message: error.reason }
      ])
  }
}

/** The operation, on a site with B2B only, its failures as HTTP answers. */
const gated = <A, R>(
  tenant: Tenant,
  effect: Effect.Effect<A, Failure | Database.DatabaseUnavailable, R>,
  notFound: "account" | "priceList" = "account"
) =>
  Effect.zipRight(B2B.requireEnabled(tenant), effect).pipe(
    Effect.mapError((error) => (error._tag === "DatabaseUnavailable" ? error : httpError(error, notFound)))
  )

export const serializeAccount = (account: Account): Operation.Immutable<AccountJson> => ({
  id: account.id,
  companyName: account.companyName,
  taxId: account.taxId,
  status: account.status,
  priceListId: account.priceListId,
  paymentTerms: account.paymentTerms,
  contacts: account.contacts,
  createdAt: account.createdAt.toISOString(),
  updatedAt: account.updatedAt.toISOString()
})

export const serializePriceList = (list: PriceListRecord): Operation.Immutable<PriceListJson> => ({
  id: list.id,
  name: list.name,
  entries: list.entries.map((entry) =>
    entry.price !== null
      ? { variantId: entry.variantId, currency: entry.currency, price: entry.price }
      : { variantId: entry.variantId, currency: entry.currency, percentOff: entry.percentOff ?? "0" }
  ),
  createdAt: list.createdAt.toISOString(),
  updatedAt: list.updatedAt.toISOString()
})

/**
 * The position a cursor stands for: an opaque cursor this API issued, or the id of the last row
 * the client has seen (to continue from an offset page).
 */
const resolveCursor = <R>(
  cursor: string,
  idPattern: RegExp,
  positionOf: (id: string) => Effect.Effect<Option.Option<Pagination.Position>, Database.DatabaseUnavailable, R>
) =>
  idPattern.test(cursor)
    ? Effect.flatMap(
        positionOf(cursor),
        Option.match({
          onNone: () =>
            Effect.fail(
              ApiError.badRequest("Invalid cursor", [{ path: "query.cursor", message: "names nothing of this site" }])
            ),
          onSome: Effect.succeed
        })
      )
    : Pagination.decodeCursor(cursor)

const listAccounts: Handler<"b2b.listAccounts", R> = (request) =>
  Effect.gen(function* () {
    const { tenant, query } = request
    yield* gated(tenant, Effect.void)
    const filters = { search: query.search, status: query.status }
    if (query.cursor !== undefined) {
      const after = yield* resolveCursor(query.cursor, /^b2b_[A-Za-z0-9]{1,60}$/, (id) =>
        B2B.accountPosition(tenant, id)
      )
      const rows = yield* B2B.accountsAfter(tenant, filters, query.limit + 1, after)
      return Pagination.cursorPage(rows, query.limit, (row) => ({ sortKey: row.sortKey, id: row.id }), serializeAccount)
    }
    const page = Pagination.offset(query)
    const { items, total } = yield* B2B.accountPage(tenant, filters, page)
    return Pagination.offsetPage(items.map(serializeAccount), page, total)
  })

const getAccount: Handler<"b2b.getAccount", R> = (request) =>
  Effect.map(gated(request.tenant, B2B.getAccount(request.tenant, request.params.accountId)), (account) =>
    ok(serializeAccount(account))
  )

const createAccount: Handler<"b2b.createAccount", R> = (request) =>
  Effect.map(gated(request.tenant, B2B.createAccount(request.tenant, request.body)), (account) =>
    created(serializeAccount(account))
  )

const updateAccount: Handler<"b2b.updateAccount", R> = (request) =>
  Effect.map(
    gated(request.tenant, B2B.updateAccount(request.tenant, request.params.accountId, request.body)),
    (account) => ok(serializeAccount(account))
  )

const listPriceLists: Handler<"b2b.listPriceLists", R> = (request) =>
  Effect.gen(function* () {
    const { tenant, query } = request
    yield* gated(tenant, Effect.void)
    if (query.cursor !== undefined) {
      const after = yield* resolveCursor(query.cursor, /^pl_[A-Za-z0-9]{1,61}$/, (id) =>
        B2B.priceListPosition(tenant, id)
      )
      const rows = yield* B2B.priceListsAfter(tenant, query.limit + 1, after)
      return Pagination.cursorPage(
        rows,
        query.limit,
        (row) => ({ sortKey: row.sortKey, id: row.id }),
        serializePriceList
      )
    }
    const page = Pagination.offset(query)
    const { items, total } = yield* B2B.priceListPage(tenant, page)
    return Pagination.offsetPage(items.map(serializePriceList), page, total)
  })

const createPriceList: Handler<"b2b.createPriceList", R> = (request) =>
  Effect.map(gated(request.tenant, B2B.createPriceList(request.tenant, request.body)), (list) =>
    created(serializePriceList(list))
  )

const getPriceList: Handler<"b2b.getPriceList", R> = (request) =>
  Effect.map(gated(request.tenant, B2B.getPriceList(request.tenant, request.params.priceListId), "priceList"), (list) =>
    ok(serializePriceList(list))
  )

const updatePriceList: Handler<"b2b.updatePriceList", R> = (request) =>
  Effect.map(
    gated(request.tenant, B2B.updatePriceList(request.tenant, request.params.priceListId, request.body), "priceList"),
    (list) => ok(serializePriceList(list))
  )

const deletePriceList: Handler<"b2b.deletePriceList", R> = (request) =>
  Effect.as(
    gated(request.tenant, B2B.deletePriceList(request.tenant, request.params.priceListId), "priceList"),
    deleted()
  )

export const handlers = {
  "b2b.listAccounts": listAccounts,
  "b2b.getAccount": getAccount,
  "b2b.createAccount": createAccount,
  "b2b.updateAccount": updateAccount,
  "b2b.listPriceLists": listPriceLists,
  "b2b.createPriceList": createPriceList,
  "b2b.getPriceList": getPriceList,
  "b2b.updatePriceList": updatePriceList,
  "b2b.deletePriceList": deletePriceList
}
