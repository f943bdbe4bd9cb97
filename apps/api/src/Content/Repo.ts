/**
 * SQL for storefront content: pages and navigation menus, scoped by site and mode. Rows are
 * decoded with `Page` and `Menu` at this boundary; the functions run inside whatever transaction
 * their caller opened.
 *
 * A page is published when `published_at` is set and not in the future; drafts and scheduled
 * pages never leave this module through `listPublished`. Menus are read and written whole (their
 * item tree is one JSON value).
 */
import { Database, Ids, type Tenant, TenantSchema } from "@shopvo/kernel"
import { SqlClient, SqlSchema } from "@effect/sql"
import { Effect, Schema } from "effect"

export class Page extends Schema.Class<Page>("Page")({
  id: Schema.String,
  title: Schema.String,
  slug: Schema.String,
  content: Schema.String,
  seoTitle: Schema.NullOr(Schema.String),
  seoDescription: Schema.NullOr(Schema.String),
  publishedAt: Schema.DateFromSelf,
  updatedAt: Schema.DateFromSelf
}) {}

export interface MenuItem {
  readonly title: string
  readonly url: string
  readonly children: ReadonlyArray<MenuItem>
}

interface StoredMenuItem {
  readonly title: string
  readonly url: string
  readonly children?: ReadonlyArray<StoredMenuItem> | undefined
}

/** A menu item as the `items` column holds it; a leaf stored without `children` reads as a leaf. */
export const MenuItem: Schema.Schema<MenuItem, StoredMenuItem> = Schema.Struct({
  title: Schema.String,
  url: Schema.String,
  children: Schema.optionalWith(Schema.Array(Schema.suspend(() => MenuItem)), { default: () => [] })
})

export class Menu extends Schema.Class<Menu>("Menu")({
  id: Schema.String,
  handle: Schema.String,
  title: Schema.String,
  items: Schema.Array(MenuItem)
}) {}

export interface NewPage {
  readonly title: string
  readonly slug: string
  readonly content: string
  readonly seoTitle?: string | null
  readonly seoDescription?: string | null
  /** `null` for a draft; a future date schedules the page. */
  readonly publishedAt: Date | null
}

export interface NewMenu {
  readonly handle: string
  readonly title: string
  readonly items: ReadonlyArray<MenuItem>
}

const pageColumns = `id, title, slug, content, seo_title as "seoTitle", seo_description as "seoDescription",
  published_at as "publishedAt", updated_at as "updatedAt"`

const Id = Schema.Struct({ id: Schema.String })

export class ContentRepo extends Effect.Service<ContentRepo>()("@shopvo/api/ContentRepo", {
  accessors: true,
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const ListPages = Schema.Struct({
      tenant: TenantSchema,
      slug: Schema.optional(Schema.String),
      limit: Schema.Number,
      offset: Schema.Number
    })
    const published = ({ tenant, slug }: typeof ListPages.Type) =>
      sql`site_id = ${tenant.siteId} and livemode = ${tenant.livemode}
          and published_at is not null and published_at <= now()
          ${slug === undefined ? sql`` : sql`and slug = ${slug}`}`

    const pagesWithTotal = SqlSchema.findAll({
      Request: ListPages,
      Result: Schema.Struct({ ...Page.fields, total: Schema.Number }),
      execute: (request) =>
        sql`select ${sql.literal(pageColumns)}, count(*) over ()::int as total
            from pages where ${published(request)}
            order by published_at desc, id desc
            limit ${request.limit} offset ${request.offset}`
    })

    const countPages = SqlSchema.single({
      Request: ListPages,
      Result: Schema.Struct({ total: Schema.Number }),
      execute: (request) => sql`select count(*)::int as total from pages where ${published(request)}`
    })

    const listMenus = SqlSchema.findAll({
      Request: Schema.Struct({ tenant: TenantSchema, handle: Schema.optional(Schema.String) }),
      Result: Menu,
      execute: ({ tenant, handle }) =>
        sql`select id, handle, title, items from menus
            where site_id = ${tenant.siteId} and livemode = ${tenant.livemode}
              ${handle === undefined ? sql`` : sql`and handle = ${handle}`}
            order by handle`
    })

    const putPage = SqlSchema.single({
      Request: Schema.Struct({
        tenant: TenantSchema,
        title: Schema.String,
        slug: Schema.String,
        content: Schema.String,
        seoTitle: Schema.NullOr(Schema.String),
        seoDescription: Schema.NullOr(Schema.String),
        publishedAt: Schema.NullOr(Schema.DateFromSelf)
      }),
      Result: Id,
      execute: ({ tenant, ...page }) =>
        sql`with inserted as (
              insert into pages (id, site_id, livemode, title, slug, content, seo_title, seo_description, published_at)
              values (${Ids.make("pg")}, ${tenant.siteId}, ${tenant.livemode}, ${page.title}, ${page.slug}, ${page.content},
                      ${page.seoTitle}, ${page.seoDescription}, ${page.publishedAt})
              on conflict on constraint pages_slug_unique do nothing
              returning id
            )
            select id from inserted
            union all
            select id from pages where site_id = ${tenant.siteId} and livemode = ${tenant.livemode} and slug = ${page.slug}
            limit 1`
    })

    const putMenu = SqlSchema.single({
      Request: Schema.Struct({
        tenant: TenantSchema,
        handle: Schema.String,
        title: Schema.String,
        items: Schema.Array(MenuItem)
      }),
      Result: Id,
      execute: ({ tenant, ...menu }) =>
        sql`with inserted as (
              insert into menus (id, site_id, livemode, handle, title, items)
              values (${Ids.make("menu")}, ${tenant.siteId}, ${tenant.livemode}, ${menu.handle}, ${menu.title},
                      ${JSON.stringify(menu.items)}::jsonb)
              on conflict on constraint menus_handle_unique do nothing
              returning id
            )
            select id from inserted
            union all
            select id from menus where site_id = ${tenant.siteId} and livemode = ${tenant.livemode} and handle = ${menu.handle}
            limit 1`
    })

    return {
      /**
       * Published pages, most recently published first (id breaks ties so pages never swap between
       * requests), optionally only the one with `slug`, and their total. One round trip for the page
       * and the total, a second only when the page is past the end.
       */
      listPublished: (
        tenant: Tenant,
        filter: { readonly slug?: string | undefined },
        page: { readonly limit: number; readonly offset: number }
      ) =>
        Database.boundary(
          Effect.gen(function* () {
            const request = {
              tenant,
              ...(filter.slug === undefined ? {} : { slug: filter.slug }),
              limit: page.limit,
              offset: page.offset
            }
            const items: ReadonlyArray<Page & { readonly total: number }> = yield* pagesWithTotal(request)
            const total = items[0]?.total ?? (yield* countPages(request)).total
            return { items, total }
          })
        ).pipe(Effect.catchTag("NoSuchElementException", Effect.die)),
      /** The site's menus ordered by handle, optionally only the one with `handle`. */
      listMenus: (tenant: Tenant, filter: { readonly handle?: string | undefined }) =>
        Database.boundary(listMenus({ tenant, ...(filter.handle === undefined ? {} : { handle: filter.handle }) })),
      /** Creates a page, or leaves the existing one with this slug untouched; returns the page's id. */
      putPage: (tenant: Tenant, page: NewPage) =>
        Database.boundary(
          putPage({ tenant, ...page, seoTitle: page.seoTitle ?? null, seoDescription: page.seoDescription ?? null })
        ).pipe(
          Effect.map((row) => row.id),
          Effect.catchTag("NoSuchElementException", Effect.die)
        ),
      /** Creates a menu, or leaves the existing one with this handle untouched; returns the menu's id. */
      putMenu: (tenant: Tenant, menu: NewMenu) =>
        Database.boundary(putMenu({ tenant, ...menu })).pipe(
          Effect.map((row) => row.id),
          Effect.catchTag("NoSuchElementException", Effect.die)
        )
    }
  })
}) {}
