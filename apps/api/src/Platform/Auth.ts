/**
 * Who is calling: the Bearer key resolved to its site, mode, scopes, signing secret and limits.
 *
 * Keys are looked up by the site of the path and their SHA-256 (never stored in clear), one
 * statement that also reads the site's effective limits (its overrides, else its plan's); the
 * result is cached for a few seconds (`KEY_CACHE_TTL`), so the hot path does no SQL for auth; a
 * revocation takes effect within that TTL. Database failures are never cached.
 */
import { Spec } from "@shopvo/contract"
import { ApiKey } from "@shopvo/signing"
import { SqlClient, type SqlError } from "@effect/sql"
import { Cache, Context, Data, Duration, Effect, Either, Exit, Layer, Option, Redacted } from "effect"
import { ApiConfig } from "../Config.js"
import * as ApiError from "./ApiError.js"

export interface Principal {
  readonly keyId: string
  readonly siteId: string
  readonly livemode: boolean
  readonly scopes: ReadonlySet<string>
  readonly signingSecret: Option.Option<Redacted.Redacted<string>>
  /** The site's per-key limit, requests per minute (its override, else its plan's). */
  readonly rateLimitRpm: number
  /** Per-key limits of the limited routes, requests per minute (the site's overrides, else its plan's). */
  readonly checkoutLimitRpm: number
  readonly ordersLimitRpm: number
  readonly productSearchLimitRpm: number
}

interface KeyRow {
  readonly id: string
  readonly site_id: string
  readonly livemode: boolean
  readonly scopes: ReadonlyArray<string>
  readonly signing_secret: string | null
  readonly revoked_at: Date | null
  readonly rate_limit_rpm: number
  readonly checkout_limit_rpm: number
  readonly orders_limit_rpm: number
  readonly product_search_limit_rpm: number
}

/** The scope that grants all the others. */
export const adminScope = "admin:*"

/**
 * Every scope a key may hold: those the spec's operations name in `x-scopes`, plus `admin:*`.
 * The only list; a new scope in the spec needs no change here nor in the database.
 */
export const scopes: ReadonlyArray<string> = [
  ...[...new Set(Spec.operations.flatMap((operation) => operation.scopes))].sort(),
  adminScope
]

/** True when the key may call an operation needing `scope`. */
export const hasScope = (principal: Principal, scope: string): boolean =>
  principal.scopes.has(adminScope) || principal.scopes.has(scope)

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
    rateLimitRpm: row.rate_limit_rpm,
    checkoutLimitRpm: row.checkout_limit_rpm,
    ordersLimitRpm: row.orders_limit_rpm,
    productSearchLimitRpm: row.product_search_limit_rpm
  }
})

/** A key is looked up within the site of the path: one shard when tables are distributed by site. */
interface Lookup {
  readonly siteId: string
  readonly hash: string
}

const bearer = /^Bearer\s+(\S+)\s*$/i

export const layer = Layer.scoped(
  Keys,
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const { keyCacheTtl } = yield* ApiConfig

    const touch = (row: KeyRow) =>
      sql`update api_keys set last_used_at = now() where site_id = ${row.site_id} and id = ${row.id}`.pipe(
        Effect.ignoreLogged,
        Effect.forkDaemon
      )

    const cache = yield* Cache.makeWith({
      capacity: 10_000,
      lookup: ({ hash, siteId }: Lookup) =>
        Effect.gen(function* () {
          const rows = yield* sql<KeyRow>`
            select k.id, k.site_id, k.livemode, k.scopes, k.signing_secret, k.revoked_at,
                   coalesce(s.rate_limit_rpm, p.rate_limit_rpm) as rate_limit_rpm,
                   coalesce(s.checkout_limit_rpm, p.checkout_limit_rpm) as checkout_limit_rpm,
                   coalesce(s.orders_limit_rpm, p.orders_limit_rpm) as orders_limit_rpm,
                   coalesce(s.product_search_limit_rpm, p.product_search_limit_rpm) as product_search_limit_rpm
            from api_keys k join sites s on s.id = k.site_id join plans p on p.name = s.plan
            where k.site_id = ${siteId} and k.key_hash = ${hash}`
          const row = rows[0]
          // Last-used time is refreshed at most once per cache period per process: cheap and close enough.
          if (row && row.revoked_at === null) yield* touch(row)
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
        // A key of another site is not found in this one: an authentication failure, not a 404.
        const row = yield* cache.get(Data.struct({ siteId, hash: ApiKey.hash(parsed.right.key) }))
        if (Option.isNone(row)) return yield* ApiError.unauthorized("Invalid API key", "invalid_api_key")
        const { principal, revoked } = row.value
        if (revoked) return yield* ApiError.unauthorized("This API key has been revoked", "revoked_api_key")
        return principal
      })

    return { authenticate }
  })
)
