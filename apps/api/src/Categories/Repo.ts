/**
 * SQL for categories: a flat list per site and mode (the tree is rebuilt from `parentId`).
 * Categories are created by the demo seed and imports; the API only lists them.
 */
import { SqlClient } from "@effect/sql"
import { Data, Effect } from "effect"
import { Ids } from "@shopvo/kernel"
import * as Slug from "../Products/Slug.js"
import type { Tenant } from "@shopvo/kernel"

export type { Tenant } from "@shopvo/kernel"

export interface Category {
  readonly id: string
  readonly name: string
  readonly slug: string
  readonly description: string | null
  readonly parentId: string | null
}

export class SlugTaken extends Data.TaggedError("CategorySlugTaken")<{ readonly slug: string }> {}
export class UnknownParent extends Data.TaggedError("UnknownParent")<{ readonly parentId: string }> {}

const columns = 'id, name, slug, description, parent_id as "parentId"'

export interface Filters {
  readonly slug?: string | undefined
  readonly parentId?: string | undefined
}

/** Every category matching the filters, ordered by name (id breaks ties). */
export const list = (tenant: Tenant, filters: Filters) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => {
    const clauses = [sql`site_id = ${tenant.siteId}`, sql`livemode = ${tenant.livemode}`]
    if (filters.slug !== undefined) clauses.push(sql`slug = ${filters.slug}`)
    if (filters.parentId !== undefined) clauses.push(sql`parent_id = ${filters.parentId}`)
    return sql<Category>`select ${sql.literal(columns)} from categories where ${sql.and(clauses)} order by name, id`
  })

export interface NewCategory {
  readonly name: string
  /** Derived from the name when omitted. */
  readonly slug?: string | undefined
  readonly description?: string | null | undefined
  readonly parentId?: string | null | undefined
  readonly position?: number | undefined
}

/** Creates a category; the parent must exist in the same site and mode. */
export const create = (tenant: Tenant, input: NewCategory) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    if (input.parentId) {
      const parent =
        yield* sql`select id from categories where id = ${input.parentId} and site_id = ${tenant.siteId} and livemode = ${tenant.livemode}`
      if (parent.length === 0) return yield* new UnknownParent({ parentId: input.parentId })
    }
    const slug = input.slug ?? Slug.fromName(input.name, "category")
    const rows = yield* sql<Category>`
      insert into categories (id, site_id, livemode, parent_id, name, slug, description, position)
      values (${Ids.make("cat")}, ${tenant.siteId}, ${tenant.livemode}, ${input.parentId ?? null}, ${input.name}, ${slug},
              ${input.description ?? null}, ${input.position ?? 0})
      on conflict (site_id, livemode, slug) do nothing
      returning ${sql.literal(columns)}`
    if (rows.length === 0) return yield* new SlugTaken({ slug })
    return rows[0]!
  })
