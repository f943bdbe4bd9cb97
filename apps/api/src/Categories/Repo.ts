/**
 * SQL for categories: a flat list per site and mode (the tree is rebuilt from `parentId`). Rows are
 * decoded with `Category`, the spec's shape, at this boundary; the functions run inside whatever
 * transaction their caller opened.
 */
import { Database, Ids, type Tenant, TenantSchema } from "@shopvo/kernel"
import { SqlClient, SqlSchema } from "@effect/sql"
import { Effect, Option, Schema } from "effect"
import { isUniqueViolation } from "../Products/Columns.js"

const isSlugConflict = isUniqueViolation("categories_slug_unique")

export class Category extends Schema.Class<Category>("Category")({
  id: Schema.String,
  name: Schema.String,
  slug: Schema.String,
  description: Schema.NullOr(Schema.String),
  parentId: Schema.NullOr(Schema.String)
}) {}

const columns = 'id, name, slug, description, parent_id as "parentId"'

/** The columns an update may change; an absent key keeps the current value. */
export interface CategoryChanges {
  readonly name?: string | undefined
  readonly slug?: string | undefined
  readonly description?: string | null | undefined
  readonly parentId?: string | null | undefined
}

export class CategoriesRepo extends Effect.Service<CategoriesRepo>()("@shopvo/api/CategoriesRepo", {
  accessors: true,
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const scope = (tenant: Tenant) => sql`site_id = ${tenant.siteId} and livemode = ${tenant.livemode}`

    const list = SqlSchema.findAll({
      Request: Schema.Struct({
        tenant: TenantSchema,
        slug: Schema.optional(Schema.String),
        parentId: Schema.optional(Schema.String)
      }),
      Result: Category,
      execute: ({ tenant, slug, parentId }) =>
        sql`select ${sql.literal(columns)} from categories
            where site_id = ${tenant.siteId} and livemode = ${tenant.livemode}
            ${slug === undefined ? sql`` : sql`and slug = ${slug}`}
            ${parentId === undefined ? sql`` : sql`and parent_id = ${parentId}`}
            order by name, id`
    })

    const topLevel = SqlSchema.findAll({
      Request: TenantSchema,
      Result: Category,
      execute: (tenant) =>
        sql`select ${sql.literal(columns)} from categories
            where site_id = ${tenant.siteId} and livemode = ${tenant.livemode} and parent_id is null
            order by position, name`
    })

    const find = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, id: Schema.String }),
      Result: Category,
      execute: ({ tenant, id }) =>
        sql`select ${sql.literal(columns)} from categories
            where id = ${id} and site_id = ${tenant.siteId} and livemode = ${tenant.livemode}`
    })

    const insert = SqlSchema.findOne({
      Request: Schema.Struct({
        tenant: TenantSchema,
        name: Schema.String,
        slug: Schema.String,
        description: Schema.NullOr(Schema.String),
        parentId: Schema.NullOr(Schema.String),
        position: Schema.Number
      }),
      Result: Category,
      execute: ({ tenant, ...category }) =>
        sql`insert into categories (id, site_id, livemode, parent_id, name, slug, description, position)
            values (${Ids.make("cat")}, ${tenant.siteId}, ${tenant.livemode}, ${category.parentId}, ${category.name},
                    ${category.slug}, ${category.description}, ${category.position})
            on conflict (site_id, livemode, slug) do nothing
            returning ${sql.literal(columns)}`
    })

    const lock = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, id: Schema.String }),
      Result: Category,
      execute: ({ tenant, id }) =>
        sql`select ${sql.literal(columns)} from categories where ${scope(tenant)} and id = ${id} for update`
    })

    // The category and every category below it: a new parent among them would make a cycle.
    const subtree = SqlSchema.findAll({
      Request: Schema.Struct({ tenant: TenantSchema, id: Schema.String }),
      Result: Schema.Struct({ id: Schema.String }),
      execute: ({ tenant, id }) =>
        sql`with recursive below as (
              select id from categories where ${scope(tenant)} and id = ${id}
              union
              select c.id from categories c join below b on c.parent_id = b.id
              where c.site_id = ${tenant.siteId} and c.livemode = ${tenant.livemode})
            select id from below`
    })

    const update = (tenant: Tenant, id: string, changes: CategoryChanges) => {
      const sets = [
        ...(changes.name === undefined ? [] : [sql`name = ${changes.name}`]),
        ...(changes.slug === undefined ? [] : [sql`slug = ${changes.slug}`]),
        ...(changes.description === undefined ? [] : [sql`description = ${changes.description}`]),
        ...(changes.parentId === undefined ? [] : [sql`parent_id = ${changes.parentId}`]),
        sql`updated_at = now()`
      ]
      return sql`update categories set ${sql.csv(sets)} where ${scope(tenant)} and id = ${id}
                 returning ${sql.literal(columns)}`.pipe(
        Effect.map((rows) => Option.some(Schema.decodeUnknownSync(Category)(rows[0]))),
        // The slug of another category (the unique index decides, whatever the concurrency).
        Effect.catchIf(isSlugConflict, () => Effect.succeed(Option.none<Category>()))
      )
    }

    const remove = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, id: Schema.String }),
      Result: Schema.Struct({ id: Schema.String }),
      execute: ({ tenant, id }) => sql`delete from categories where ${scope(tenant)} and id = ${id} returning id`
    })

    return {
      /** Every category matching the filters, ordered by name (id breaks ties). */
      list: (tenant: Tenant, filters: { readonly slug?: string | undefined; readonly parentId?: string | undefined }) =>
        Database.boundary(
          list({
            tenant,
            ...(filters.slug === undefined ? {} : { slug: filters.slug }),
            ...(filters.parentId === undefined ? {} : { parentId: filters.parentId })
          })
        ),
      /** The categories without a parent, in display order (`position`, then name). */
      topLevel: (tenant: Tenant) => Database.boundary(topLevel(tenant)),
      /** The category with this id in the tenant's site and mode. */
      find: (tenant: Tenant, id: string) => Database.boundary(find({ tenant, id })),
      /** Inserts a category; `None` when the slug is taken on this site and mode. */
      insert: (
        tenant: Tenant,
        category: Omit<Category, "id"> & { readonly position: number }
      ): Effect.Effect<Option.Option<Category>, Database.DatabaseUnavailable> =>
        Database.boundary(insert({ tenant, ...category })),
      /** Locks the category row until the caller's transaction ends; `None` when there is none. */
      lock: (tenant: Tenant, id: string) => Database.boundary(lock({ tenant, id })),
      /** The ids of the category and of every category below it. */
      subtree: (tenant: Tenant, id: string) =>
        Database.boundary(Effect.map(subtree({ tenant, id }), (rows) => rows.map((row) => row.id))),
      /** Writes the changed columns of a category the caller locked; `None` when the slug is another's. */
      update: (tenant: Tenant, id: string, changes: CategoryChanges) => Database.boundary(update(tenant, id, changes)),
      /** Deletes a category (its product links go, its children become top-level); `None` when there is none. */
      remove: (tenant: Tenant, id: string) => Database.boundary(remove({ tenant, id }))
    }
  })
}) {}
