import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Content, type MenuItem } from "../src/Content/Service.js"
import { seedDemoContent } from "../src/Content/Seed.js"
import { Ids } from "@shopvo/kernel"
import { bodyOf, errorOf, offsetPage, start, type TestApi } from "./support/TestApi.js"

describe("Content", () => {
  let api: TestApi

  const query = (f: (sql: SqlClient.SqlClient) => Effect.Effect<ReadonlyArray<object>, unknown>) =>
    api.run(
      Effect.flatMap(SqlClient.SqlClient, f) as Effect.Effect<ReadonlyArray<object>, unknown, SqlClient.SqlClient>
    )

  /** A page row written directly; `published` is SQL (`now() - interval '1 day'`, `null`…) so the database's clock decides. */
  const insertPage = async (
    siteId: string,
    input: { slug: string; title?: string; published: string; livemode?: boolean }
  ) => {
    const id = Ids.make("pg")
    await query(
      (sql) => sql`insert into pages (id, site_id, livemode, title, slug, content, published_at)
                   values (${id}, ${siteId}, ${input.livemode ?? false}, ${input.title ?? input.slug}, ${input.slug}, '<p>Body</p>',
                           ${sql.literal(input.published)})`
    )
    return id
  }

  const fresh = async (plan: "starter" | "enterprise" = "enterprise") => {
    const site = await api.createSite({ name: "My Store", plan })
    const key = (await api.createKey(site.id)).key
    return { siteId: site.id, key }
  }

  beforeAll(async () => {
    api = await start()
  })
  afterAll(() => api.close())

  describe("pages", () => {
    it("lists published pages as in the reference, newest first, with pagination", async () => {
      const { siteId, key } = await fresh()
      const about = await insertPage(siteId, {
        slug: "about",
        title: "About Us",
        published: "now() - interval '1 day'"
      })
      const faq = await insertPage(siteId, { slug: "faq", title: "FAQ", published: "now() - interval '1 hour'" })
      const res = await api.request("GET", `/api/v1/${siteId}/pages`, { key })
      expect(res.status).toBe(200)
      expect(bodyOf(res, "pages.list").success).toBe(true)
      expect(bodyOf(res, "pages.list").data.map((p: { id: string }) => p.id)).toEqual([faq, about])
      expect(bodyOf(res, "pages.list").data[1]).toMatchObject({
        id: about,
        title: "About Us",
        slug: "about",
        content: "<p>Body</p>",
        seoTitle: null,
        seoDescription: null
      })
      expect(offsetPage(bodyOf(res, "pages.list")).pagination).toEqual({ page: 1, limit: 20, total: 2, totalPages: 1 })
    })

    it("returns the one page matching slug, and nothing for unknown or impossible slugs", async () => {
      const { siteId, key } = await fresh()
      const about = await insertPage(siteId, {
        slug: "about",
        title: "About Us",
        published: "now() - interval '1 day'"
      })
      await insertPage(siteId, { slug: "faq", published: "now() - interval '1 day'" })
      const res = await api.request("GET", `/api/v1/${siteId}/pages?slug=about`, { key })
      expect(bodyOf(res, "pages.list")).toMatchObject({
        success: true,
        data: [{ id: about, title: "About Us", slug: "about" }]
      })
      expect(bodyOf(res, "pages.list").data).toHaveLength(1)
      expect(offsetPage(bodyOf(res, "pages.list")).pagination.total).toBe(1)
      for (const slug of ["missing", "About", "not%20a%20slug"]) {
        const none = await api.request("GET", `/api/v1/${siteId}/pages?slug=${slug}`, { key })
        expect(none.status, slug).toBe(200)
        expect(bodyOf(none, "pages.list").data).toEqual([])
        expect(offsetPage(bodyOf(none, "pages.list")).pagination).toEqual({
          page: 1,
          limit: 20,
          total: 0,
          totalPages: 0
        })
      }
    })

    it("never shows drafts or pages scheduled for the future, by list or by slug", async () => {
      const { siteId, key } = await fresh()
      const live = await insertPage(siteId, { slug: "live", published: "now() - interval '1 minute'" })
      await insertPage(siteId, { slug: "draft", published: "null" })
      await insertPage(siteId, { slug: "scheduled", published: "now() + interval '1 day'" })
      const res = await api.request("GET", `/api/v1/${siteId}/pages`, { key })
      expect(bodyOf(res, "pages.list").data.map((p: { id: string }) => p.id)).toEqual([live])
      expect(offsetPage(bodyOf(res, "pages.list")).pagination.total).toBe(1)
      for (const slug of ["draft", "scheduled"]) {
        expect(
          bodyOf(await api.request("GET", `/api/v1/${siteId}/pages?slug=${slug}`, { key }), "pages.list").data
        ).toEqual([])
      }
      // Once its time has come, the scheduled page appears.
      await query(
        (sql) =>
          sql`update pages set published_at = now() - interval '1 second' where site_id = ${siteId} and slug = 'scheduled'`
      )
      expect(
        bodyOf(await api.request("GET", `/api/v1/${siteId}/pages?slug=scheduled`, { key }), "pages.list").data
      ).toHaveLength(1)
    })

    it("pages with offset pagination, every page reachable, none repeated", async () => {
      const { siteId, key } = await fresh()
      // Equal publication times: the id decides the order, so pages never repeat or go missing.
      await query(
        (sql) => sql`insert into pages (id, site_id, livemode, title, slug, published_at)
                     select 'pg_p' || g, ${siteId}, false, 'Page ' || g, 'page-' || g, now() - interval '1 day'
                     from generate_series(1, 25) g`
      )
      const seen: Array<string> = []
      for (const page of [1, 2, 3]) {
        const res = await api.request("GET", `/api/v1/${siteId}/pages?page=${page}&limit=10`, { key })
        expect(offsetPage(bodyOf(res, "pages.list")).pagination).toEqual({ page, limit: 10, total: 25, totalPages: 3 })
        expect(bodyOf(res, "pages.list").data).toHaveLength(page === 3 ? 5 : 10)
        seen.push(...bodyOf(res, "pages.list").data.map((p: { id: string }) => p.id))
      }
      expect(new Set(seen).size).toBe(25)
      const past = await api.request("GET", `/api/v1/${siteId}/pages?page=4&limit=10`, { key })
      expect(bodyOf(past, "pages.list").data).toEqual([])
      expect(offsetPage(bodyOf(past, "pages.list")).pagination).toEqual({
        page: 4,
        limit: 10,
        total: 25,
        totalPages: 3
      })
      expect((await api.request("GET", `/api/v1/${siteId}/pages?limit=101`, { key })).status).toBe(400)
      expect((await api.request("GET", `/api/v1/${siteId}/pages?page=0`, { key })).status).toBe(400)
    })

    it("shows only the caller's site and mode", async () => {
      const a = await fresh()
      const b = await fresh()
      const liveKey = (await api.createKey(a.siteId, { mode: "live" })).key
      const testPage = await insertPage(a.siteId, { slug: "about", published: "now() - interval '1 day'" })
      const livePage = await insertPage(a.siteId, {
        slug: "about",
        published: "now() - interval '1 day'",
        livemode: true
      })
      await insertPage(b.siteId, { slug: "about", published: "now() - interval '1 day'" })
      const ids = async (key: string) =>
        bodyOf(await api.request("GET", `/api/v1/${a.siteId}/pages`, { key }), "pages.list").data.map(
          (p: { id: string }) => p.id
        )
      expect(await ids(a.key)).toEqual([testPage])
      expect(await ids(liveKey)).toEqual([livePage])
      expect((await api.request("GET", `/api/v1/${a.siteId}/pages`, { key: b.key })).status).toBe(401)
    })
  })

  describe("menus", () => {
    const mainItems: ReadonlyArray<MenuItem> = [
      {
        title: "Shop",
        url: "/collections/all",
        children: [
          { title: "T-Shirts", url: "/categories/t-shirts", children: [] },
          { title: "Hoodies", url: "/categories/hoodies", children: [] }
        ]
      },
      { title: "About", url: "/pages/about", children: [] },
      { title: "Journal", url: "https://journal.mystore.eu", children: [] }
    ]

    it("lists the site's menus by handle with their item trees, as the spec shows", async () => {
      const { siteId, key } = await fresh()
      const tenant = { siteId, livemode: false }
      const main = await api.run(Content.putMenu(tenant, { handle: "main", title: "Main menu", items: mainItems }))
      const footer = await api.run(Content.putMenu(tenant, { handle: "footer", title: "Footer", items: [] }))
      const res = await api.request("GET", `/api/v1/${siteId}/menus`, { key })
      expect(res.status).toBe(200)
      expect(bodyOf(res, "menus.list")).toEqual({
        success: true,
        data: [
          { id: footer, handle: "footer", title: "Footer", items: [] },
          { id: main, handle: "main", title: "Main menu", items: mainItems }
        ]
      })
      const one = await api.request("GET", `/api/v1/${siteId}/menus?handle=main`, { key })
      expect(bodyOf(one, "menus.list").data).toEqual([
        { id: main, handle: "main", title: "Main menu", items: mainItems }
      ])
      for (const handle of ["sidebar", "Main"]) {
        const none = await api.request("GET", `/api/v1/${siteId}/menus?handle=${handle}`, { key })
        expect([none.status, bodyOf(none, "menus.list").data]).toEqual([200, []])
      }
    })

    it("reads a leaf stored without children as a leaf", async () => {
      const { siteId, key } = await fresh()
      await query(
        (sql) => sql`insert into menus (id, site_id, livemode, handle, title, items)
                     values (${Ids.make("menu")}, ${siteId}, false, 'legacy', 'Legacy', ${JSON.stringify([{ title: "Home", url: "/" }])}::jsonb)`
      )
      const res = await api.request("GET", `/api/v1/${siteId}/menus`, { key })
      expect(bodyOf(res, "menus.list").data[0]?.items).toEqual([{ title: "Home", url: "/", children: [] }])
    })

    it("shows only the caller's site and mode", async () => {
      const a = await fresh()
      const b = await fresh()
      await api.run(Content.putMenu({ siteId: b.siteId, livemode: false }, { handle: "main", title: "B", items: [] }))
      await api.run(
        Content.putMenu({ siteId: a.siteId, livemode: true }, { handle: "main", title: "A live", items: [] })
      )
      expect(bodyOf(await api.request("GET", `/api/v1/${a.siteId}/menus`, { key: a.key }), "menus.list").data).toEqual(
        []
      )
      const liveKey = (await api.createKey(a.siteId, { mode: "live" })).key
      expect(
        bodyOf(await api.request("GET", `/api/v1/${a.siteId}/menus`, { key: liveKey }), "menus.list").data
      ).toMatchObject([{ title: "A live" }])
    })
  })

  describe("site config", () => {
    it("answers as the reference shows", async () => {
      const site = await api.createSite({
        name: "My Store",
        currency: "EUR",
        locale: "en",
        primaryDomain: "mystore.eu",
        theme: { "--color-primary": "#6366f1" }
      })
      const key = (await api.createKey(site.id, { scopes: ["read:content"] })).key
      const res = await api.request("GET", `/api/v1/${site.id}/site`, { key })
      expect(res.status).toBe(200)
      expect(bodyOf(res, "site.get")).toMatchObject({
        success: true,
        data: {
          id: site.id,
          name: "My Store",
          locale: "en",
          currency: "EUR",
          primaryDomain: "mystore.eu",
          theme: { "--color-primary": "#6366f1" }
        }
      })
    })
  })

  describe("demo content", () => {
    it("seeds five published pages, a hidden draft and the main and footer menus, idempotently", async () => {
      const { siteId, key } = await fresh()
      const tenant = { siteId, livemode: false }
      const first = await api.run(seedDemoContent(tenant, { categories: [{ name: "T-Shirts", slug: "t-shirts" }] }))
      const again = await api.run(seedDemoContent(tenant, { categories: [{ name: "T-Shirts", slug: "t-shirts" }] }))
      expect(again).toEqual(first)

      const pages = await api.request("GET", `/api/v1/${siteId}/pages`, { key })
      expect(
        bodyOf(pages, "pages.list")
          .data.map((p: { slug: string }) => p.slug)
          .sort()
      ).toEqual(["about", "faq", "privacy-policy", "shipping-returns", "terms"])
      expect(bodyOf(pages, "pages.list").data.map((p: { title: string }) => p.title)).toContain("Shipping & Returns")
      expect(bodyOf(pages, "pages.list").data.map((p: { id: string }) => p.id)).not.toContain(first.draftPageId)
      const [draft] = (await query(
        (sql) => sql`select published_at from pages where id = ${first.draftPageId}`
      )) as Array<{ published_at: Date | null }>
      expect(draft!.published_at).toBeNull()

      const menus = await api.request("GET", `/api/v1/${siteId}/menus`, { key })
      expect(bodyOf(menus, "menus.list").data.map((m: { handle: string }) => m.handle)).toEqual(["footer", "main"])
      const main = bodyOf(menus, "menus.list").data[1]
      expect(main?.items[0]?.children.map((c: { url: string }) => c.url)).toContain("/categories/t-shirts")
      // Every page link in the menus points at a published page.
      const published = new Set(bodyOf(pages, "pages.list").data.map((p: { slug: string }) => `/pages/${p.slug}`))
      const links = (items: ReadonlyArray<MenuItem>): Array<string> =>
        items.flatMap((i) => [i.url, ...links(i.children)])
      for (const url of bodyOf(menus, "menus.list").data.flatMap((m: { items: ReadonlyArray<MenuItem> }) =>
        links(m.items)
      )) {
        if (url.startsWith("/pages/")) expect(published.has(url), url).toBe(true)
      }
    })
  })

  describe("scopes", () => {
    it("read:content reads pages, menus and the site; other scopes do not", async () => {
      const { siteId } = await fresh()
      const content = (await api.createKey(siteId, { scopes: ["read:content"] })).key
      const catalog = (await api.createKey(siteId, { scopes: ["read:catalog", "metafields:read"] })).key
      for (const path of ["pages", "menus", "site"]) {
        expect((await api.request("GET", `/api/v1/${siteId}/${path}`, { key: content })).status, path).toBe(200)
        const denied = await api.request("GET", `/api/v1/${siteId}/${path}`, { key: catalog })
        expect(denied.status, path).toBe(403)
        expect(errorOf(denied).error).toContain("read:content")
      }
    })
  })
})
