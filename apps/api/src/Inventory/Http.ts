/**
 * Inventory routes: stock levels and adjustments. The spec validates the body (an increment or
 * decrement of at least 1, a set of 0 or more); the service's failures become statuses here, in
 * one place.
 */
import type { SqlClient } from "@effect/sql"
import type { InventoryLevel, Operation } from "@shopvo/contract"
import type { Database } from "@shopvo/kernel"
import { Effect } from "effect"
import * as ApiError from "../Platform/ApiError.js"
import { ok } from "../Platform/Envelope.js"
import * as Pagination from "../Platform/Pagination.js"
import type { Handler } from "../Platform/Pipeline.js"
import type { ProductNotFound } from "../Products/Errors.js"
import type { VariantNotFound } from "../Variants/Variant.js"
import type { CountTooLarge, InsufficientStock } from "./Adjustments.js"
import { Inventory, type Level, type VariantRequired } from "./Service.js"
import * as Status from "./Status.js"

type R = Inventory | SqlClient.SqlClient

type AdjustError = ProductNotFound | VariantNotFound | VariantRequired | InsufficientStock | CountTooLarge

const httpError = (error: AdjustError): ApiError.ApiError => {
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

const toJson = (level: Level): Operation.Immutable<InventoryLevel> => ({
  id: level.id,
  productId: level.productId,
  variantId: level.variantId,
  name: level.name,
  sku: level.sku,
  inventoryCount: level.inventoryCount,
  inventoryStatus: level.inventoryStatus,
  lowStockThreshold: level.lowStockThreshold
})

const list: Handler<"inventory.list", R> = (request) =>
  Effect.gen(function* () {
    const page = Pagination.offset(request.query)
    const { items, total } = yield* Inventory.list(request.tenant, request.query.sku, page)
    return Pagination.offsetPage(items.map(toJson), page, total)
  })

const adjust: Handler<"inventory.adjust", R> = (request) =>
  Effect.gen(function* () {
    const body = request.body
    const level = yield* Inventory.adjust(request.tenant, request.params.productId, {
      operation: body.operation,
      quantity: body.quantity,
      variantId: body.variantId,
      reason: body.reason ?? null,
      apiKeyId: request.principal?.keyId ?? null
    }).pipe(
      Effect.mapError((error): ApiError.ApiError | Database.DatabaseUnavailable =>
        error._tag === "DatabaseUnavailable" ? error : httpError(error)
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
