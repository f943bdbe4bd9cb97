/**
 * Variant routes under `/products/{productId}/variants`. The spec validates every field; the rules
 * it cannot express (one default per product, SKUs unique on the site) live in the `Variants`
 * service, and its failures become HTTP statuses here, in one place.
 */
import type { SqlClient } from "@effect/sql"
import type { Database } from "@shopvo/kernel"
import { Effect } from "effect"
import * as ApiError from "../Platform/ApiError.js"
import { created, deleted, ok } from "../Platform/Envelope.js"
import type { Handler } from "../Platform/Pipeline.js"
import type { ProductNotFound } from "../Products/Errors.js"
import type { SkuTaken } from "../Products/Sku.js"
import { Variants } from "./Service.js"
import { type DefaultConflict, type DefaultRequired, toJson, type VariantNotFound } from "./Variant.js"

type R = Variants | SqlClient.SqlClient

type VariantError = ProductNotFound | VariantNotFound | SkuTaken | DefaultRequired | DefaultConflict

const httpError = (error: VariantError): ApiError.ApiError => {
  switch (error._tag) {
    case "ProductNotFound":
      return ApiError.notFound("Product")
    case "VariantNotFound":
      return ApiError.notFound("Variant")
    case "SkuTaken":
      return ApiError.conflict(`SKU ${error.sku} is already used on this site`, "sku_taken")
    case "DefaultRequired":
      return ApiError.unprocessable(
        "A product with variants always has a default variant: make another variant the default instead",
        "default_variant_required"
      )
    case "DefaultConflict":
      return ApiError.conflict("The product's default variant was changed by a concurrent request; retry", "conflict")
  }
}

const toApiError = <A, Rq>(effect: Effect.Effect<A, VariantError | Database.DatabaseUnavailable, Rq>) =>
  Effect.mapError(effect, (error) => (error._tag === "DatabaseUnavailable" ? error : httpError(error)))

const list: Handler<"products.listVariants", R> = (request) =>
  Effect.map(toApiError(Variants.list(request.tenant, request.params.productId)), (variants) =>
    ok(variants.map(toJson))
  )

const create: Handler<"products.createVariant", R> = (request) => {
  // `inventoryCount` and `isDefault` arrive with the spec's defaults (0, false) filled in.
  const body = request.body
  return toApiError(
    Variants.create(request.tenant, request.params.productId, {
      name: body.name,
      sku: body.sku ?? null,
      price: body.price ?? null,
      compareAtPrice: body.compareAtPrice ?? null,
      inventoryCount: body.inventoryCount,
      inventoryStatus: body.inventoryStatus,
      options: body.options ?? {},
      isDefault: body.isDefault
    })
  ).pipe(Effect.map((variant) => created(toJson(variant))))
}

const update: Handler<"products.updateVariant", R> = (request) =>
  toApiError(
    Variants.update(request.tenant, request.params.productId, request.params.variantId, request.body, {
      apiKeyId: request.principal?.keyId ?? null
    })
  ).pipe(Effect.map((variant) => ok(toJson(variant))))

const remove: Handler<"products.deleteVariant", R> = (request) =>
  toApiError(Variants.remove(request.tenant, request.params.productId, request.params.variantId)).pipe(
    Effect.as(deleted())
  )

export const handlers = {
  "products.listVariants": list,
  "products.createVariant": create,
  "products.updateVariant": update,
  "products.deleteVariant": remove
}
