/**
 * Who is calling: the Bearer key resolved to its site, mode, scopes and signing secret.
 *
 * Keys are looked up by their SHA-256 (never stored in clear) and the result is cached for a few
 * seconds (`KEY_CACHE_TTL`), so the hot path does no SQL for auth; a revocation takes effect
 * within that TTL. Database failures are never cached.
 */
import { ApiKey } from "@shopvo/signing"
import { SqlClient, type SqlError } from "@effect/sql"
import { Cache, Context, Duration, Effect, Either, Exit, Layer, Option, Redacted } from "effect"
import { ApiConfig } from "../Config.js"
import * as ApiError from "./ApiError.js"

export interface Principal {
  readonly keyId: string
  readonly siteId: string
  readonly livemode: boolean
  readonly scopes: ReadonlySet<string>
  readonly signingSecret: Option.Option<Redacted.Redacted<string>>
  /** The site's plan limit, requests per minute. */
  readonly rateLimitRpm: number
}

interface KeyRow {
  readonly id: string
  readonly site_id: string
  readonly livemode: boolean
  readonly scopes: ReadonlyArray<string>
  readonly signing_secret: string | null
  readonly revoked_at: Date | null
  readonly rate_limit_rpm: number
}

/** True when the key may call an operation needing `scope`. */
export const hasScope = (principal: Principal, scope: string): boolean =>
  principal.scopes.has("admin:*") || principal.scopes.has(scope)

export class Keys extends Context.Tag("@shopvo/api/Keys")<
  Keys,
  {
    readonly authenticate: (
      authorization: string | undefined,
      siteId: string
    ) => Effect.Effect<Principal, ApiError.ApiError | SqlError.SqlError>
  }
>() {}

const toKey = (row: KeyRow): { readonly principal: Principal; readonly revoked: boolean } => ({
  revoked: row.revoked_at !== null,
  principal: {
    keyId: row.id,
    siteId: row.site_id,
    livemode: row.livemode,
    scopes: new Set(row.scopes),
    signingSecret: Option.map(Option.fromNullable(row.signing_secret), Redacted.make),
    rateLimitRpm: row.rate_limit_rpm
  }
})

const bearer = /^Bearer\s+(\S+)\s*$/i

export const layer = Layer.scoped(
  Keys,
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const { keyCacheTtl } = yield* ApiConfig

    const touch = (id: string) =>
      sql`update api_keys set last_used_at = now() where id = ${id}`.pipe(Effect.ignoreLogged, Effect.forkDaemon)

    const cache = yield* Cache.makeWith({
      capacity: 10_000,
      lookup: (hash: string) =>
        Effect.gen(function* () {
          const rows = yield* sql<KeyRow>`
            select k.id, k.site_id, k.livemode, k.scopes, k.signing_secret, k.revoked_at, s.rate_limit_rpm
            from api_keys k join sites s on s.id = k.site_id
            where k.key_hash = ${hash}`
          const row = rows[0]
          // Last-used time is refreshed at most once per cache period per process: cheap and close enough.
          if (row && row.revoked_at === null) yield* touch(row.id)
          return Option.map(Option.fromNullable(row), toKey)
        }),
      timeToLive: (exit) => (Exit.isSuccess(exit) ? keyCacheTtl : Duration.zero)
    })

    const authenticate = (authorization: string | undefined, siteId: string) =>
      Effect.gen(function* () {
        if (authorization === undefined || authorization === "") {
          return yield* ApiError.unauthorized(
            "Missing API key: send Authorization: Bearer sk_live_… or sk_test_…",
            "missing_api_key"
          )
        }
        const token = bearer.exec(authorization)?.[1]
        const parsed = token === undefined ? undefined : ApiKey.parse(token)
        if (parsed === undefined || Either.isLeft(parsed)) {
          return yield* ApiError.unauthorized("Invalid API key", "invalid_api_key")
        }
        const row = yield* cache.get(ApiKey.hash(parsed.right.key))
        if (Option.isNone(row)) return yield* ApiError.unauthorized("Invalid API key", "invalid_api_key")
        const { principal, revoked } = row.value
        if (revoked) return yield* ApiError.unauthorized("This API key has been revoked", "revoked_api_key")
        // A key of another site is an authentication failure for this site, not a 404.
        if (principal.siteId !== siteId) {
          return yield* ApiError.unauthorized("This API key does not belong to this site", "invalid_api_key")
        }
        return principal
      })

    return { authenticate }
  })
)
