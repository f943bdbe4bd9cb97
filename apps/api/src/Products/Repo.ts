/**
 * SQL for products. Every query is scoped by site and mode: a product of another site or mode
 * does not exist for the caller. Rows decode with `Model`'s schemas at this boundary; every
 * method runs inside whatever transaction its caller (the `Products` service) opened.
 *
 * Reads are one statement each: the page, its total and every requested relation (variants,
 * brand, categories) are built by PostgreSQL as JSON in correlated subqueries evaluated only for
 * the rows of the page — never one query per product.
 */
import { SqlClient, SqlSchema, type Statement } from "@effect/sql"
import { Database, type Tenant, TenantSchema } from "@shopvo/kernel"
import { Effect, Option, Schema } from "effect"
import * as Pagination from "../Platform/Pagination.js"
import * as VariantModel from "../Variants/Variant.js"
import { expectRow, iso, isUniqueViolation, selectList } from "./Columns.js"
import { SlugTaken } from "./Errors.js"
import * as Model from "./Model.js"
import * as Search from "./Search.js"

export type Relations = ReadonlySet<Model.Relation>

const Relations = Schema.ReadonlySetFromSelf(Model.Relation)

// ---------------------------------------------------------------------------------------------
// Columns. Relation columns are built as JSON by PostgreSQL; they read `p.id` / `p.brand_id`.

const productColumns =
  selectList([
    ["id", "p.id"],
    ["name", "p.name"],
    ["slug", "p.slug"],
    ["description", "p.description"],
    ["sku", "p.sku"],
    ["status", "p.status"],
    ["featured", "p.featured"],
    ["price", "p.price::text"],
    ["compareAtPrice", "p.compare_at_price::text"],
    ["currency", "p.currency"],
    ["images", "p.images"],
    ["brandId", "p.brand_id"],
    ["type", "p.type"],
    ["downloadFile", "p.download_file"],
    ["createdAt", iso("p.created_at")],
    ["updatedAt", iso("p.updated_at")]
  ]) +
  ", (select coalesce(array_agg(pc.category_id order by pc.position, pc.category_id), '{}') " +
  'from product_categories pc where pc.site_id = p.site_id and pc.product_id = p.id) as "categoryIds"'

const brandJson =
  "(select json_build_object('id', b.id, 'name', b.name, 'slug', b.slug, 'description', b.description) " +
  "from brands b where b.id = p.brand_id)"

const categoriesJson =
  "(select coalesce(json_agg(json_build_object(" +
  "'id', c.id, 'name', c.name, 'slug', c.slug, 'description', c.description, 'parentId', c.parent_id" +
  ") order by pc.position, pc.category_id), '[]'::json) " +
  "from product_categories pc join categories c on c.site_id = pc.site_id and c.id = pc.category_id " +
  "where pc.site_id = p.site_id and pc.product_id = p.id)"

const relationColumns = (relations: Relations): string => {
  const out = [productColumns]
  if (relations.has("variants")) out.push(`${VariantModel.jsonArray("p.id")} as variants`)
  if (relations.has("brand")) out.push(`${brandJson} as brand`)
  if (relations.has("categories")) out.push(`${categoriesJson} as categories`)
  return out.join(", ")
}

const createdAtKey = (alias: string) =>
  `to_char(${alias}.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`

// ---------------------------------------------------------------------------------------------
// Lists

export const Filters = Schema.Struct({
  status: Model.ProductStatus,
  categoryId: Schema.optional(Schema.String),
  brandId: Schema.optional(Schema.String),
  featured: Schema.optional(Schema.Boolean),
  type: Schema.optional(Model.ProductType),
  search: Schema.optional(Schema.String),
  /** Without `search` only (a search is ranked); `newest` when absent. */
  sort: Schema.optional(Model.Sort)
})
export type Filters = typeof Filters.Type

/** How a sort orders rows of `alias`, the text of its sort key, and how a keyset continues after one. */
const ordering = (sql: Sql, sort: Model.Sort, alias: string) => {
  const column = (name: string) => sql.literal(`${alias}.${name}`)
  const desc = sort === "newest" || sort.startsWith("-")
  const direction = sql.literal(desc ? "desc" : "asc")
  const [keyColumn, sortKey] =
    sort === "price" || sort === "-price"
      ? ["price", `${alias}.price::text`]
      : sort === "name" || sort === "-name"
        ? ["name", `${alias}.name`]
        : ["created_at", createdAtKey(alias)]
  const cast = keyColumn === "price" ? "bigint" : keyColumn === "name" ? "text" : "timestamptz"
  return {
    orderBy: sql`${column(keyColumn)} ${direction}, ${column("id")} ${direction}`,
    sortKey,
    after: (position: { readonly sortKey: string; readonly id: string }) =>
      sql`(${column(keyColumn)}, ${column("id")}) ${sql.literal(desc ? "<" : ">")} (${position.sortKey}::${sql.literal(cast)}, ${position.id})`
  }
}

/** Whether `text` can be the sort key of a cursor of `sort`. */
export const isSortKey = (sort: Model.Sort) => (text: string) =>
  sort === "price" || sort === "-price"
    ? /^\d{1,16}$/.test(text)
    : sort === "name" || sort === "-name"
      ? text.length <= 200
      : Pagination.isCreatedAt(text)

const Position = Schema.Struct({ sortKey: Schema.String, id: Schema.String })

export const Page = Schema.Union(
  Schema.TaggedStruct("Offset", { limit: Schema.Int, offset: Schema.Int }),
  /** `limit + 1` rows after `after` (from the start without one): the extra row says a next page exists. */
  Schema.TaggedStruct("Cursor", { limit: Schema.Int, after: Schema.optional(Position) })
)
export type Page = typeof Page.Type

export interface Listed {
  readonly products: ReadonlyArray<Model.ListedProduct>
  /** Offset pages only. */
  readonly total: number
}

/**
 * A list's rows are its products, or the one row of `counted` (no id) when the page is empty
 * (past the last page); each carries the total. Product rows decode as `ListedProduct` alone:
 * trying each row against a union of the two costs about a fifth more per page.
 */
const ListRows = Schema.Array(Schema.Struct({ id: Schema.NullOr(Schema.String), total: Schema.Int }))
const decodeListRows = Schema.decodeUnknown(ListRows)
const decodeProducts = Schema.decodeUnknown(Schema.Array(Model.ListedProduct))

type Sql = SqlClient.SqlClient

const filterClause = (sql: Sql, tenant: Tenant, filters: Filters): Statement.Fragment => {
  const clauses: Array<Statement.Fragment> = [
    sql`p.site_id = ${tenant.siteId}`,
    sql`p.livemode = ${tenant.livemode}`,
    sql`p.status = ${filters.status}`
  ]
  if (filters.brandId !== undefined) clauses.push(sql`p.brand_id = ${filters.brandId}`)
  if (filters.featured !== undefined) clauses.push(sql`p.featured = ${filters.featured}`)
  if (filters.type !== undefined) clauses.push(sql`p.type = ${filters.type}`)
  if (filters.categoryId !== undefined) {
    clauses.push(
      sql`exists (select 1 from product_categories pc
               where pc.site_id = p.site_id and pc.product_id = p.id and pc.category_id = ${filters.categoryId})`
    )
  }
  return sql.and(clauses)
}

/** The pieces of a search query; `score` reads `p` and the `sku_hits` CTE. */
const searchParts = (sql: Sql, tenant: Tenant, search: string) => {
  const terms = Search.parse(search)
  const tsquery = sql`(websearch_to_tsquery('simple', ${terms.text}) || websearch_to_tsquery('english', ${terms.text}))`
  const inName =
    terms.namePatterns.length > 0
      ? sql.and([
          ...terms.namePatterns.map((pattern) => sql`p.name ilike ${pattern}`),
          ...terms.excludedPatterns.map((pattern) => sql`p.name not ilike ${pattern}`)
        ])
      : undefined
  const skuHits = sql`sku_hits as (
      select id from products where site_id = ${tenant.siteId} and livemode = ${tenant.livemode} and sku = any(${terms.skus})
      union
      select product_id from variants where site_id = ${tenant.siteId} and livemode = ${tenant.livemode} and sku = any(${terms.skus}))`
  // One bitmap scan: the OR of the three matchers is a BitmapOr of the full-text, trigram and
  // primary-key indexes (`= any(array(...))` is indexable where `in (select …)` is not).
  const matches = sql`(p.search_vector @@ ${tsquery}${inName ? sql` or (${inName})` : sql``} or p.id = any(array(select id from sku_hits)))`
  // Full-text rank (names and SKUs weigh A, descriptions C: a name match outranks a description
  // match), + 0.3 when every word is part of the name (partial words rank above description-only
  // matches), + 1 for an exact SKU: whoever types a SKU wants that product first.
  const score = sql`(ts_rank(p.search_vector, ${tsquery})::float8
      + ${inName ? sql`case when ${inName} then 0.3 else 0 end` : sql`0`}
      + case when p.id in (select id from sku_hits) then 1 else 0 end)`
  return { skuHits, matches, score }
}

// ---------------------------------------------------------------------------------------------
// Writes

/** A product row to insert: every column given (the service applies the defaults). */
export const NewRow = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  slug: Schema.String,
  description: Schema.NullOr(Schema.String),
  sku: Schema.NullOr(Schema.String),
  status: Model.ProductStatus,
  featured: Schema.Boolean,
  price: Schema.Int,
  compareAtPrice: Schema.NullOr(Schema.Int),
  /** Null: the site's currency. */
  currency: Schema.NullOr(Schema.String),
  images: Schema.Array(Schema.String),
  brandId: Schema.NullOr(Schema.String),
  type: Model.ProductType,
  downloadFile: Schema.NullOr(Schema.String),
  /** Null: now (the demo seed and imports give older times). */
  createdAt: Schema.NullOr(Schema.DateFromSelf)
})
export type NewRow = typeof NewRow.Type

/** The columns an update may change; an absent key keeps the current value. */
export const Changes = Schema.Struct({
  name: Schema.optional(Schema.String),
  slug: Schema.optional(Schema.String),
  description: Schema.optional(Schema.NullOr(Schema.String)),
  sku: Schema.optional(Schema.NullOr(Schema.String)),
  status: Schema.optional(Model.ProductStatus),
  featured: Schema.optional(Schema.Boolean),
  price: Schema.optional(Schema.Int),
  compareAtPrice: Schema.optional(Schema.NullOr(Schema.Int)),
  currency: Schema.optional(Schema.String),
  images: Schema.optional(Schema.Array(Schema.String)),
  brandId: Schema.optional(Schema.NullOr(Schema.String)),
  type: Schema.optional(Model.ProductType),
  downloadFile: Schema.optional(Schema.NullOr(Schema.String))
})
export type Changes = typeof Changes.Type

const changedColumns: ReadonlyArray<readonly [keyof Changes, string]> = [
  ["name", "name"],
  ["slug", "slug"],
  ["description", "description"],
  ["sku", "sku"],
  ["status", "status"],
  ["featured", "featured"],
  ["price", "price"],
  ["compareAtPrice", "compare_at_price"],
  ["currency", "currency"],
  ["brandId", "brand_id"],
  ["type", "type"],
  ["downloadFile", "download_file"]
]

const isSlugConflict = isUniqueViolation("products_slug_unique")

export class ProductsRepo extends Effect.Service<ProductsRepo>()("@shopvo/api/ProductsRepo", {
  accessors: true,
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const scoped = (tenant: Tenant) => sql`p.site_id = ${tenant.siteId} and p.livemode = ${tenant.livemode}`

    const find = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, idOrSlug: Schema.String, relations: Relations }),
      Result: Model.Product,
      execute: ({ tenant, idOrSlug, relations }) => {
        const key = idOrSlug.startsWith("prd_") ? sql`p.id = ${idOrSlug}` : sql`p.slug = ${idOrSlug}`
        return sql`select ${sql.literal(relationColumns(new Set(relations).add("variants")))}
                   from products p where ${scoped(tenant)} and ${key}`
      }
    })

    const positionOf = SqlSchema.findOne({
      Request: Schema.Struct({
        tenant: TenantSchema,
        productId: Schema.String,
        search: Schema.optional(Schema.String),
        sort: Model.Sort
      }),
      Result: Schema.Struct({ sortKey: Schema.String }),
      execute: ({ tenant, productId, search, sort }) => {
        const where = sql`p.id = ${productId} and ${scoped(tenant)}`
        if (search === undefined) {
          return sql`select ${sql.literal(ordering(sql, sort, "p").sortKey)} as "sortKey" from products p where ${where}`
        }
        const parts = searchParts(sql, tenant, search)
        return sql`with ${parts.skuHits}
          select ${parts.score}::text || '|' || ${sql.literal(createdAtKey("p"))} as "sortKey" from products p where ${where}`
      }
    })

    const listStatement = ({
      tenant,
      filters,
      page,
      relations
    }: {
      readonly tenant: Tenant
      readonly filters: Filters
      readonly page: Page
      readonly relations: Relations
    }) => {
      const where = filterClause(sql, tenant, filters)
      const limit = page._tag === "Offset" ? page.limit : page.limit + 1
      const offset = page._tag === "Offset" ? page.offset : 0
      const after = page._tag === "Cursor" ? page.after : undefined
      const columns = sql.literal(relationColumns(relations))
      // `count` left-joined to the page: one row even past the last page, so the total always comes back.
      const countOnly = page._tag === "Cursor" ? sql`select 0 as total` : undefined
      if (filters.search === undefined) {
        // Unfiltered (status only): the trigger-kept counter; otherwise count the matches.
        const unfiltered =
          filters.categoryId === undefined &&
          filters.brandId === undefined &&
          filters.featured === undefined &&
          filters.type === undefined
        const total = unfiltered
          ? sql`select coalesce((select count from product_counts
                                   where site_id = ${tenant.siteId} and livemode = ${tenant.livemode} and status = ${filters.status}), 0) as total`
          : sql`select count(*)::int as total from products p where ${where}`
        const order = ordering(sql, filters.sort ?? "newest", "p")
        const keyset = after ? sql`and ${order.after(after)}` : sql``
        // The page's keys first (an index range of the sort), the wide columns only for them.
        return sql`
            with page as (
              select p.id, ${sql.literal(order.sortKey)} as sort_key,
                     row_number() over (order by ${order.orderBy}) as position
              from products p
              where ${where} ${keyset}
              order by ${order.orderBy}
              limit ${limit} offset ${offset}
            ), counted as (${countOnly ?? total})
            select ${columns}, page.sort_key as "sortKey", counted.total
            from counted left join page on true left join products p on p.id = page.id
            order by page.position`
      }
      const parts = searchParts(sql, tenant, filters.search)
      let keyset = sql``
      if (after) {
        const [score = "", createdAt = ""] = after.sortKey.split("|")
        keyset = sql`where (s.score, s.created_at, s.id) < (${score}::float8, ${createdAt}::timestamptz, ${after.id})`
      }
      // Scores only (id, created_at, score) for every match, the wide rows only for the page.
      return sql`
          with ${parts.skuHits},
          scored as (
            select p.id, p.created_at, ${parts.score} as score
            from products p
            where ${where} and ${parts.matches}
          ), page as (
            select s.id, s.score, s.score::text || '|' || ${sql.literal(createdAtKey("s"))} as sort_key
            from scored s
            ${keyset}
            order by s.score desc, s.created_at desc, s.id desc
            limit ${limit} offset ${offset}
          ), counted as (${countOnly ?? sql`select count(*)::int as total from scored`})
          select ${columns}, page.sort_key as "sortKey", counted.total
          from counted left join page on true left join products p on p.id = page.id
          order by page.score desc, p.created_at desc, p.id desc`
    }

    const list = (request: Parameters<typeof listStatement>[0]) =>
      Effect.flatMap(listStatement(request), (rows) =>
        Effect.all({
          counted: decodeListRows(rows),
          products: decodeProducts(rows.filter((row) => row["id"] !== null))
        }).pipe(Effect.map(({ counted, products }): Listed => ({ products, total: counted[0]?.total ?? 0 })))
      )

    const references = SqlSchema.single({
      Request: Schema.Struct({
        tenant: TenantSchema,
        brandId: Schema.String,
        categoryIds: Schema.Array(Schema.String)
      }),
      Result: Schema.Struct({ brand: Schema.NullOr(Schema.String), categories: Schema.Array(Schema.String) }),
      execute: ({ tenant, brandId, categoryIds }) => sql`
        select
          (select id from brands where id = ${brandId} and site_id = ${tenant.siteId} and livemode = ${tenant.livemode}) as brand,
          coalesce((select array_agg(id) from categories
                    where id = any(${categoryIds}) and site_id = ${tenant.siteId} and livemode = ${tenant.livemode}), '{}') as categories`
    })

    const insert = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, row: NewRow }),
      Result: Schema.Struct({ id: Schema.String }),
      execute: ({ tenant, row }) => sql`
        insert into products (id, site_id, livemode, name, slug, description, sku, status, featured, price, compare_at_price,
                              currency, images, brand_id, type, download_file, created_at, updated_at)
        values (${row.id}, ${tenant.siteId}, ${tenant.livemode}, ${row.name}, ${row.slug}, ${row.description}, ${row.sku},
                ${row.status}, ${row.featured}, ${row.price}, ${row.compareAtPrice},
                coalesce(${row.currency}, (select currency from sites where id = ${tenant.siteId})),
                ${row.images}::text[], ${row.brandId}, ${row.type}, ${row.downloadFile},
                coalesce(${row.createdAt}, now()), coalesce(${row.createdAt}, now()))
        on conflict (site_id, livemode, slug) do nothing
        returning id`
    })

    const slugsLike = SqlSchema.findAll({
      Request: Schema.Struct({ tenant: TenantSchema, base: Schema.String }),
      Result: Schema.Struct({ slug: Schema.String }),
      execute: ({ tenant, base }) => sql`
        select slug from products
        where site_id = ${tenant.siteId} and livemode = ${tenant.livemode}
          and (slug = ${base} or slug ~ ${`^${base}-[0-9]{1,9}$`})`
    })

    const lock = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, id: Schema.String }),
      Result: Schema.Struct({ id: Schema.String }),
      execute: ({ tenant, id }) => sql`select p.id from products p where p.id = ${id} and ${scoped(tenant)} for update`
    })

    const update = SqlSchema.void({
      Request: Schema.Struct({ id: Schema.String, changes: Changes }),
      execute: ({ id, changes }) => {
        const sets = changedColumns.flatMap(([key, column]) =>
          changes[key] === undefined ? [] : [sql`${sql(column)} = ${changes[key]}`]
        )
        if (changes.images !== undefined) sets.push(sql`images = ${changes.images}::text[]`)
        // Always written, so a change of categories alone still moves `updatedAt`.
        sets.push(sql`updated_at = now()`)
        return sql`update products set ${sql.csv(sets)} where id = ${id}`
      }
    })

    const replaceCategories = SqlSchema.void({
      Request: Schema.Struct({
        tenant: TenantSchema,
        productId: Schema.String,
        categoryIds: Schema.Array(Schema.String)
      }),
      execute: ({ tenant, productId, categoryIds }) =>
        Effect.gen(function* () {
          yield* sql`delete from product_categories where site_id = ${tenant.siteId} and product_id = ${productId}`
          if (categoryIds.length === 0) return
          // The given order is kept (`position`), so `categoryIds` reads back as it was written.
          yield* sql`
            insert into product_categories (product_id, category_id, site_id, livemode, position)
            select ${productId}, c.id, ${tenant.siteId}, ${tenant.livemode}, c.ordinality - 1
            from unnest(${categoryIds}::text[]) with ordinality as c(id, ordinality)`
        })
    })

    const remove = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, id: Schema.String }),
      Result: Schema.Struct({ id: Schema.String, slug: Schema.String }),
      execute: ({ tenant, id }) =>
        sql`delete from products p where p.id = ${id} and ${scoped(tenant)} returning p.id, p.slug`
    })

    return {
      /** One product by id (`prd_…`) or slug, with its variants and the requested relations. */
      find: (tenant: Tenant, idOrSlug: string, relations: Relations) =>
        Database.boundary(find({ tenant, idOrSlug, relations })),
      /**
       * The position of a product used as a cursor: its own sort key in this list's order (with
       * `search`, in the search's order). None when the caller cannot see it.
       */
      positionOf: (tenant: Tenant, productId: string, search: string | undefined, sort: Model.Sort = "newest") =>
        Database.boundary(
          Effect.map(
            positionOf({ tenant, productId, sort, ...(search === undefined ? {} : { search }) }),
            Option.map((row): Pagination.Position => ({ sortKey: row.sortKey, id: productId }))
          )
        ),
      /**
       * A page of products matching `filters`, with the requested relations, in one statement.
       *
       * Without `search`: newest first, keyset `(created_at, id)` (the `products_list_idx` range).
       * With `search`: best score first (see `Search.isSortKey`), keyset `(score, created_at, id)`.
       */
      list: (tenant: Tenant, filters: Filters, page: Page, relations: Relations) =>
        Database.boundary(list({ tenant, filters, page, relations })),
      /** Which of the brand and categories exist in the caller's site and mode. */
      references: (tenant: Tenant, brandId: string | null, categoryIds: ReadonlyArray<string>) =>
        expectRow(Database.boundary(references({ tenant, brandId: brandId ?? "", categoryIds }))),
      /** Inserts a product; `None` when its slug is taken (`on conflict do nothing` keeps the transaction usable). */
      insert: (tenant: Tenant, row: NewRow) => Database.boundary(Effect.map(insert({ tenant, row }), Option.asVoid)),
      /** The slugs taken among `base` and `base-<n>`. */
      slugsLike: (tenant: Tenant, base: string) =>
        Database.boundary(Effect.map(slugsLike({ tenant, base }), (rows) => rows.map((row) => row.slug))),
      /** Locks the product row for the caller's transaction; `None` when the caller has no such product. */
      lock: (tenant: Tenant, id: string) => Database.boundary(Effect.map(lock({ tenant, id }), Option.asVoid)),
      /** Writes the changed columns and moves `updated_at`; a slug of another product is `SlugTaken`. */
      update: (id: string, changes: Changes) =>
        Database.boundary(
          update({ id, changes }).pipe(
            Effect.catchIf(
              (error) => error._tag === "SqlError" && isSlugConflict(error),
              () => Effect.fail(new SlugTaken({ slug: changes.slug ?? "" }))
            )
          )
        ),
      /** Makes `categoryIds` the product's categories, in that order. */
      replaceCategories: (tenant: Tenant, productId: string, categoryIds: ReadonlyArray<string>) =>
        Database.boundary(replaceCategories({ tenant, productId, categoryIds })),
      /**
       * Deletes a product; its variants, category links, reviews and stock history go with it
       * (foreign keys `on delete cascade`), its metafields by trigger.
       */
      remove: (tenant: Tenant, id: string) => Database.boundary(remove({ tenant, id }))
    }
  })
}) {}
