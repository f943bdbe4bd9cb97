/**
 * Storefront content: published pages and navigation menus, read by the API and written by the
 * demo seed and imports (idempotently: a page or menu that already exists is left as it is).
 */
import type { Tenant } from "@shopvo/kernel"
import { Effect } from "effect"
import { ContentRepo } from "./Repo.js"

export type { MenuItem, NewMenu, NewPage } from "./Repo.js"
export { Menu, Page } from "./Repo.js"

/** The shape the database allows for page slugs and menu handles (0004's check constraints). */
export const handlePattern = /^[a-z0-9]+(-[a-z0-9]+)*$/

export class Content extends Effect.Service<Content>()("@shopvo/api/Content", {
  accessors: true,
  dependencies: [ContentRepo.Default],
  effect: Effect.gen(function* () {
    const repo = yield* ContentRepo
    // No page or menu can have a slug or handle of another shape, and such a string may hold bytes
    // PostgreSQL's text refuses: the lists answer empty without asking.
    const storable = (handle: string | undefined) => handle === undefined || handlePattern.test(handle)
    return {
      /** Published pages, most recently published first, optionally only the one with `slug`; and their total. */
      listPublished: (
        tenant: Tenant,
        filter: { readonly slug?: string | undefined },
        page: { readonly limit: number; readonly offset: number }
      ) => (storable(filter.slug) ? repo.listPublished(tenant, filter, page) : Effect.succeed({ items: [], total: 0 })),
      /** The site's menus ordered by handle, optionally only the one with `handle`. */
      listMenus: (tenant: Tenant, filter: { readonly handle?: string | undefined }) =>
        storable(filter.handle) ? repo.listMenus(tenant, filter) : Effect.succeed([]),
      putPage: repo.putPage,
      putMenu: repo.putMenu
    }
  })
}) {}
