/**
 * Product routes: list (search, filters, offset and cursor pages, sparse fieldsets, expansion),
 * get by id or slug, create, update, delete. The service's domain errors become HTTP errors here
 * and nowhere else.
 */
import type { SqlClient } from "@effect/sql"
import type { Database, Tenant } from "@shopvo/kernel"
import { Effect, Either, Option } from "effect"
import * as ApiError from "../Platform/ApiError.js"
import { created, deleted, ok } from "../Platform/Envelope.js"
import * as Pagination from "../Platform/Pagination.js"
import type { Handler } from "../Platform/Pipeline.js"
import type { DownloadFileMismatch, ProductNotFound, SlugTaken, UnknownBrand, UnknownCategories } from "./Errors.js"
import * as Model from "./Model.js"
import { isSortKey, type Relations } from "./Repo.js"
import * as Search from "./Search.js"
import { Products } from "./Service.js"
import type { SkuTaken } from "./Sku.js"

type R = Products | SqlClient.SqlClient

/** `expand[]` values (the validator always gives an array, even for one value). */
const relations = (expand: ReadonlyArray<Model.Relation> | undefined): Relations => new Set(expand)

/** `fields=` as field names, or undefined for every field; an unknown name is a 400 naming it. */
const parseFields = (
  fields: string | undefined
): Either.Either<ReadonlyArray<Model.Field> | undefined, ApiError.ApiError> => {
  if (fields === undefined) return Either.right(undefined)
  const names = [...new Set(fields.split(","))]
  const unknown = names.filter((name) => !Model.isField(name))
  if (unknown.length > 0) {
    const hint = unknown.some((name) => name === "variants" || name === "brand" || name === "categories")
      ? " (embed relations with expand[])"
      : ""
    return Either.left(
      ApiError.badRequest(
        `Unknown field${unknown.length > 1 ? "s" : ""} in fields: ${unknown.join(", ")}${hint}`,
        unknown.map((name) => ({
          path: "query.fields",
          message: `"${name}" is not a product field; known fields: ${Model.fieldNames.join(", ")}`
        }))
      )
    )
  }
  return Either.right(names.filter(Model.isField))
}

const productIdPattern = /^prd_[A-Za-z0-9]{1,60}$/

/**
 * The position a cursor stands for: an opaque cursor this API issued, or, as the reference
 * shows (`cursor=prd_abc123`), the id of the last product the client has seen.
 */
const resolveCursor = (tenant: Tenant, cursor: string, search: string | undefined, sort: Model.Sort) => {
  if (productIdPattern.test(cursor)) {
    return Effect.flatMap(Products.positionOf(tenant, cursor, search, sort), (position) =>
      Option.match(position, {
        onNone: () =>
          Effect.fail(
            ApiError.badRequest("Invalid cursor", [{ path: "query.cursor", message: "names no product of this site" }])
          ),
        onSome: Effect.succeed
      })
    )
  }
  return Pagination.decodeCursor(cursor, search === undefined ? isSortKey(sort) : Search.isSortKey)
}

const list: Handler<"products.list", R> = (request) =>
  Effect.gen(function* () {
    const query = request.query
    const fields = yield* parseFields(query.fields)
    const expand = relations(query["expand[]"])
    // `newest` when omitted; a search is ranked, not sorted.
    const sort = query.sort ?? "newest"
    if (query.search !== undefined && query.sort !== undefined) {
      return yield* ApiError.badRequest("sort cannot be combined with search: search results are ranked", [
        { path: "query.sort", message: "is not allowed with search" }
      ])
    }
    const filters = {
      status: query.status,
      categoryId: query.categoryId,
      brandId: query.brandId,
      featured: query.featured,
      type: query.type,
      search: query.search,
      sort
    }
    const toItem = (product: Model.ListedProduct) => Model.toListItem(product, fields)
    if (query.cursor !== undefined) {
      const limit = query.limit
      const after = yield* resolveCursor(request.tenant, query.cursor, query.search, sort)
      const { products } = yield* Products.list(request.tenant, filters, { _tag: "Cursor", limit, after }, expand)
      return Pagination.cursorPage(products, limit, (p) => ({ sortKey: p.sortKey, id: p.id }), toItem)
    }
    const page = Pagination.offset(query)
    const { products, total } = yield* Products.list(
      request.tenant,
      filters,
      { _tag: "Offset", limit: page.limit, offset: page.offset },
      expand
    )
    return Pagination.offsetPage(products.map(toItem), page, total)
  })

type ProductError = ProductNotFound | SlugTaken | SkuTaken | UnknownBrand | UnknownCategories | DownloadFileMismatch

/** The one mapping of the service's failures to HTTP. */
const httpError = (error: ProductError): ApiError.ApiError => {
  switch (error._tag) {
    case "ProductNotFound":
      return ApiError.notFound("Product")
    case "SlugTaken":
      return ApiError.conflict(`The slug "${error.slug}" is already used by another product`, "slug_taken")
    case "SkuTaken":
      return ApiError.conflict(`The SKU "${error.sku}" is already used by another product or variant`, "sku_taken")
    case "UnknownBrand":
      return ApiError.unprocessable(`No brand "${error.brandId}" exists on this site`, "unknown_brand")
    case "DownloadFileMismatch":
      return ApiError.badRequest(error.message, [
        {
          path: "body.downloadFile",
          message: error.type === "digital" ? "is required for a digital product" : "is only for a digital product"
        }
      ])
    case "UnknownCategories": {
      const ids = error.categoryIds.map((id) => `"${id}"`).join(", ")
      return ApiError.unprocessable(
        `No categor${error.categoryIds.length > 1 ? "ies" : "y"} ${ids} on this site`,
        "unknown_category"
      )
    }
  }
}

/** Maps the domain errors of `effect`, leaving `DatabaseUnavailable` to the pipeline. */
const toApiError = <A, Rq>(effect: Effect.Effect<A, ProductError | Database.DatabaseUnavailable, Rq>) =>
  Effect.mapError(effect, (error) => (error._tag === "DatabaseUnavailable" ? error : httpError(error)))

const get: Handler<"products.get", R> = (request) =>
  Effect.map(
    toApiError(Products.get(request.tenant, request.params.productId, relations(request.query["expand[]"]))),
    (product) => ok(Model.toJson(product))
  )

const create: Handler<"products.create", R> = (request) =>
  Effect.map(toApiError(Products.create(request.tenant, request.body)), (product) => created(Model.toJson(product)))

const update: Handler<"products.update", R> = (request) =>
  Effect.map(toApiError(Products.update(request.tenant, request.params.productId, request.body)), (product) =>
    ok(Model.toJson(product))
  )

const remove: Handler<"products.delete", R> = (request) =>
  Effect.as(toApiError(Products.remove(request.tenant, request.params.productId)), deleted())

export const handlers = {
  "products.list": list,
  "products.get": get,
  "products.create": create,
  "products.update": update,
  "products.delete": remove
}
