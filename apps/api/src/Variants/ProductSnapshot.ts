/**
 * A product as the `product.updated` event carries it (the spec's `Product`: every field, its
 * category ids and every variant, the default first), read inside the transaction that changed
 * it so the event describes exactly the committed state.
 */
import { SqlClient } from "@effect/sql"
import { Effect, Option } from "effect"
import type { Tenant } from "../Platform/Events.js"
import { serialize, toVariant, type VariantRow } from "./Variant.js"

interface Row {
  readonly id: string
  readonly name: string
  readonly slug: string
  readonly description: string | null
  readonly sku: string | null
  readonly status: string
  readonly featured: boolean
  readonly price: string
  readonly compare_at_price: string | null
  readonly currency: string
  readonly images: ReadonlyArray<string>
  readonly brand_id: string | null
  readonly category_ids: ReadonlyArray<string>
  readonly variants: ReadonlyArray<VariantRow>
  readonly created_at: Date
  readonly updated_at: Date
}

/** The product with its variants, serialised as the API returns it; None when the caller has none. */
export const find = (tenant: Tenant, productId: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<Row>`
      select p.id, p.name, p.slug, p.description, p.sku, p.status, p.featured, p.price, p.compare_at_price,
             p.currency, p.images, p.brand_id, p.created_at, p.updated_at,
             coalesce((select array_agg(pc.category_id order by pc.position, pc.category_id)
                       from product_categories pc where pc.product_id = p.id), '{}') as category_ids,
             coalesce((select json_agg(v order by v.is_default desc, v.created_at, v.id)
                       from variants v where v.product_id = p.id), '[]') as variants
      from products p
      where p.id = ${productId} and p.site_id = ${tenant.siteId} and p.livemode = ${tenant.livemode}`
    return Option.map(Option.fromNullable(rows[0]), (row) => ({
      id: row.id,
      name: row.name,
      slug: row.slug,
      description: row.description,
      sku: row.sku,
      status: row.status,
      featured: row.featured,
      price: Number(row.price),
      compareAtPrice: row.compare_at_price === null ? null : Number(row.compare_at_price),
      currency: row.currency,
      images: row.images,
      brandId: row.brand_id,
      categoryIds: row.category_ids,
      variants: row.variants.map((v) => serialize(toVariant(v))),
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString()
    }))
  })
