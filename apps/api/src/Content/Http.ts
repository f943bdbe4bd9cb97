/**
 * Storefront content routes: published pages and navigation menus (scope `read:content`).
 */
import type { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { custom, ok } from "../Platform/Envelope.js"
import * as Pagination from "../Platform/Pagination.js"
import type { Handler } from "../Platform/Pipeline.js"
import * as Repo from "./Repo.js"

type R = SqlClient.SqlClient

const serializePage = (p: Repo.Page) => ({
  id: p.id,
  title: p.title,
  slug: p.slug,
  content: p.content,
  seoTitle: p.seoTitle,
  seoDescription: p.seoDescription,
  publishedAt: p.publishedAt.toISOString(),
  updatedAt: p.updatedAt.toISOString()
})

// The reference lists pages under `data` (not `items`); `pagination` is added so every page is reachable.
const listPages: Handler<R> = (request) =>
  Effect.gen(function* () {
    const page = Pagination.offset(request.query)
    const { items, total } = yield* Repo.listPublished(
      request.tenant,
      { slug: request.query["slug"] as string | undefined },
      page
    )
    return custom(200, {
      data: items.map(serializePage),
      pagination: { page: page.page, limit: page.limit, total, totalPages: Math.ceil(total / page.limit) }
    })
  })

const listMenus: Handler<R> = (request) =>
  Effect.map(Repo.listMenus(request.tenant, { handle: request.query["handle"] as string | undefined }), (menus) =>
    ok(menus)
  )

export const handlers = {
  "pages.list": listPages,
  "menus.list": listMenus
}
