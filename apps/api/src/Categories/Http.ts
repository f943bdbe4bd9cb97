/**
 * Category routes: the flat list, narrowed by `slug` or `parentId`; create, update, delete.
 */
import type { SqlClient } from "@effect/sql"
import type { Category as ContractCategory, Operation } from "@shopvo/contract"
import { Effect } from "effect"
import * as ApiError from "../Platform/ApiError.js"
import { created, deleted, ok } from "../Platform/Envelope.js"
import type { Handler } from "../Platform/Pipeline.js"
import { Categories, type Category } from "./Service.js"

const serialize = (c: Category): Operation.Immutable<ContractCategory> => ({
  id: c.id,
  name: c.name,
  slug: c.slug,
  description: c.description,
  parentId: c.parentId
})

type R = Categories | SqlClient.SqlClient

/** The service's refusals, as HTTP. */
const refusals = {
  CategorySlugTaken: (error: { readonly slug: string }) =>
    Effect.fail(ApiError.conflict(`The slug "${error.slug}" is already used by another category`, "slug_taken")),
  UnknownParent: (error: { readonly parentId: string }) =>
    Effect.fail(ApiError.unprocessable(`No category "${error.parentId}" exists on this site`, "unknown_category")),
  CategoryNotFound: () => Effect.fail(ApiError.notFound("Category")),
  CategoryCycle: (error: { readonly parentId: string }) =>
    Effect.fail(
      ApiError.unprocessable(
        `Category "${error.parentId}" is the category itself or below it: it cannot be its parent`,
        "category_cycle"
      )
    )
}

const list: Handler<"categories.list", Categories> = (request) =>
  Effect.map(
    Categories.list(request.tenant, { slug: request.query.slug, parentId: request.query.parentId }),
    (categories) => ok(categories.map(serialize))
  )

const create: Handler<"categories.create", R> = (request) =>
  Categories.create(request.tenant, request.body).pipe(
    Effect.map((category) => created(serialize(category))),
    Effect.catchTags({ CategorySlugTaken: refusals.CategorySlugTaken, UnknownParent: refusals.UnknownParent })
  )

const update: Handler<"categories.update", R> = (request) =>
  Categories.update(request.tenant, request.params.categoryId, request.body).pipe(
    Effect.map((category) => ok(serialize(category))),
    Effect.catchTags(refusals)
  )

const remove: Handler<"categories.delete", Categories> = (request) =>
  Categories.remove(request.tenant, request.params.categoryId).pipe(
    Effect.as(deleted()),
    Effect.catchTag("CategoryNotFound", refusals.CategoryNotFound)
  )

export const handlers = {
  "categories.list": list,
  "categories.create": create,
  "categories.update": update,
  "categories.delete": remove
}
