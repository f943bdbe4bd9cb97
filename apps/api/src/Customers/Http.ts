/**
 * Customer routes: list (search, group, offset and cursor pages), get, update, merge. The service's
 * domain errors become HTTP errors in `httpError`, and nowhere else.
 */
import type { Tenant } from "@shopvo/kernel"
import type { SqlClient } from "@effect/sql"
import { Effect, Option } from "effect"
import * as ApiError from "../Platform/ApiError.js"
import { ok } from "../Platform/Envelope.js"
import * as Pagination from "../Platform/Pagination.js"
import type { Handler } from "../Platform/Pipeline.js"
import { serialize } from "./Json.js"
import {
  type CustomerGroupNotFound,
  type CustomerNotFound,
  Customers,
  type EmailTaken,
  type MergeSameCustomer
} from "./Service.js"

type DomainError = CustomerNotFound | EmailTaken | CustomerGroupNotFound | MergeSameCustomer

const domainTags: ReadonlySet<string> = new Set<DomainError["_tag"]>([
  "CustomerNotFound",
  "EmailTaken",
  "CustomerGroupNotFound",
  "MergeSameCustomer"
])

/** The one mapping of the service's failures to HTTP. */
const httpError = (error: DomainError): ApiError.ApiError => {
  switch (error._tag) {
    case "CustomerNotFound":
      return ApiError.notFound("Customer")
    case "EmailTaken":
      return ApiError.conflict(error.message, "email_taken")
    case "CustomerGroupNotFound":
      return ApiError.unprocessable(error.message, "customer_group_not_found")
    case "MergeSameCustomer":
      return ApiError.unprocessable(error.message, "merge_same_customer")
  }
}

const withHttpErrors = <A, E extends { readonly _tag: string }, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.catchIf(
    effect,
    (error): error is Extract<E, DomainError> => domainTags.has(error._tag),
    (error) => Effect.fail(httpError(error))
  )

const customerIdPattern = /^cust_[A-Za-z0-9]{1,60}$/

/**
 * The position a cursor stands for: an opaque cursor this API issued, or the id of the last
 * customer the client has seen (to continue from an offset page).
 */
const resolveCursor = (tenant: Tenant, cursor: string) =>
  customerIdPattern.test(cursor)
    ? Effect.flatMap(
        Customers.position(tenant, cursor),
        Option.match({
          onNone: () =>
            Effect.fail(
              ApiError.badRequest("Invalid cursor", [
                { path: "query.cursor", message: "names no customer of this site" }
              ])
            ),
          onSome: Effect.succeed
        })
      )
    : Pagination.decodeCursor(cursor)

const list: Handler<"customers.list", Customers> = (request) =>
  Effect.gen(function* () {
    const { search, group, cursor, limit } = request.query
    const filters = { ...(search === undefined ? {} : { search }), ...(group === undefined ? {} : { groupId: group }) }
    if (cursor !== undefined) {
      const position = yield* resolveCursor(request.tenant, cursor)
      const rows = yield* Customers.after(request.tenant, filters, limit + 1, position)
      return Pagination.cursorPage(rows, limit, (row) => ({ sortKey: row.sortKey, id: row.id }), serialize)
    }
    const page = Pagination.offset(request.query)
    const { items, total } = yield* Customers.page(request.tenant, filters, page)
    return Pagination.offsetPage(items.map(serialize), page, total)
  })

const get: Handler<"customers.get", Customers> = (request) =>
  Effect.map(withHttpErrors(Customers.get(request.tenant, request.params.customerId)), (customer) =>
    ok(serialize(customer))
  )

const update: Handler<"customers.update", Customers> = (request) =>
  Effect.map(withHttpErrors(Customers.update(request.tenant, request.params.customerId, request.body)), (customer) =>
    ok(serialize(customer))
  )

const merge: Handler<"customers.merge", Customers | SqlClient.SqlClient> = (request) =>
  Effect.map(
    withHttpErrors(Customers.merge(request.tenant, request.params.customerId, request.body.sourceCustomerId)),
    (customer) => ok(serialize(customer))
  )

export const handlers = {
  "customers.list": list,
  "customers.get": get,
  "customers.update": update,
  "customers.merge": merge
}
