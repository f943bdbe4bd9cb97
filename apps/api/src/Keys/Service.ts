/**
 * API keys: created by the CLI, the demo seed and the tests, shown once. A key belongs to an
 * existing site and has at least one scope, each one the spec names (`Auth.scopes`).
 */
import { ApiKey, SigningSecret } from "@shopvo/signing"
import { Database, Entropy, Ids } from "@shopvo/kernel"
import { Data, Effect } from "effect"
import * as Auth from "../Platform/Auth.js"
import { Sites } from "../Sites/Service.js"
import { KeysRepo, type KeySummary } from "./Repo.js"

export { KeySummary } from "./Repo.js"

/** No scope given, or scopes the spec does not name (listed in `unknown`). */
export class UnknownScopes extends Data.TaggedError("UnknownScopes")<{ readonly unknown: ReadonlyArray<string> }> {}

export interface NewKey {
  readonly siteId: string
  readonly scopes: ReadonlyArray<string>
  readonly mode: ApiKey.Mode
  /** Also create an `sks_` signing secret. */
  readonly signing: boolean
}

export interface CreatedKey extends KeySummary {
  /** The key itself: shown once, never retrievable again. */
  readonly key: string
  readonly signingSecret: string | null
}

export class Keys extends Effect.Service<Keys>()("@shopvo/api/Keys", {
  accessors: true,
  dependencies: [KeysRepo.Default, Sites.Default],
  effect: Effect.gen(function* () {
    const repo = yield* KeysRepo
    const sites = yield* Sites
    return {
      list: repo.list,
      revoke: repo.revoke,
      create: (input: NewKey) =>
        Database.transaction(
          Effect.gen(function* () {
            const unknown = input.scopes.filter((scope) => !Auth.scopes.includes(scope))
            if (input.scopes.length === 0 || unknown.length > 0) return yield* new UnknownScopes({ unknown })
            yield* sites.get(input.siteId)
            const key = yield* ApiKey.generate(input.mode)
            const signingSecret = input.signing ? yield* SigningSecret.generate : null
            const summary = yield* repo.insert({
              id: Ids.make("key"),
              siteId: input.siteId,
              livemode: input.mode === "live",
              keyHash: ApiKey.hash(key),
              prefix: ApiKey.displayPrefix(key),
              scopes: input.scopes,
              signingSecret
            })
            return { ...summary, key, signingSecret } satisfies CreatedKey
          })
        ).pipe(Effect.provide(Entropy.layer))
    }
  })
}) {}
