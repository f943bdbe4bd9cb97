/**
 * Cart routes: one path, `/cart?cartId=`, with a method per operation; `PATCH` changes one line
 * (`add`, `update` or `remove`). The prices a client may send with an `add` are ignored.
 */
import type { Cart as ContractCart, Operation } from "@shopvo/contract"
import type { Database } from "@shopvo/kernel"
import type { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import * as ApiError from "../Platform/ApiError.js"
import { created, deleted, ok } from "../Platform/Envelope.js"
import type { Handler } from "../Platform/Pipeline.js"
import type { CustomerNotFound } from "../Customers/Errors.js"
import type * as Errors from "./Errors.js"
import { Cart, type PricedCart } from "./Service.js"

type CartError =
  | Errors.CartNotFound
  | Errors.CartConverted
  | Errors.CurrencyNotSupported
  | Errors.ProductNotFound
  | Errors.VariantNotFound
  | Errors.ProductUnavailable
  | Errors.LineNotFound
  | Errors.QuantityLimitExceeded
  | Errors.InsufficientStock
  | Errors.AmountOutOfRange
  | CustomerNotFound

/** Every refusal of the cart service as the API answers it; an unavailable database passes on (503). */
const toApiError = (
  error: CartError | Database.DatabaseUnavailable
): ApiError.ApiError | Database.DatabaseUnavailable => {
  switch (error._tag) {
    case "DatabaseUnavailable":
      return error
    case "CartNotFound":
      return ApiError.notFound(`Cart ${error.cartId}`)
    case "CartConverted":
      return ApiError.unprocessable(error.message, "cart_converted")
    case "CurrencyNotSupported":
      return ApiError.unprocessable(error.message, "currency_not_supported")
    case "ProductNotFound":
      return ApiError.unprocessable(error.message, "product_not_found")
    case "VariantNotFound":
      return ApiError.unprocessable(error.message, "variant_not_found")
    case "ProductUnavailable":
      return ApiError.unprocessable(error.message, "product_unavailable")
    case "LineNotFound":
      return ApiError.unprocessable(error.message, "cart_line_not_found")
    case "QuantityLimitExceeded":
      return ApiError.unprocessable(error.message, "quantity_limit_exceeded")
    case "InsufficientStock":
      return ApiError.conflict(error.message, "insufficient_stock")
    case "CartAmountOutOfRange":
      return ApiError.unprocessable(error.message, "amount_out_of_range")
    case "CustomerNotFound":
      return ApiError.unprocessable(error.message, "customer_not_found")
  }
}

/** A priced cart as the contract's `Cart` (also the `cart.abandoned` payload). */
export const serialize = ({ cart, lines, totals }: PricedCart): Operation.Immutable<ContractCart> => ({
  id: cart.id,
  status: cart.status,
  sessionId: cart.sessionId,
  customerId: cart.customerId,
  email: cart.email,
  currency: cart.currency,
  items: lines.map((line) => ({
    id: line.id,
    productId: line.productId,
    variantId: line.variantId,
    name: line.name,
    sku: line.sku,
    quantity: line.quantity,
    unitPrice: line.unitPrice.amount,
    total: line.total.amount
  })),
  subtotal: totals.subtotal.amount,
  discountTotal: totals.discountTotal.amount,
  total: totals.total.amount,
  promotionCode: cart.promotionCode,
  createdAt: cart.createdAt.toISOString(),
  updatedAt: cart.updatedAt.toISOString()
})

/** Writes open their transaction on the request's database client. */
type Writes = Cart | SqlClient.SqlClient

const get: Handler<"cart.get", Cart> = (request) =>
  Cart.get(request.tenant, request.query.cartId).pipe(
    Effect.map((cart) => ok(serialize(cart))),
    Effect.mapError(toApiError)
  )

const create: Handler<"cart.create", Cart> = (request) =>
  Cart.create(request.tenant, request.body).pipe(
    Effect.map((cart) => created(serialize(cart))),
    Effect.mapError(toApiError)
  )

const update: Handler<"cart.update", Writes> = (request) => {
  const { tenant, body } = request
  const cartId = request.query.cartId
  const changed =
    body.action === "add"
      ? Cart.add(tenant, cartId, body.item)
      : body.action === "update"
        ? Cart.setQuantity(tenant, cartId, body.item, body.item.quantity)
        : Cart.remove(tenant, cartId, body.item)
  return changed.pipe(
    Effect.map((cart) => ok(serialize(cart))),
    Effect.mapError(toApiError)
  )
}

const remove: Handler<"cart.delete", Writes> = (request) =>
  Cart.delete(request.tenant, request.query.cartId).pipe(Effect.as(deleted()), Effect.mapError(toApiError))

export const handlers = {
  "cart.get": get,
  "cart.create": create,
  "cart.update": update,
  "cart.delete": remove
}
