/**
 * Review routes under `/products/{productId}/reviews`: the public list (published by default) and
 * submission. Rating bounds and field lengths are the spec's; moderation is the service's.
 */
import type { SqlClient } from "@effect/sql"
import type { DatabaseUnavailable } from "@shopvo/kernel"
import { Effect } from "effect"
import * as ApiError from "../Platform/ApiError.js"
import { created } from "../Platform/Envelope.js"
import * as Pagination from "../Platform/Pagination.js"
import type { Handler } from "../Platform/Pipeline.js"
import { type ProductNotFound, Reviews, serialize } from "./Service.js"

/** The review aggregate's errors as API errors; an unavailable database is left to the pipeline (503). */
const toApiError = (error: ProductNotFound | DatabaseUnavailable) => {
  switch (error._tag) {
    case "ProductNotFound":
      return ApiError.notFound("Product")
    case "DatabaseUnavailable":
      return error
  }
}

const list: Handler<"products.listReviews", Reviews> = (request) => {
  const page = Pagination.offset(request.query)
  // `status` arrives with the spec's default (PUBLISHED) filled in.
  return Reviews.list(request.tenant, request.params.productId, request.query.status, page).pipe(
    Effect.map(({ items, total }) => Pagination.offsetPage(items.map(serialize), page, total)),
    Effect.mapError(toApiError)
  )
}

const create: Handler<"products.createReview", Reviews | SqlClient.SqlClient> = (request) =>
  Reviews.create(request.tenant, request.params.productId, {
    rating: request.body.rating,
    title: request.body.title ?? null,
    content: request.body.content ?? null,
    reviewerName: request.body.reviewerName,
    reviewerEmail: request.body.reviewerEmail
  }).pipe(
    Effect.map((review) => created(serialize(review))),
    Effect.mapError(toApiError)
  )

export const handlers = {
  "products.listReviews": list,
  "products.createReview": create
}
