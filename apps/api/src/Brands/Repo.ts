/**
 * SQL for brands, per site and mode. Rows are decoded with `Brand`, the spec's shape, at this
 * boundary; the functions run inside whatever transaction their caller opened.
 */
import { Database, Ids, type Tenant, TenantSchema } from "@shopvo/kernel"
import { SqlClient, SqlSchema } from "@effect/sql"
import { Effect, Option, Schema } from "effect"
import { isUniqueViolation } from "../Products/Columns.js"

const isSlugConflict = isUniqueViolation("brands_slug_unique")

/** The columns an update may change; an absent key keeps the current value. */
export interface BrandChanges {
  readonly name?: string | undefined
  readonly slug?: string | undefined
  readonly description?: string | null | undefined
}

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

    const scope = (tenant: Tenant) => sql`site_id = ${tenant.siteId} and livemode = ${tenant.livemode}`

    const update = (tenant: Tenant, id: string, changes: BrandChanges) => {
      const sets = [
        ...(changes.name === undefined ? [] : [sql`name = ${changes.name}`]),
        ...(changes.slug === undefined ? [] : [sql`slug = ${changes.slug}`]),
        ...(changes.description === undefined ? [] : [sql`description = ${changes.description}`]),
        sql`updated_at = now()`
      ]
      return sql`update brands set ${sql.csv(sets)} where ${scope(tenant)} and id = ${id}
                 returning id, name, slug, description`.pipe(
        Effect.map((rows) =>
          rows.length === 0
            ? ({ _tag: "NotFound" } as const)
            : ({ _tag: "Updated", brand: Schema.decodeUnknownSync(Brand)(rows[0]) } as const)
        ),
        // The slug of another brand (the unique index decides, whatever the concurrency).
        Effect.catchIf(isSlugConflict, () => Effect.succeed({ _tag: "SlugTaken" } as const))
      )
    }

    const remove = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, id: Schema.String }),
      Result: Schema.Struct({ id: Schema.String }),
      execute: ({ tenant, id }) => sql`delete from brands where ${scope(tenant)} and id = ${id} returning id`
    })

    return {
      /** Changes a brand: `Updated`, or `NotFound`, or `SlugTaken` when the slug is another brand's. */
      update: (tenant: Tenant, id: string, changes: BrandChanges) => Database.boundary(update(tenant, id, changes)),
      /** Deletes a brand (its products keep no brand); `None` when there is none. */
      remove: (tenant: Tenant, id: string) => Database.boundary(Effect.map(remove({ tenant, id }), Option.isSome)),
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
