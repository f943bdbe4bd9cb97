/**
 * Storefront content routes: published pages and navigation menus (scope `read:content`).
 */
import type { ContentPage, Menu as ContractMenu, Operation } from "@shopvo/contract"
import { Effect } from "effect"
import { ok } from "../Platform/Envelope.js"
import * as Pagination from "../Platform/Pagination.js"
import type { Handler } from "../Platform/Pipeline.js"
import { Content, type Menu, type Page } from "./Service.js"

const serializePage = (p: Page): Operation.Immutable<ContentPage> => ({
  id: p.id,
  title: p.title,
  slug: p.slug,
  content: p.content,
  seoTitle: p.seoTitle,
  seoDescription: p.seoDescription,
  publishedAt: p.publishedAt.toISOString(),
  updatedAt: p.updatedAt.toISOString()
})

const serializeMenu = (m: Menu): Operation.Immutable<ContractMenu> => ({
  id: m.id,
  handle: m.handle,
  title: m.title,
  items: m.items
})

// The reference lists pages under `data` (not `items`); `pagination` is added so every page is reachable.
const listPages: Handler<"pages.list", Content> = (request) => {
  const page = Pagination.offset(request.query)
  return Effect.map(Content.listPublished(request.tenant, { slug: request.query.slug }, page), ({ items, total }) => ({
    status: 200 as const,
    body: { success: true as const, data: items.map(serializePage), pagination: Pagination.info(page, total) }
  }))
}

const listMenus: Handler<"menus.list", Content> = (request) =>
  Effect.map(Content.listMenus(request.tenant, { handle: request.query.handle }), (menus) =>
    ok(menus.map(serializeMenu))
  )

export const handlers = {
  "pages.list": listPages,
  "menus.list": listMenus
}
