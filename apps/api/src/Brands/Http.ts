/**
 * Brand routes: every brand, or the one matching `slug`; create, update, delete.
 */
import type { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import * as ApiError from "../Platform/ApiError.js"
import { created, deleted, ok } from "../Platform/Envelope.js"
import type { Handler } from "../Platform/Pipeline.js"
import { Brands } from "./Service.js"

type R = Brands | SqlClient.SqlClient

const slugTaken = (error: { readonly slug: string }) =>
  Effect.fail(ApiError.conflict(`The slug "${error.slug}" is already used by another brand`, "slug_taken"))
const notFound = () => Effect.fail(ApiError.notFound("Brand"))

const list: Handler<"brands.list", Brands> = (request) =>
  Effect.map(Brands.list(request.tenant, { slug: request.query.slug }), ok)

const create: Handler<"brands.create", R> = (request) =>
  Brands.create(request.tenant, request.body).pipe(
    Effect.map((brand) => created({ ...brand })),
    Effect.catchTag("BrandSlugTaken", slugTaken)
  )

const update: Handler<"brands.update", R> = (request) =>
  Brands.update(request.tenant, request.params.brandId, request.body).pipe(
    Effect.map((brand) => ok({ ...brand })),
    Effect.catchTags({ BrandSlugTaken: slugTaken, BrandNotFound: notFound })
  )

const remove: Handler<"brands.delete", Brands> = (request) =>
  Brands.remove(request.tenant, request.params.brandId).pipe(
    Effect.as(deleted()),
    Effect.catchTag("BrandNotFound", notFound)
  )

export const handlers = {
  "brands.list": list,
  "brands.create": create,
  "brands.update": update,
  "brands.delete": remove
}
