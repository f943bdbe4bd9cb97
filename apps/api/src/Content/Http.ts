/**
 * Storefront content routes: published pages and navigation menus (scope `read:content`).
 */
import type { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { ok } from "../Platform/Envelope.js"
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
const listPages: Handler<"pages.list", R> = (request) =>
  Effect.gen(function* () {
    const page = Pagination.offset(request.query)
    const { items, total } = yield* Repo.listPublished(request.tenant, { slug: request.query.slug }, page)
    return {
      status: 200 as const,
      body: { success: true as const, data: items.map(serializePage), pagination: Pagination.info(page, total) }
    }
  })

const listMenus: Handler<"menus.list", R> = (request) =>
  Effect.map(Repo.listMenus(request.tenant, { handle: request.query.handle }), ok)

export const handlers = {
  "pages.list": listPages,
  "menus.list": listMenus
}
