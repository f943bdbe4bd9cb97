/**
 * Brands: listed by the API; created by the demo seed and imports, with a slug derived from the
 * name when none is given.
 */
import { Database, type Tenant } from "@shopvo/kernel"
import { Data, Effect, Option } from "effect"
import * as Slug from "../Products/Slug.js"
import { BrandsRepo } from "./Repo.js"

export { Brand } from "./Repo.js"

export class SlugTaken extends Data.TaggedError("BrandSlugTaken")<{ readonly slug: string }> {}

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
        )
    }
  })
}) {}
