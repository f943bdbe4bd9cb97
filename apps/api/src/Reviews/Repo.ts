/**
 * SQL for product reviews. Every query is scoped by site and mode through the product: reviews of
 * a product of another site or mode do not exist for the caller. Rows are decoded with `Review` at
 * this boundary; the functions run inside whatever transaction their caller opened.
 *
 * The reviewer's email is written for moderation and purchase checks, and never read back here.
 */
import { Database, Ids, type Tenant, TenantSchema } from "@shopvo/kernel"
import { SqlClient, SqlSchema } from "@effect/sql"
import { Effect, type Option, Schema } from "effect"

export const ReviewStatus = Schema.Literal("PENDING", "PUBLISHED", "ARCHIVED", "SPAM")
export type ReviewStatus = typeof ReviewStatus.Type

const reviewFields = {
  id: Schema.String,
  productId: Schema.String,
  rating: Schema.Number,
  title: Schema.NullOr(Schema.String),
  content: Schema.NullOr(Schema.String),
  reviewerName: Schema.String,
  status: ReviewStatus,
  isVerifiedPurchase: Schema.Boolean
}

export const Review = Schema.Struct({
  ...reviewFields,
  createdAt: Schema.DateFromSelf,
  updatedAt: Schema.DateFromSelf
})
export type Review = typeof Review.Type

/** A review as `json_agg` writes it: the same, with its times as ISO text. */
const ReviewJson = Schema.Struct({ ...reviewFields, createdAt: Schema.Date, updatedAt: Schema.Date })

// Never `reviewer_email`: what is not selected cannot be returned by mistake.
const columns = `id, product_id as "productId", rating, title, content, reviewer_name as "reviewerName", status,
  is_verified_purchase as "isVerifiedPurchase", created_at as "createdAt", updated_at as "updatedAt"`

export interface NewReview {
  readonly rating: number
  readonly title: string | null
  readonly content: string | null
  readonly reviewerName: string
  readonly reviewerEmail: string
}

export interface Page {
  readonly limit: number
  readonly offset: number
}

export class ReviewsRepo extends Effect.Service<ReviewsRepo>()("@shopvo/api/ReviewsRepo", {
  accessors: true,
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const list = SqlSchema.findOne({
      Request: Schema.Struct({
        tenant: TenantSchema,
        productId: Schema.String,
        status: ReviewStatus,
        limit: Schema.Number,
        offset: Schema.Number
      }),
      Result: Schema.Struct({ total: Schema.Number, items: Schema.Array(ReviewJson) }),
      execute: ({ tenant, productId, status, limit, offset }) =>
        sql`select (select count(*)::int from reviews r where r.product_id = p.id and r.status = ${status}) as total,
                   coalesce((select json_agg(x order by x."createdAt" desc, x.id desc)
                             from (select ${sql.literal(columns)} from reviews r
                                   where r.product_id = p.id and r.status = ${status}
                                   order by r.created_at desc, r.id desc
                                   limit ${limit} offset ${offset}) x), '[]') as items
            from products p
            where p.id = ${productId} and p.site_id = ${tenant.siteId} and p.livemode = ${tenant.livemode}`
    })

    const insert = SqlSchema.findOne({
      Request: Schema.Struct({
        tenant: TenantSchema,
        productId: Schema.String,
        rating: Schema.Number,
        title: Schema.NullOr(Schema.String),
        content: Schema.NullOr(Schema.String),
        reviewerName: Schema.String,
        reviewerEmail: Schema.String
      }),
      Result: Review,
      // The product (in the caller's site and mode) and the site's moderation setting, in the
      // insert itself: no row inserted means no such product. A verified purchase: the reviewer's
      // email (ignoring case) has a paid order of this site and mode with a line of the product.
      execute: ({ tenant, productId, ...review }) =>
        sql`insert into reviews (id, site_id, livemode, product_id, rating, title, content, reviewer_name, reviewer_email,
                                 status, is_verified_purchase)
            select ${Ids.make("rev")}, p.site_id, p.livemode, p.id, ${review.rating}, ${review.title}, ${review.content},
                   ${review.reviewerName}, ${review.reviewerEmail},
                   case when s.review_auto_approve then 'PUBLISHED' else 'PENDING' end,
                   exists (select 1 from orders o
                           join order_items i on i.site_id = o.site_id and i.order_id = o.id
                           where o.site_id = p.site_id and o.livemode = p.livemode
                             and lower(o.email) = lower(${review.reviewerEmail})
                             and o.payment_status in ('PAID', 'PARTIALLY_REFUNDED')
                             and i.product_id = p.id)
            from products p join sites s on s.id = p.site_id
            where p.id = ${productId} and p.site_id = ${tenant.siteId} and p.livemode = ${tenant.livemode}
            returning ${sql.literal(columns)}`
    })

    const activeProducts = SqlSchema.findAll({
      Request: Schema.Struct({ tenant: TenantSchema, limit: Schema.Number }),
      Result: Schema.Struct({ id: Schema.String }),
      execute: ({ tenant, limit }) =>
        sql`select id from products
            where site_id = ${tenant.siteId} and livemode = ${tenant.livemode} and status = 'ACTIVE'
            order by created_at, id limit ${limit}`
    })

    return {
      /**
       * A page of the product's reviews in one status, newest first, and their total; `None` when
       * the caller has no such product. One round trip; both parts use `reviews_product_idx`.
       */
      list: (
        tenant: Tenant,
        productId: string,
        status: ReviewStatus,
        page: Page
      ): Effect.Effect<
        Option.Option<{ readonly total: number; readonly items: ReadonlyArray<Review> }>,
        Database.DatabaseUnavailable
      > => Database.boundary(list({ tenant, productId, status, limit: page.limit, offset: page.offset })),
      /** Inserts a review, held for moderation unless the site publishes at once; `None` when there is no such product. */
      insert: (tenant: Tenant, productId: string, review: NewReview) =>
        Database.boundary(insert({ tenant, productId, ...review })),
      /** The ids of the tenant's first `limit` active products, in creation order. */
      activeProducts: (tenant: Tenant, limit: number) =>
        Database.boundary(activeProducts({ tenant, limit })).pipe(Effect.map((rows) => rows.map((row) => row.id)))
    }
  })
}) {}
