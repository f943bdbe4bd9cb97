/**
 * Categories: listed, created, updated and deleted by the API (and created by the demo seed and
 * imports), with a slug derived from the name when none is given, and a parent that must exist in
 * the same site and mode and may not be the category itself or one below it (no cycles).
 */
import { Database, type Tenant } from "@shopvo/kernel"
import { Data, Effect, Option } from "effect"
import * as Slug from "../Products/Slug.js"
import { CategoriesRepo, type CategoryChanges } from "./Repo.js"

export { Category } from "./Repo.js"

export class SlugTaken extends Data.TaggedError("CategorySlugTaken")<{ readonly slug: string }> {}
export class UnknownParent extends Data.TaggedError("UnknownParent")<{ readonly parentId: string }> {}
export class CategoryNotFound extends Data.TaggedError("CategoryNotFound")<{ readonly categoryId: string }> {}
export class CategoryCycle extends Data.TaggedError("CategoryCycle")<{ readonly parentId: string }> {}

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
        ),
      update: (tenant: Tenant, categoryId: string, changes: CategoryChanges) =>
        Database.transaction(
          Effect.gen(function* () {
            const parentId = changes.parentId ?? null
            // Both rows locked, in id order (two moves at once cannot deadlock), so no concurrent
            // move can close a loop behind the cycle check.
            const found = new Set<string>()
            for (const id of [categoryId, ...(parentId === null ? [] : [parentId])].sort()) {
              if (Option.isSome(yield* repo.lock(tenant, id))) found.add(id)
            }
            if (!found.has(categoryId)) return yield* new CategoryNotFound({ categoryId })
            if (parentId !== null) {
              if (!found.has(parentId)) return yield* new UnknownParent({ parentId })
              if ((yield* repo.subtree(tenant, categoryId)).includes(parentId))
                return yield* new CategoryCycle({ parentId })
            }
            return yield* Option.match(yield* repo.update(tenant, categoryId, changes), {
              onNone: () => Effect.fail(new SlugTaken({ slug: changes.slug ?? "" })),
              onSome: Effect.succeed
            })
          })
        ),
      remove: (tenant: Tenant, categoryId: string) =>
        Effect.flatMap(repo.remove(tenant, categoryId), (removed) =>
          Option.isNone(removed) ? Effect.fail(new CategoryNotFound({ categoryId })) : Effect.void
        )
    }
  })
}) {}
