/**
 * Variant routes under `/products/{productId}/variants`. The spec validates every field; the rules
 * it cannot express (one default per product, SKUs unique on the site) live in the repository, and
 * its failures become HTTP statuses here, in one place.
 */
import type { SqlClient, SqlError } from "@effect/sql"
import { Effect, Option } from "effect"
import * as ApiError from "../Platform/ApiError.js"
import { created, deleted, ok } from "../Platform/Envelope.js"
import type { Handler } from "../Platform/Pipeline.js"
import * as Repo from "./Repo.js"
import { serialize } from "./Variant.js"

type R = SqlClient.SqlClient

const toApiError = (error: Repo.VariantError): ApiError.ApiError => {
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

const mapErrors = <A, Rq>(
  effect: Effect.Effect<A, Repo.VariantError | SqlError.SqlError, Rq>
): Effect.Effect<A, ApiError.ApiError | SqlError.SqlError, Rq> =>
  Effect.mapError(effect, (error) => (error._tag === "SqlError" ? error : toApiError(error)))

const list: Handler<"products.listVariants", R> = (request) =>
  Effect.flatMap(
    Repo.list(request.tenant, request.params.productId),
    Option.match({
      onNone: () => Effect.fail(ApiError.notFound("Product")),
      onSome: (variants) => Effect.succeed(ok(variants.map(serialize)))
    })
  )

const create: Handler<"products.createVariant", R> = (request) => {
  // `inventoryCount` and `isDefault` arrive with the spec's defaults (0, false) filled in.
  const body = request.body
  return mapErrors(
    Repo.create(request.tenant, request.params.productId, {
      name: body.name,
      sku: body.sku ?? null,
      price: body.price ?? null,
      compareAtPrice: body.compareAtPrice ?? null,
      inventoryCount: body.inventoryCount,
      inventoryStatus: body.inventoryStatus,
      options: body.options ?? {},
      isDefault: body.isDefault
    })
  ).pipe(Effect.map((variant) => created(serialize(variant))))
}

const update: Handler<"products.updateVariant", R> = (request) =>
  mapErrors(
    Repo.update(request.tenant, request.params.productId, request.params.variantId, request.body, {
      apiKeyId: request.principal?.keyId ?? null
    })
  ).pipe(Effect.map((variant) => ok(serialize(variant))))

const remove: Handler<"products.deleteVariant", R> = (request) =>
  mapErrors(Repo.remove(request.tenant, request.params.productId, request.params.variantId)).pipe(Effect.as(deleted()))

export const handlers = {
  "products.listVariants": list,
  "products.createVariant": create,
  "products.updateVariant": update,
  "products.deleteVariant": remove
}
