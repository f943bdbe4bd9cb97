/**
 * SQL for products. Every query is scoped by site and mode: a product of another site or mode
 * does not exist for the caller.
 *
 * Reads are one statement each: the page, its total and every requested relation (variants,
 * brand, categories) are built by PostgreSQL as JSON in correlated subqueries evaluated only for
 * the rows of the page — never one query per product.
 *
 * Writes run in one transaction with their `product.*` outbox event.
 */
import { SqlClient, type SqlError, type Statement } from "@effect/sql"
import { Data, Effect, Option } from "effect"
import { Ids } from "@shopvo/kernel"
import { Outbox } from "@shopvo/kernel"
import * as Pagination from "../Platform/Pagination.js"
import * as Model from "./Model.js"
import * as Search from "./Search.js"
import * as Sku from "./Sku.js"
import * as Slug from "./Slug.js"
import type { Tenant } from "@shopvo/kernel"

export type { Tenant } from "@shopvo/kernel"

export class ProductNotFound extends Data.TaggedError("ProductNotFound")<{ readonly idOrSlug: string }> {}
export class SlugTaken extends Data.TaggedError("SlugTaken")<{ readonly slug: string }> {}
export class SkuTaken extends Data.TaggedError("SkuTaken")<{ readonly sku: string }> {}
export class UnknownBrand extends Data.TaggedError("UnknownBrand")<{ readonly brandId: string }> {}
export class UnknownCategories extends Data.TaggedError("UnknownCategories")<{
  readonly categoryIds: ReadonlyArray<string>
}> {}
/** A cursor naming a product the caller cannot see (deleted, or of another site). */
export class UnknownCursor extends Data.TaggedError("UnknownCursor")<{ readonly cursor: string }> {}

export type Relations = ReadonlySet<Model.Relation>

// ---------------------------------------------------------------------------------------------
// Relation columns, built as JSON by PostgreSQL. They read `p.id` / `p.brand_id` of the row.

const iso = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`

const categoryIdsColumn =
  "(select coalesce(array_agg(pc.category_id order by pc.position, pc.category_id), '{}') " +
  "from product_categories pc where pc.product_id = p.id) as category_ids"

/** Every variant of the product, the default first, then the oldest (the variants index order). */
export const variantsJson =
  "(select coalesce(json_agg(json_build_object(" +
  "'id', v.id, 'productId', v.product_id, 'name', v.name, 'sku', v.sku, 'price', v.price, " +
  "'compareAtPrice', v.compare_at_price, 'inventoryStatus', v.inventory_status, 'inventoryCount', v.inventory_count, " +
  `'options', v.options, 'isDefault', v.is_default, 'createdAt', ${iso("v.created_at")}, 'updatedAt', ${iso("v.updated_at")}` +
  ") order by v.is_default desc, v.created_at, v.id), '[]'::json) from variants v where v.product_id = p.id)"

const brandJson =
  "(select json_build_object('id', b.id, 'name', b.name, 'slug', b.slug, 'description', b.description) " +
  "from brands b where b.id = p.brand_id)"

const categoriesJson =
  "(select coalesce(json_agg(json_build_object(" +
  "'id', c.id, 'name', c.name, 'slug', c.slug, 'description', c.description, 'parentId', c.parent_id" +
  ") order by pc.position, pc.category_id), '[]'::json) " +
  "from product_categories pc join categories c on c.id = pc.category_id where pc.product_id = p.id)"

const relationColumns = (relations: Relations): string => {
  let out = categoryIdsColumn
  if (relations.has("variants")) out += `, ${variantsJson} as variants`
  if (relations.has("brand")) out += `, ${brandJson} as brand`
  if (relations.has("categories")) out += `, ${categoriesJson} as categories`
  return out
}

const allRelations: Relations = new Set<Model.Relation>(["variants", "brand", "categories"])

// ---------------------------------------------------------------------------------------------
// Reads

/** One product by id (`prd_…`) or slug, with its variants and the requested relations. */
export const find = (tenant: Tenant, idOrSlug: string, relations: Relations = new Set()) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const withVariants = new Set(relations).add("variants")
    const key = idOrSlug.startsWith("prd_") ? sql`p.id = ${idOrSlug}` : sql`p.slug = ${idOrSlug}`
    const rows = yield* sql<Model.Row>`
      select ${sql.literal(Model.columns)}, ${sql.literal(relationColumns(withVariants))}
      from products p
      where p.site_id = ${tenant.siteId} and p.livemode = ${tenant.livemode} and ${key}`
    return Option.map(Option.fromNullable(rows[0]), Model.toProduct)
  })

export interface Filters {
  readonly status: Model.ProductStatus
  readonly categoryId?: string | undefined
  readonly brandId?: string | undefined
  readonly featured?: boolean | undefined
  readonly search?: string | undefined
}

export type Page =
  | { readonly _tag: "Offset"; readonly limit: number; readonly offset: number }
  /** `limit + 1` rows after `after` (from the start without one): the extra row says a next page exists. */
  | { readonly _tag: "Cursor"; readonly limit: number; readonly after: Pagination.Position | undefined }

export interface ListRow extends Model.Row {
  /** Where this row sits in the list's order, for the next cursor. */
  readonly sort_key: string
}

export interface Listed {
  readonly rows: ReadonlyArray<ListRow>
  /** Offset pages only. */
  readonly total: number
}

const scorePattern = /^\d+(\.\d+)?(e[-+]?\d+)?$/

/**
 * A score as PostgreSQL prints a `float8`, and reads it back: not one that overflows (`1e999`)
 * or underflows to zero (`1e-400`), which its `float8` input refuses with an error.
 */
const isScore = (text: string): boolean => {
  const score = Number(text)
  return scorePattern.test(text) && Number.isFinite(score) && (score !== 0 || !/[1-9]/.test(text.split("e")[0]!))
}

/**
 * Whether `sortKey` is the sort key of a search result: its score, then its creation time
 * (`<score>|<created_at>`). Results are ordered by score, newest first among equal scores, id
 * last; the cursor carries the score so the next page continues below it however many products
 * were added meanwhile.
 */
export const isSearchSortKey = (sortKey: string): boolean => {
  const parts = sortKey.split("|")
  return parts.length === 2 && isScore(parts[0]!) && Pagination.isCreatedAt(parts[1]!)
}

const createdAtKey = (alias: string) =>
  `to_char(${alias}.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`

type Sql = SqlClient.SqlClient

const filterClause = (sql: Sql, tenant: Tenant, filters: Filters): Statement.Fragment => {
  const clauses: Array<Statement.Fragment> = [
    sql`p.site_id = ${tenant.siteId}`,
    sql`p.livemode = ${tenant.livemode}`,
    sql`p.status = ${filters.status}`
  ]
  if (filters.brandId !== undefined) clauses.push(sql`p.brand_id = ${filters.brandId}`)
  if (filters.featured !== undefined) clauses.push(sql`p.featured = ${filters.featured}`)
  if (filters.categoryId !== undefined) {
    clauses.push(
      sql`exists (select 1 from product_categories pc where pc.product_id = p.id and pc.category_id = ${filters.categoryId})`
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

/**
 * The position of a product used as a cursor (`cursor=prd_…`, as the reference shows it): its
 * own sort key in this list's order. None when the caller cannot see it.
 */
export const positionOf = (tenant: Tenant, productId: string, search: string | undefined) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const where = sql`p.id = ${productId} and p.site_id = ${tenant.siteId} and p.livemode = ${tenant.livemode}`
    let rows: ReadonlyArray<{ sort_key: string }>
    if (search === undefined) {
      rows = yield* sql<{
        sort_key: string
      }>`select ${sql.literal(createdAtKey("p"))} as sort_key from products p where ${where}`
    } else {
      const parts = searchParts(sql, tenant, search)
      rows = yield* sql<{ sort_key: string }>`
        with ${parts.skuHits}
        select ${parts.score}::text || '|' || ${sql.literal(createdAtKey("p"))} as sort_key from products p where ${where}`
    }
    return Option.map(
      Option.fromNullable(rows[0]),
      (row): Pagination.Position => ({ sortKey: row.sort_key, id: productId })
    )
  })

/**
 * A page of products matching `filters`, with the requested relations, in one statement.
 *
 * Without `search`: newest first, keyset `(created_at, id)` (the `products_list_idx` range).
 * With `search`: best score first (see `isSearchSortKey`), keyset `(score, created_at, id)`.
 */
export const list = (tenant: Tenant, filters: Filters, page: Page, relations: Relations) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const where = filterClause(sql, tenant, filters)
    const limit = page._tag === "Offset" ? page.limit : page.limit + 1
    const offset = page._tag === "Offset" ? page.offset : 0
    const after = page._tag === "Cursor" ? page.after : undefined
    const relationSql = sql.literal(relationColumns(relations))
    // `count` left-joined to the page: one row even past the last page, so the total always comes back.
    const countOnly = page._tag === "Cursor" ? sql`select 0 as total` : undefined

    let rows: ReadonlyArray<ListRow & { total: number }>
    if (filters.search === undefined) {
      // Unfiltered (status only): the trigger-kept counter; otherwise count the matches.
      const unfiltered =
        filters.categoryId === undefined && filters.brandId === undefined && filters.featured === undefined
      const total = unfiltered
        ? sql`select coalesce((select count from product_counts
                               where site_id = ${tenant.siteId} and livemode = ${tenant.livemode} and status = ${filters.status}), 0) as total`
        : sql`select count(*)::int as total from products p where ${where}`
      const keyset = after ? sql`and (p.created_at, p.id) < (${after.sortKey}::timestamptz, ${after.id})` : sql``
      rows = yield* sql<ListRow & { total: number }>`
        with page as (
          select ${sql.literal(Model.columns)}, ${sql.literal(createdAtKey("p"))} as sort_key
          from products p
          where ${where} ${keyset}
          order by p.created_at desc, p.id desc
          limit ${limit} offset ${offset}
        ), counted as (${countOnly ?? total})
        select p.*, ${relationSql}, counted.total
        from counted left join page p on true
        order by p.created_at desc, p.id desc`
    } else {
      const parts = searchParts(sql, tenant, filters.search)
      let keyset = sql``
      if (after) {
        const [score, createdAt] = after.sortKey.split("|") as [string, string]
        keyset = sql`where (s.score, s.created_at, s.id) < (${score}::float8, ${createdAt}::timestamptz, ${after.id})`
      }
      // Scores only (id, created_at, score) for every match, the wide rows only for the page.
      rows = yield* sql<ListRow & { total: number }>`
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
        select ${sql.literal(Model.columns)}, page.sort_key, ${relationSql}, counted.total
        from counted left join page on true left join products p on p.id = page.id
        order by page.score desc, p.created_at desc, p.id desc`
    }
    const total = rows[0]?.total ?? 0
    return { rows: rows.filter((row) => row.id !== null), total } satisfies Listed
  })

// ---------------------------------------------------------------------------------------------
// Writes

export interface NewProduct {
  readonly name: string
  readonly slug?: string | undefined
  readonly description?: string | null | undefined
  readonly sku?: string | null | undefined
  readonly status?: Model.ProductStatus | undefined
  readonly featured?: boolean | undefined
  readonly price: number
  readonly compareAtPrice?: number | null | undefined
  /** Defaults to the site's currency. */
  readonly currency?: string | undefined
  readonly images?: ReadonlyArray<string> | undefined
  readonly brandId?: string | null | undefined
  readonly categoryIds?: ReadonlyArray<string> | undefined
}

export type ProductPatch = Partial<Omit<NewProduct, "slug" | "name" | "price">> & {
  readonly name?: string | undefined
  readonly slug?: string | undefined
  readonly price?: number | undefined
}

type WriteError = SlugTaken | SkuTaken | UnknownBrand | UnknownCategories

/** Brand and categories must exist in the caller's site and mode. */
const checkReferences = (
  tenant: Tenant,
  brandId: string | null | undefined,
  categoryIds: ReadonlyArray<string> | undefined
) =>
  Effect.gen(function* () {
    if ((brandId === null || brandId === undefined) && (categoryIds === undefined || categoryIds.length === 0)) return
    const sql = yield* SqlClient.SqlClient
    const [found] = yield* sql<{ brand: string | null; categories: ReadonlyArray<string> }>`
      select
        (select id from brands where id = ${brandId ?? ""} and site_id = ${tenant.siteId} and livemode = ${tenant.livemode}) as brand,
        coalesce((select array_agg(id) from categories
                  where id = any(${categoryIds ?? []}) and site_id = ${tenant.siteId} and livemode = ${tenant.livemode}), '{}') as categories`
    if (brandId !== null && brandId !== undefined && found!.brand === null) return yield* new UnknownBrand({ brandId })
    const missing = (categoryIds ?? []).filter((id) => !found!.categories.includes(id))
    if (missing.length > 0) return yield* new UnknownCategories({ categoryIds: missing })
  })

const checkSku = (tenant: Tenant, sku: string | null | undefined, productId?: string) =>
  sku === null || sku === undefined
    ? Effect.void
    : Effect.flatMap(Sku.isTaken(tenant, sku, productId ? { productId } : {}), (taken) =>
        taken ? new SkuTaken({ sku }) : Effect.void
      )

const setCategories = (tenant: Tenant, productId: string, categoryIds: ReadonlyArray<string>, replace: boolean) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    if (replace) yield* sql`delete from product_categories where product_id = ${productId}`
    if (categoryIds.length === 0) return
    // The given order is kept (`position`), so `categoryIds` reads back as it was written.
    yield* sql`
      insert into product_categories (product_id, category_id, site_id, livemode, position)
      select ${productId}, c.id, ${tenant.siteId}, ${tenant.livemode}, c.ordinality - 1
      from unnest(${categoryIds}::text[]) with ordinality as c(id, ordinality)`
  })

const isSlugConflict = (error: SqlError.SqlError) => {
  const cause = error.cause as { code?: string; constraint?: string } | undefined
  return cause?.code === "23505" && cause.constraint === "products_slug_unique"
}

/** Loads a product inside a write transaction (it exists: the transaction just wrote it). */
const load = (tenant: Tenant, id: string) =>
  Effect.map(find(tenant, id), (product) =>
    Option.getOrThrowWith(product, () => new Error(`product ${id} vanished in its own transaction`))
  )

const eventData = (product: Model.Product) => product as unknown as Readonly<Record<string, unknown>>

/**
 * Inserts the product under `slug`, or under the first free `slug-<n>` when the slug was
 * derived from the name. `on conflict do nothing` keeps the transaction usable after a clash.
 */
const insertWithSlug = (tenant: Tenant, id: string, input: NewProduct) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const insert = (slug: string) => sql<{ id: string }>`
      insert into products (id, site_id, livemode, name, slug, description, sku, status, featured, price, compare_at_price,
                            currency, images, brand_id)
      values (${id}, ${tenant.siteId}, ${tenant.livemode}, ${input.name}, ${slug}, ${input.description ?? null}, ${input.sku ?? null},
              ${input.status ?? "ACTIVE"}, ${input.featured ?? false}, ${input.price}, ${input.compareAtPrice ?? null},
              coalesce(${input.currency ?? null}, (select currency from sites where id = ${tenant.siteId})),
              ${input.images ?? []}::text[], ${input.brandId ?? null})
      on conflict (site_id, livemode, slug) do nothing
      returning id`
    if (input.slug !== undefined) {
      if ((yield* insert(input.slug)).length === 0) return yield* new SlugTaken({ slug: input.slug })
      return
    }
    const base = Slug.fromName(input.name)
    let candidate = base
    // Each round sees the slugs taken so far; a concurrent insert of the same candidate only
    // costs another round.
    for (let round = 0; round < 10; round++) {
      if ((yield* insert(candidate)).length > 0) return
      const taken = yield* sql<{ slug: string }>`
        select slug from products
        where site_id = ${tenant.siteId} and livemode = ${tenant.livemode}
          and (slug = ${base} or slug ~ ${`^${base}-[0-9]{1,9}$`})`
      candidate = Slug.nextCandidate(
        base,
        taken.map((row) => row.slug)
      )
    }
    return yield* new SlugTaken({ slug: candidate })
  })

/**
 * `create` without its own transaction, for callers that already run one (the demo seed creates
 * hundreds of products per transaction; a savepoint each would overflow PostgreSQL's
 * subtransaction cache and slow every statement down).
 */
export const createInTransaction = (tenant: Tenant, input: NewProduct) =>
  Effect.gen(function* () {
    yield* checkReferences(tenant, input.brandId, input.categoryIds)
    yield* checkSku(tenant, input.sku)
    const id = Ids.make("prd")
    yield* insertWithSlug(tenant, id, input)
    yield* setCategories(tenant, id, input.categoryIds ?? [], false)
    const product = yield* load(tenant, id)
    yield* Outbox.emit(tenant, "product.created", eventData(product))
    return product
  }) satisfies Effect.Effect<Model.Product, WriteError | SqlError.SqlError, Sql>

/** Creates a product (without variants) and records `product.created`. */
export const create = (tenant: Tenant, input: NewProduct) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => sql.withTransaction(createInTransaction(tenant, input)))

/** Updates the given fields (categories are replaced as a whole) and records `product.updated`. */
export const update = (tenant: Tenant, id: string, patch: ProductPatch) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return yield* sql.withTransaction(
      Effect.gen(function* () {
        // Locks the row: concurrent updates of one product apply one after the other.
        const existing = yield* sql`select id from products
          where id = ${id} and site_id = ${tenant.siteId} and livemode = ${tenant.livemode} for update`
        if (existing.length === 0) return yield* new ProductNotFound({ idOrSlug: id })
        yield* checkReferences(tenant, patch.brandId, patch.categoryIds)
        yield* checkSku(tenant, patch.sku, id)

        const columns: Record<string, unknown> = {}
        if (patch.name !== undefined) columns["name"] = patch.name
        if (patch.slug !== undefined) columns["slug"] = patch.slug
        if (patch.description !== undefined) columns["description"] = patch.description
        if (patch.sku !== undefined) columns["sku"] = patch.sku
        if (patch.status !== undefined) columns["status"] = patch.status
        if (patch.featured !== undefined) columns["featured"] = patch.featured
        if (patch.price !== undefined) columns["price"] = patch.price
        if (patch.compareAtPrice !== undefined) columns["compare_at_price"] = patch.compareAtPrice
        if (patch.currency !== undefined) columns["currency"] = patch.currency
        if (patch.brandId !== undefined) columns["brand_id"] = patch.brandId
        const sets = Object.entries(columns).map(([column, value]) => sql`${sql(column)} = ${value}`)
        if (patch.images !== undefined) sets.push(sql`images = ${patch.images}::text[]`)
        // Always written, so a change of categories alone still moves `updatedAt`.
        sets.push(sql`updated_at = now()`)
        yield* sql`update products set ${sql.csv(sets)} where id = ${id}`.pipe(
          Effect.catchIf(isSlugConflict, () => new SlugTaken({ slug: patch.slug ?? "" }))
        )
        if (patch.categoryIds !== undefined) yield* setCategories(tenant, id, patch.categoryIds, true)
        const product = yield* load(tenant, id)
        yield* Outbox.emit(tenant, "product.updated", eventData(product))
        return product
      })
    )
  })

/**
 * Deletes a product; its variants, category links, reviews and stock history go with it
 * (foreign keys `on delete cascade`), its metafields by trigger. Records `product.deleted`.
 */
export const remove = (tenant: Tenant, id: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return yield* sql.withTransaction(
      Effect.gen(function* () {
        const rows = yield* sql<{ id: string; slug: string }>`
          delete from products where id = ${id} and site_id = ${tenant.siteId} and livemode = ${tenant.livemode}
          returning id, slug`
        if (rows.length === 0) return yield* new ProductNotFound({ idOrSlug: id })
        yield* Outbox.emit(tenant, "product.deleted", { id: rows[0]!.id, slug: rows[0]!.slug })
      })
    )
  })

/** The relations a full product embeds when all are asked for (events, exports). */
export const everyRelation = allRelations
