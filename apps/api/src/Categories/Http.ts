/**
 * Category routes: the flat list, narrowed by `slug` or `parentId`.
 */
import type { Category as ContractCategory, Operation } from "@shopvo/contract"
import { Effect } from "effect"
import { ok } from "../Platform/Envelope.js"
import type { Handler } from "../Platform/Pipeline.js"
import { Categories, type Category } from "./Service.js"

const serialize = (c: Category): Operation.Immutable<ContractCategory> => ({
  id: c.id,
  name: c.name,
  slug: c.slug,
  description: c.description,
  parentId: c.parentId
})

const list: Handler<"categories.list", Categories> = (request) =>
  Effect.map(
    Categories.list(request.tenant, { slug: request.query.slug, parentId: request.query.parentId }),
    (categories) => ok(categories.map(serialize))
  )

export const handlers = {
  "categories.list": list
}
