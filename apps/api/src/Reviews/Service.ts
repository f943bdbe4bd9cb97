/**
 * Product reviews: listed by status (the API defaults to published ones) and submitted by
 * shoppers. A review starts `PENDING` (moderation) unless the site has `review_auto_approve`, and
 * is announced as `review.created` in the same transaction.
 */
import type { Operation, Review as ContractReview } from "@shopvo/contract"
import { Database, Outbox, type Tenant } from "@shopvo/kernel"
import { Data, Effect, Option } from "effect"
import { type NewReview, type Page, type Review, type ReviewStatus, ReviewsRepo } from "./Repo.js"

export type { NewReview, Review, ReviewStatus } from "./Repo.js"

/** The caller has no product with this id (in its site and mode). */
export class ProductNotFound extends Data.TaggedError("ProductNotFound")<{ readonly productId: string }> {}

/** A review as the API and the `review.created` event show it. */
export const serialize = (review: Review): Operation.Immutable<ContractReview> => ({
  id: review.id,
  productId: review.productId,
  rating: review.rating,
  title: review.title,
  content: review.content,
  reviewerName: review.reviewerName,
  status: review.status,
  isVerifiedPurchase: review.isVerifiedPurchase,
  createdAt: review.createdAt.toISOString(),
  updatedAt: review.updatedAt.toISOString()
})

export class Reviews extends Effect.Service<Reviews>()("@shopvo/api/Reviews", {
  accessors: true,
  dependencies: [ReviewsRepo.Default],
  effect: Effect.gen(function* () {
    const repo = yield* ReviewsRepo
    const orNotFound =
      (productId: string) =>
      <A>(found: Option.Option<A>) =>
        Option.match(found, {
          onNone: () => Effect.fail(new ProductNotFound({ productId })),
          onSome: Effect.succeed
        })
    return {
      /** A page of the product's reviews in `status`, newest first, and their total. */
      list: (tenant: Tenant, productId: string, status: ReviewStatus, page: Page) =>
        Effect.flatMap(repo.list(tenant, productId, status, page), orNotFound(productId)),
      /** Submits a review and records `review.created`. */
      create: (tenant: Tenant, productId: string, input: NewReview) =>
        Database.transaction(
          Effect.gen(function* () {
            const review = yield* Effect.flatMap(repo.insert(tenant, productId, input), orNotFound(productId))
            yield* Database.boundary(Outbox.emit(tenant, "review.created", serialize(review)))
            return review
          })
        ),
      /** The ids of the tenant's first `limit` active products, in creation order: what the demo seed reviews. */
      activeProducts: repo.activeProducts
    }
  })
}) {}
