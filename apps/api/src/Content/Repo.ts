/**
 * SQL for storefront content: pages and navigation menus, scoped by site and mode.
 *
 * A page is published when `published_at` is set and not in the future; drafts and scheduled
 * pages never leave this module through `listPublished`. Menus are read and written whole (their
 * item tree is one JSON value).
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { Ids } from "@shopvo/kernel"
import type { Tenant } from "@shopvo/kernel"

export type { Tenant } from "@shopvo/kernel"

export interface Page {
  readonly id: string
  readonly title: string
  readonly slug: string
  readonly content: string
  readonly seoTitle: string | null
  readonly seoDescription: string | null
  readonly publishedAt: Date
  readonly updatedAt: Date
}

interface PageRow {
  readonly id: string
  readonly title: string
  readonly slug: string
  readonly content: string
  readonly seo_title: string | null
  readonly seo_description: string | null
  readonly published_at: Date
  readonly updated_at: Date
}

const toPage = (row: PageRow): Page => ({
  id: row.id,
  title: row.title,
  slug: row.slug,
  content: row.content,
  seoTitle: row.seo_title,
  seoDescription: row.seo_description,
  publishedAt: row.published_at,
  updatedAt: row.updated_at
})

/** The shape the database allows for page slugs and menu handles (0004's check constraints). */
export const handlePattern = /^[a-z0-9]+(-[a-z0-9]+)*$/

/**
 * Published pages, most recently published first (id breaks ties so pages never swap between
 * requests), optionally only the one with `slug`. One round trip for the page and the total,
 * a second only when the page is past the end.
 */
export const listPublished = (
  tenant: Tenant,
  filter: { readonly slug: string | undefined },
  page: { readonly limit: number; readonly offset: number }
) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    // No page can have a slug of another shape, and such a string may hold bytes PostgreSQL's
    // text refuses: answer the empty list without asking.
    if (filter.slug !== undefined && !handlePattern.test(filter.slug))
      return { items: [] as ReadonlyArray<Page>, total: 0 }
    const where = sql`site_id = ${tenant.siteId} and livemode = ${tenant.livemode}
      and published_at is not null and published_at <= now()
      ${filter.slug === undefined ? sql`` : sql`and slug = ${filter.slug}`}`
    const rows = yield* sql<PageRow & { readonly total: number }>`
      select id, title, slug, content, seo_title, seo_description, published_at, updated_at, count(*) over ()::int as total
      from pages where ${where}
      order by published_at desc, id desc
      limit ${page.limit} offset ${page.offset}`
    const total =
      rows[0]?.total ??
      (yield* sql<{ readonly total: number }>`select count(*)::int as total from pages where ${where}`)[0]!.total
    return { items: rows.map(toPage), total }
  })

export interface MenuItem {
  readonly title: string
  readonly url: string
  readonly children: ReadonlyArray<MenuItem>
}

export interface Menu {
  readonly id: string
  readonly handle: string
  readonly title: string
  readonly items: ReadonlyArray<MenuItem>
}

// The column holds whatever was written; a leaf stored without `children` still reads as a leaf.
const toItems = (value: unknown): ReadonlyArray<MenuItem> =>
  Array.isArray(value)
    ? value.map((item: { title?: unknown; url?: unknown; children?: unknown }) => ({
        title: String(item.title ?? ""),
        url: String(item.url ?? ""),
        children: toItems(item.children)
      }))
    : []

/** The site's menus ordered by handle, optionally only the one with `handle`. */
export const listMenus = (tenant: Tenant, filter: { readonly handle: string | undefined }) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    if (filter.handle !== undefined && !handlePattern.test(filter.handle)) return [] as ReadonlyArray<Menu>
    const rows = yield* sql<{
      readonly id: string
      readonly handle: string
      readonly title: string
      readonly items: unknown
    }>`
      select id, handle, title, items from menus
      where site_id = ${tenant.siteId} and livemode = ${tenant.livemode}
        ${filter.handle === undefined ? sql`` : sql`and handle = ${filter.handle}`}
      order by handle`
    return rows.map((row): Menu => ({ id: row.id, handle: row.handle, title: row.title, items: toItems(row.items) }))
  })

export interface NewPage {
  readonly title: string
  readonly slug: string
  readonly content: string
  readonly seoTitle?: string | null
  readonly seoDescription?: string | null
  /** `null` for a draft; a future date schedules the page. */
  readonly publishedAt: Date | null
}

/** Creates a page, or leaves the existing one with this slug untouched; returns the page's id. */
export const putPage = (tenant: Tenant, page: NewPage) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{ readonly id: string }>`
      with inserted as (
        insert into pages (id, site_id, livemode, title, slug, content, seo_title, seo_description, published_at)
        values (${Ids.make("pg")}, ${tenant.siteId}, ${tenant.livemode}, ${page.title}, ${page.slug}, ${page.content},
                ${page.seoTitle ?? null}, ${page.seoDescription ?? null}, ${page.publishedAt})
        on conflict on constraint pages_slug_unique do nothing
        returning id
      )
      select id from inserted
      union all
      select id from pages where site_id = ${tenant.siteId} and livemode = ${tenant.livemode} and slug = ${page.slug}
      limit 1`
    return rows[0]!.id
  })

/** Creates a menu, or leaves the existing one with this handle untouched; returns the menu's id. */
export const putMenu = (
  tenant: Tenant,
  menu: { readonly handle: string; readonly title: string; readonly items: ReadonlyArray<MenuItem> }
) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{ readonly id: string }>`
      with inserted as (
        insert into menus (id, site_id, livemode, handle, title, items)
        values (${Ids.make("menu")}, ${tenant.siteId}, ${tenant.livemode}, ${menu.handle}, ${menu.title}, ${JSON.stringify(menu.items)}::jsonb)
        on conflict on constraint menus_handle_unique do nothing
        returning id
      )
      select id from inserted
      union all
      select id from menus where site_id = ${tenant.siteId} and livemode = ${tenant.livemode} and handle = ${menu.handle}
      limit 1`
    return rows[0]!.id
  })
