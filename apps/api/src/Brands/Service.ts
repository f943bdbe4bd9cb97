/**
 * Brands: listed, created, updated and deleted by the API (and created by the demo seed and
 * imports), with a slug derived from the name when none is given.
 */
import { Database, type Tenant } from "@shopvo/kernel"
import { Data, Effect, Option } from "effect"
import * as Slug from "../Products/Slug.js"
import { type BrandChanges, BrandsRepo } from "./Repo.js"

import type { Brand } from "./Repo.js"

export { Brand } from "./Repo.js"

export class SlugTaken extends Data.TaggedError("BrandSlugTaken")<{ readonly slug: string }> {}
export class BrandNotFound extends Data.TaggedError("BrandNotFound")<{ readonly brandId: string }> {}

export interface NewBrand {
  readonly name: string
  /** Derived from the name when omitted. */
  readonly slug?: string | undefined
  readonly description?: string | null | undefined
}

export class Brands extends Effect.Service<Brands>()("@shopvo/api/Brands", {
  accessors: true,
  dependencies: [BrandsRepo.Default],
  effect: Effect.gen(function* () {
    const repo = yield* BrandsRepo
    return {
      list: repo.list,
      create: (tenant: Tenant, input: NewBrand) =>
        Database.transaction(
          Effect.gen(function* () {
            const slug = input.slug ?? Slug.fromName(input.name, "brand")
            const brand = { name: input.name, slug, description: input.description ?? null }
            return yield* Option.match(yield* repo.insert(tenant, brand), {
              onNone: () => Effect.fail(new SlugTaken({ slug })),
              onSome: Effect.succeed
            })
          })
        ),
      update: (tenant: Tenant, brandId: string, changes: BrandChanges) =>
        Database.transaction(
          Effect.flatMap(
            repo.update(tenant, brandId, changes),
            (outcome): Effect.Effect<Brand, SlugTaken | BrandNotFound> => {
              switch (outcome._tag) {
                case "Updated":
                  return Effect.succeed(outcome.brand)
                case "NotFound":
                  return Effect.fail(new BrandNotFound({ brandId }))
                case "SlugTaken":
                  return Effect.fail(new SlugTaken({ slug: changes.slug ?? "" }))
              }
            }
          )
        ),
      remove: (tenant: Tenant, brandId: string) =>
        Effect.flatMap(repo.remove(tenant, brandId), (removed) =>
          removed ? Effect.void : Effect.fail(new BrandNotFound({ brandId }))
        )
    }
  })
}) {}
