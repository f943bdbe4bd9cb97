/**
 * Order routes: the list (newest first; status, payment status, customer, email, product, B2B
 * account and creation-time filters; offset or cursor pages) and one order by id or by number.
 */
import type { Tenant } from "@shopvo/kernel"
import { Effect, Option } from "effect"
import * as ApiError from "../Platform/ApiError.js"
import { ok } from "../Platform/Envelope.js"
import * as Pagination from "../Platform/Pagination.js"
import type { Handler } from "../Platform/Pipeline.js"
import { orderSettlement } from "../Settlement/Http.js"
import { Settlement } from "../Settlement/Service.js"
import { serialize } from "./Json.js"
import { type EmptyDateRange, type Filters, type OrderNotFound, Orders } from "./Service.js"

/** The one mapping of the orders service's failures to HTTP. */
const httpError = (error: OrderNotFound | EmptyDateRange): ApiError.ApiError => {
  switch (error._tag) {
    case "OrderNotFound":
      return ApiError.notFound("Order")
    case "EmptyDateRange":
      return ApiError.badRequest("`from` is later than `to`", [
        { path: "query.from", message: "must not be later than `to`" }
      ])
  }
}

const orderIdPattern = /^order_[A-Za-z0-9]{1,58}$/

/** An opaque cursor this API issued, or the id of the last order the client has seen. */
const resolveCursor = (tenant: Tenant, cursor: string) =>
  orderIdPattern.test(cursor)
    ? Effect.flatMap(
        Orders.positionOf(tenant, cursor),
        Option.match({
          onNone: () =>
            Effect.fail(
              ApiError.badRequest("Invalid cursor", [{ path: "query.cursor", message: "names no order of this site" }])
            ),
          onSome: Effect.succeed
        })
      )
    : Pagination.decodeCursor(cursor)

const list: Handler<"orders.list", Orders> = (request) =>
  Effect.gen(function* () {
    const query = request.query
    const filters: Filters = {
      status: query.status,
      paymentStatus: query.paymentStatus,
      customerId: query.customerId,
      email: query.email,
      productId: query.productId,
      b2bAccountId: query.b2bAccountId,
      from: query.from === undefined ? undefined : new Date(query.from),
      to: query.to === undefined ? undefined : new Date(query.to)
    }
    if (query.cursor !== undefined) {
      const after = yield* resolveCursor(request.tenant, query.cursor)
      const rows = yield* Orders.listCursor(request.tenant, filters, query.limit, after)
      return Pagination.cursorPage(rows, query.limit, (row) => ({ sortKey: row.sortKey, id: row.id }), serialize)
    }
    const page = Pagination.offset(query)
    const { rows, total } = yield* Orders.listOffset(request.tenant, filters, page.limit, page.offset)
    return Pagination.offsetPage(rows.map(serialize), page, total)
  }).pipe(Effect.catchTag("EmptyDateRange", (error) => Effect.fail(httpError(error))))

const get: Handler<"orders.get", Orders | Settlement> = (request) =>
  Orders.get(request.tenant, request.params.orderId).pipe(
    Effect.flatMap((order) =>
      Effect.map(Settlement.forOrder(request.tenant, order.id), (settlement) =>
        ok({
          ...serialize(order),
          ...Option.match(settlement, { onNone: () => ({}), onSome: (row) => ({ settlement: orderSettlement(row) }) })
        })
      )
    ),
    Effect.catchTag("OrderNotFound", (error) => Effect.fail(httpError(error)))
  )

export const handlers = {
  "orders.list": list,
  "orders.get": get
}
