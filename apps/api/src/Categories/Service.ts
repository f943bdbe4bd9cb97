/**
 * Categories: listed by the API; created by the demo seed and imports, with a slug derived from
 * the name when none is given and a parent that must exist in the same site and mode.
 */
import { Database, type Tenant } from "@shopvo/kernel"
import { Data, Effect, Option } from "effect"
import * as Slug from "../Products/Slug.js"
import { CategoriesRepo } from "./Repo.js"

export { Category } from "./Repo.js"

export class SlugTaken extends Data.TaggedError("CategorySlugTaken")<{ readonly slug: string }> {}
export class UnknownParent extends Data.TaggedError("UnknownParent")<{ readonly parentId: string }> {}

export interface NewCategory {
  readonly name: string
  /** Derived from the name when omitted. */
  readonly slug?: string | undefined
  readonly description?: string | null | undefined
  readonly parentId?: string | null | undefined
  readonly position?: number | undefined
}

export class Categories extends Effect.Service<Categories>()("@shopvo/api/Categories", {
  accessors: true,
  dependencies: [CategoriesRepo.Default],
  effect: Effect.gen(function* () {
    const repo = yield* CategoriesRepo
    return {
      list: repo.list,
      topLevel: repo.topLevel,
      create: (tenant: Tenant, input: NewCategory) =>
        Database.transaction(
          Effect.gen(function* () {
            const parentId = input.parentId ?? null
            if (parentId !== null && Option.isNone(yield* repo.find(tenant, parentId)))
              return yield* new UnknownParent({ parentId })
            const slug = input.slug ?? Slug.fromName(input.name, "category")
            const category = {
              name: input.name,
              slug,
              description: input.description ?? null,
              parentId,
              position: input.position ?? 0
            }
            return yield* Option.match(yield* repo.insert(tenant, category), {
              onNone: () => Effect.fail(new SlugTaken({ slug })),
              onSome: Effect.succeed
            })
          })
        )
    }
  })
}) {}
