/**
 * SQL for brands, per site and mode. Brands are created by the demo seed and imports; the API
 * only lists them.
 */
import { SqlClient } from "@effect/sql"
import { Data, Effect } from "effect"
import { Ids } from "@shopvo/kernel"
import * as Slug from "../Products/Slug.js"
import type { Tenant } from "@shopvo/kernel"

export type { Tenant } from "@shopvo/kernel"

export interface Brand {
  readonly id: string
  readonly name: string
  readonly slug: string
  readonly description: string | null
}

export class SlugTaken extends Data.TaggedError("BrandSlugTaken")<{ readonly slug: string }> {}

/** Every brand, or the one with `slug`, ordered by name (id breaks ties). */
export const list = (tenant: Tenant, filters: { readonly slug?: string | undefined }) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) =>
      sql<Brand>`select id, name, slug, description from brands
               where site_id = ${tenant.siteId} and livemode = ${tenant.livemode}
               ${filters.slug === undefined ? sql`` : sql`and slug = ${filters.slug}`}
               order by name, id`
  )

export interface NewBrand {
  readonly name: string
  /** Derived from the name when omitted. */
  readonly slug?: string | undefined
  readonly description?: string | null | undefined
}

export const create = (tenant: Tenant, input: NewBrand) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const slug = input.slug ?? Slug.fromName(input.name, "brand")
    const rows = yield* sql<Brand>`
      insert into brands (id, site_id, livemode, name, slug, description)
      values (${Ids.make("br")}, ${tenant.siteId}, ${tenant.livemode}, ${input.name}, ${slug}, ${input.description ?? null})
      on conflict (site_id, livemode, slug) do nothing
      returning id, name, slug, description`
    if (rows.length === 0) return yield* new SlugTaken({ slug })
    return rows[0]!
  })
