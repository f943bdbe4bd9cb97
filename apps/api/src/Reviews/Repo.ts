/**
 * SQL for product reviews. Every query is scoped by site and mode through the product: reviews of
 * a product of another site or mode do not exist for the caller.
 *
 * A review starts `PENDING` (moderation) unless the site has `review_auto_approve`, and is
 * announced as `review.created` in the same transaction. The reviewer's email is stored for
 * moderation and purchase checks, and never leaves this module.
 */
import { SqlClient } from "@effect/sql"
import { Effect, Option } from "effect"
import { Ids } from "@shopvo/kernel"
import { Outbox } from "@shopvo/kernel"
import type { Tenant } from "@shopvo/kernel"

export type { Tenant }

export type ReviewStatus = "PENDING" | "PUBLISHED" | "ARCHIVED" | "SPAM"

export interface Review {
  readonly id: string
  readonly productId: string
  readonly rating: number
  readonly title: string | null
  readonly content: string | null
  readonly reviewerName: string
  readonly status: ReviewStatus
  readonly isVerifiedPurchase: boolean
  readonly createdAt: Date
  readonly updatedAt: Date
}

/** A review row without its email: straight from a query (times as `Date`) or from `json_agg` (strings). */
interface Row {
  readonly id: string
  readonly product_id: string
  readonly rating: number
  readonly title: string | null
  readonly content: string | null
  readonly reviewer_name: string
  readonly status: ReviewStatus
  readonly is_verified_purchase: boolean
  readonly created_at: Date | string
  readonly updated_at: Date | string
}

// Never `reviewer_email`: what is not selected cannot be returned by mistake.
const columns =
  "id, product_id, rating, title, content, reviewer_name, status, is_verified_purchase, created_at, updated_at"

const toReview = (row: Row): Review => ({
  id: row.id,
  productId: row.product_id,
  rating: row.rating,
  title: row.title,
  content: row.content,
  reviewerName: row.reviewer_name,
  status: row.status,
  isVerifiedPurchase: row.is_verified_purchase,
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at)
})

/** A review as the API (and the `review.created` event) returns it. */
export const serialize = (review: Review) => ({
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

/**
 * A page of the product's reviews in one status, newest first, and their total; None when the
 * caller has no such product. One round trip; both parts use `reviews_product_idx`.
 */
export const list = (
  tenant: Tenant,
  productId: string,
  status: ReviewStatus,
  page: { readonly limit: number; readonly offset: number }
) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{ total: number; items: ReadonlyArray<Row> }>`
      select (select count(*)::int from reviews r where r.product_id = p.id and r.status = ${status}) as total,
             coalesce((select json_agg(x order by x.created_at desc, x.id desc)
                       from (select ${sql.literal(columns)} from reviews r
                             where r.product_id = p.id and r.status = ${status}
                             order by r.created_at desc, r.id desc
                             limit ${page.limit} offset ${page.offset}) x), '[]') as items
      from products p
      where p.id = ${productId} and p.site_id = ${tenant.siteId} and p.livemode = ${tenant.livemode}`
    return Option.map(Option.fromNullable(rows[0]), (row) => ({ total: row.total, items: row.items.map(toReview) }))
  })

export interface NewReview {
  readonly rating: number
  readonly title: string | null
  readonly content: string | null
  readonly reviewerName: string
  readonly reviewerEmail: string
}

/** Submits a review and records `review.created`; None when the caller has no such product. */
export const create = (tenant: Tenant, productId: string, input: NewReview) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return yield* sql.withTransaction(
      Effect.gen(function* () {
        // The product (in the caller's site and mode) and the site's moderation setting, in the
        // insert itself: no row inserted means no such product.
        // isVerifiedPurchase is always false for now: it needs a paid order by this email containing
        // the product, and orders do not exist in this API yet. When they do, compute it here.
        const rows = yield* sql<Row>`
          insert into reviews (id, site_id, livemode, product_id, rating, title, content, reviewer_name, reviewer_email,
                               status, is_verified_purchase)
          select ${Ids.make("rev")}, p.site_id, p.livemode, p.id, ${input.rating}, ${input.title}, ${input.content},
                 ${input.reviewerName}, ${input.reviewerEmail},
                 case when s.review_auto_approve then 'PUBLISHED' else 'PENDING' end, false
          from products p join sites s on s.id = p.site_id
          where p.id = ${productId} and p.site_id = ${tenant.siteId} and p.livemode = ${tenant.livemode}
          returning ${sql.literal(columns)}`
        const row = rows[0]
        if (!row) return Option.none<Review>()
        const review = toReview(row)
        yield* Outbox.emit(tenant, "review.created", serialize(review))
        return Option.some(review)
      })
    )
  })
