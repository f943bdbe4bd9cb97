/**
 * Product routes: list (search, filters, offset and cursor pages, sparse fieldsets, expansion),
 * get by id or slug, create, update, delete. The repository's domain errors become HTTP errors
 * here and nowhere else.
 */
import type { SqlClient } from "@effect/sql"
import { Effect, Either, Option } from "effect"
import * as ApiError from "../Platform/ApiError.js"
import { created, deleted, ok } from "../Platform/Envelope.js"
import * as Pagination from "../Platform/Pagination.js"
import type { Tenant } from "@shopvo/kernel"
import type { Handler } from "../Platform/Pipeline.js"
import * as Model from "./Model.js"
import * as Repo from "./Repo.js"

type R = SqlClient.SqlClient

/** `expand[]` values (the validator always gives an array, even for one value). */
const relations = (expand: ReadonlyArray<Model.Relation> | undefined): Repo.Relations => new Set(expand)

/** `fields=` as field names, or undefined for every field; an unknown name is a 400 naming it. */
const parseFields = (
  fields: string | undefined
): Either.Either<ReadonlyArray<keyof Model.ProductFields> | undefined, ApiError.ApiError> => {
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
const resolveCursor = (tenant: Tenant, cursor: string, search: string | undefined) => {
  if (productIdPattern.test(cursor)) {
    return Effect.flatMap(Repo.positionOf(tenant, cursor, search), (position) =>
      Option.match(position, {
        onNone: () =>
          Effect.fail(
            ApiError.badRequest("Invalid cursor", [{ path: "query.cursor", message: "names no product of this site" }])
          ),
        onSome: Effect.succeed
      })
    )
  }
  return Pagination.decodeCursor(cursor, search === undefined ? undefined : Repo.isSearchSortKey)
}

const list: Handler<"products.list", R> = (request) =>
  Effect.gen(function* () {
    const query = request.query
    const fields = yield* parseFields(query.fields)
    const expand = relations(query["expand[]"])
    const filters: Repo.Filters = {
      status: query.status,
      categoryId: query.categoryId,
      brandId: query.brandId,
      featured: query.featured,
      search: query.search
    }
    const toItem = (row: Repo.ListRow) => Model.toListItem(row, fields)
    if (query.cursor !== undefined) {
      const limit = query.limit
      const after = yield* resolveCursor(request.tenant, query.cursor, query.search)
      const { rows } = yield* Repo.list(request.tenant, filters, { _tag: "Cursor", limit, after }, expand)
      return Pagination.cursorPage(rows, limit, (row) => ({ sortKey: row.sort_key, id: row.id }), toItem)
    }
    const page = Pagination.offset(query)
    const { rows, total } = yield* Repo.list(
      request.tenant,
      filters,
      { _tag: "Offset", limit: page.limit, offset: page.offset },
      expand
    )
    return Pagination.offsetPage(rows.map(toItem), page, total)
  })

const notFound = () => ApiError.notFound("Product")

type RepoError = Repo.ProductNotFound | Repo.SlugTaken | Repo.SkuTaken | Repo.UnknownBrand | Repo.UnknownCategories

const repoErrors = [Repo.ProductNotFound, Repo.SlugTaken, Repo.SkuTaken, Repo.UnknownBrand, Repo.UnknownCategories]
const isRepoError = (error: unknown): error is RepoError => repoErrors.some((type) => error instanceof type)

/** The one mapping of the repository's failures to HTTP. */
const httpError = (error: RepoError): ApiError.ApiError => {
  switch (error._tag) {
    case "ProductNotFound":
      return notFound()
    case "SlugTaken":
      return ApiError.conflict(`The slug "${error.slug}" is already used by another product`, "slug_taken")
    case "SkuTaken":
      return ApiError.conflict(`The SKU "${error.sku}" is already used by another product or variant`, "sku_taken")
    case "UnknownBrand":
      return ApiError.unprocessable(`No brand "${error.brandId}" exists on this site`, "unknown_brand")
    case "UnknownCategories": {
      const ids = error.categoryIds.map((id) => `"${id}"`).join(", ")
      return ApiError.unprocessable(
        `No categor${error.categoryIds.length > 1 ? "ies" : "y"} ${ids} on this site`,
        "unknown_category"
      )
    }
  }
}

const toApiError = <A, E, R>(
  effect: Effect.Effect<A, E | RepoError, R>
): Effect.Effect<A, Exclude<E, RepoError> | ApiError.ApiError, R> =>
  Effect.mapError(effect, (error) => (isRepoError(error) ? httpError(error) : (error as Exclude<E, RepoError>)))

const get: Handler<"products.get", R> = (request) =>
  Effect.flatMap(Repo.find(request.tenant, request.params.productId, relations(request.query["expand[]"])), (product) =>
    Option.match(product, { onNone: () => Effect.fail(notFound()), onSome: (p) => Effect.succeed(ok(p)) })
  )

const create: Handler<"products.create", R> = (request) =>
  Effect.map(toApiError(Repo.create(request.tenant, request.body)), created)

const update: Handler<"products.update", R> = (request) =>
  Effect.map(toApiError(Repo.update(request.tenant, request.params.productId, request.body)), ok)

const remove: Handler<"products.delete", R> = (request) =>
  Effect.as(toApiError(Repo.remove(request.tenant, request.params.productId)), deleted())

export const handlers = {
  "products.list": list,
  "products.get": get,
  "products.create": create,
  "products.update": update,
  "products.delete": remove
}
