/**
 * Review routes under `/products/{productId}/reviews`: the public list (published by default) and
 * submission. Rating bounds and field lengths are the spec's; moderation is the repository's.
 */
import type { SqlClient } from "@effect/sql"
import { Effect, Option } from "effect"
import * as ApiError from "../Platform/ApiError.js"
import { created } from "../Platform/Envelope.js"
import * as Pagination from "../Platform/Pagination.js"
import type { Handler } from "../Platform/Pipeline.js"
import * as Repo from "./Repo.js"

type R = SqlClient.SqlClient

const list: Handler<"products.listReviews", R> = (request) =>
  Effect.gen(function* () {
    const page = Pagination.offset(request.query)
    // `status` arrives with the spec's default (PUBLISHED) filled in.
    const found = yield* Repo.list(request.tenant, request.params.productId, request.query.status, page)
    if (Option.isNone(found)) return yield* ApiError.notFound("Product")
    return Pagination.offsetPage(found.value.items.map(Repo.serialize), page, found.value.total)
  })

const create: Handler<"products.createReview", R> = (request) =>
  Effect.gen(function* () {
    const body = request.body
    const review = yield* Repo.create(request.tenant, request.params.productId, {
      rating: body.rating,
      title: body.title ?? null,
      content: body.content ?? null,
      reviewerName: body.reviewerName,
      reviewerEmail: body.reviewerEmail
    })
    if (Option.isNone(review)) return yield* ApiError.notFound("Product")
    return created(Repo.serialize(review.value))
  })

export const handlers = {
  "products.listReviews": list,
  "products.createReview": create
}
