/**
 * Inventory routes: stock levels and adjustments. The spec validates the body's shape; the
 * quantity rule it cannot express per operation (an increment or decrement of 0 is a silent
 * no-op, so a 400) is checked here, and the repository's failures become statuses in one place.
 */
import type { SqlClient, SqlError } from "@effect/sql"
import { Effect } from "effect"
import * as ApiError from "../Platform/ApiError.js"
import { ok } from "../Platform/Envelope.js"
import * as Pagination from "../Platform/Pagination.js"
import type { Handler } from "../Platform/Pipeline.js"
import * as Repo from "./Repo.js"
import * as Status from "./Status.js"

type R = SqlClient.SqlClient

const toApiError = (error: Repo.AdjustError): ApiError.ApiError => {
  switch (error._tag) {
    case "ProductNotFound":
      return ApiError.notFound("Product")
    case "VariantNotFound":
      return ApiError.notFound("Variant")
    case "VariantRequired":
      return ApiError.unprocessable(
        "This product has variants: give the variantId whose stock to adjust",
        "variant_required"
      )
    case "InsufficientStock":
      return ApiError.conflict(
        `Insufficient stock: ${error.available} available, cannot decrement by ${error.requested}`,
        "insufficient_stock"
      )
    case "CountTooLarge":
      return ApiError.conflict(`The stock count would exceed ${Status.maxCount}`, "inventory_limit_exceeded")
  }
}

const list: Handler<"inventory.list", R> = (request) =>
  Effect.gen(function* () {
    const page = Pagination.offset(request.query)
    const { items, total } = yield* Repo.list(request.tenant, request.query.sku, page)
    return Pagination.offsetPage(items, page, total)
  })

const adjust: Handler<"inventory.adjust", R> = (request) =>
  Effect.gen(function* () {
    const body = request.body
    if (body.operation !== "set" && body.quantity < 1) {
      return yield* ApiError.badRequest("Request validation failed", [
        { path: "/quantity", message: `must be >= 1 for ${body.operation}` }
      ])
    }
    const level = yield* Repo.adjust(request.tenant, request.params.productId, {
      operation: body.operation,
      quantity: body.quantity,
      variantId: body.variantId,
      reason: body.reason ?? null,
      apiKeyId: request.principal?.keyId ?? null
    }).pipe(
      Effect.mapError((error): ApiError.ApiError | SqlError.SqlError =>
        error._tag === "SqlError" ? error : toApiError(error)
      )
    )
    return ok({
      id: level.id,
      productId: level.productId,
      variantId: level.variantId,
      inventoryCount: level.inventoryCount,
      inventoryStatus: level.inventoryStatus
    })
  })

export const handlers = {
  "inventory.list": list,
  "inventory.adjust": adjust
}
