/**
 * Sites: created by the CLI, the demo seed and the tests; read by the API (`GET /site`). A site's
 * plan must be one of the `plans` table.
 */
import { Database } from "@shopvo/kernel"
import { Data, Effect, Option } from "effect"
import { type Limits, SitesRepo } from "./Repo.js"

export { Site } from "./Repo.js"

export class SiteNotFound extends Data.TaggedError("SiteNotFound")<{ readonly siteId: string }> {}

export class UnknownPlan extends Data.TaggedError("UnknownPlan")<{
  readonly plan: string
  /** The plans there are, smallest first. */
  readonly known: ReadonlyArray<string>
}> {}

export interface NewSite {
  readonly name: string
  readonly currency: string
  readonly locale?: string
  /** A name from `plans`; the column default otherwise. */
  readonly plan?: string
  readonly primaryDomain?: string | null
  readonly theme?: Readonly<Record<string, string>>
  /** Publish reviews as they come instead of holding them for moderation (the default). */
  readonly reviewAutoApprove?: boolean
}

export class Sites extends Effect.Service<Sites>()("@shopvo/api/Sites", {
  accessors: true,
  dependencies: [SitesRepo.Default],
  effect: Effect.gen(function* () {
    const repo = yield* SitesRepo
    return {
      planNames: repo.planNames,
      /** Whether the database holds no site yet (a first start). */
      isEmpty: Effect.map(repo.anySite, (any) => !any),
      find: repo.find,
      get: (siteId: string) =>
        Effect.flatMap(
          repo.find(siteId),
          Option.match({ onNone: () => Effect.fail(new SiteNotFound({ siteId })), onSome: Effect.succeed })
        ),
      /** Raises (or lowers) the site's own limits; the key cache picks them up within `KEY_CACHE_TTL`. */
      setLimits: (siteId: string, limits: Limits) =>
        Database.transaction(
          Effect.flatMap(
            repo.setLimits(siteId, limits),
            Option.match({ onNone: () => Effect.fail(new SiteNotFound({ siteId })), onSome: Effect.succeed })
          )
        ),
      create: (input: NewSite) =>
        Database.transaction(
          Effect.gen(function* () {
            if (input.plan !== undefined) {
              const known = yield* repo.planNames
              if (!known.includes(input.plan)) return yield* new UnknownPlan({ plan: input.plan, known })
            }
            return yield* repo.insert({
              name: input.name,
              currency: input.currency,
              locale: input.locale ?? "en",
              ...(input.plan === undefined ? {} : { plan: input.plan }),
              primaryDomain: input.primaryDomain ?? null,
              theme: input.theme ?? {},
              reviewAutoApprove: input.reviewAutoApprove ?? false
            })
          })
        )
    }
  })
}) {}
