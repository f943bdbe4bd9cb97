/**
 * SQL for brands, per site and mode. Rows are decoded with `Brand`, the spec's shape, at this
 * boundary; the functions run inside whatever transaction their caller opened.
 */
import { Database, Ids, type Tenant, TenantSchema } from "@shopvo/kernel"
import { SqlClient, SqlSchema } from "@effect/sql"
import { Effect, type Option, Schema } from "effect"

export class Brand extends Schema.Class<Brand>("Brand")({
  id: Schema.String,
  name: Schema.String,
  slug: Schema.String,
  description: Schema.NullOr(Schema.String)
}) {}

export class BrandsRepo extends Effect.Service<BrandsRepo>()("@shopvo/api/BrandsRepo", {
  accessors: true,
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const list = SqlSchema.findAll({
      Request: Schema.Struct({ tenant: TenantSchema, slug: Schema.optional(Schema.String) }),
      Result: Brand,
      execute: ({ tenant, slug }) =>
        sql`select id, name, slug, description from brands
            where site_id = ${tenant.siteId} and livemode = ${tenant.livemode}
            ${slug === undefined ? sql`` : sql`and slug = ${slug}`}
            order by name, id`
    })

    const insert = SqlSchema.findOne({
      Request: Schema.Struct({
        tenant: TenantSchema,
        name: Schema.String,
        slug: Schema.String,
        description: Schema.NullOr(Schema.String)
      }),
      Result: Brand,
      execute: ({ tenant, ...brand }) =>
        sql`insert into brands (id, site_id, livemode, name, slug, description)
            values (${Ids.make("br")}, ${tenant.siteId}, ${tenant.livemode}, ${brand.name}, ${brand.slug}, ${brand.description})
            on conflict (site_id, livemode, slug) do nothing
            returning id, name, slug, description`
    })

    return {
      /** Every brand, or the one with `slug`, ordered by name (id breaks ties). */
      list: (tenant: Tenant, filters: { readonly slug?: string | undefined }) =>
        Database.boundary(list({ tenant, ...(filters.slug === undefined ? {} : { slug: filters.slug }) })),
      /** Inserts a brand; `None` when the slug is taken on this site and mode. */
      insert: (
        tenant: Tenant,
        brand: Omit<Brand, "id">
      ): Effect.Effect<Option.Option<Brand>, Database.DatabaseUnavailable> =>
        Database.boundary(insert({ tenant, ...brand }))
    }
  })
}) {}
