/**
 * The connection pool: `@effect/sql-pg` over one `pg` pool, providing both
 * `SqlClient.SqlClient` (portable queries) and `PgClient.PgClient`
 * (LISTEN, JSON fragments).
 *
 * Decisions:
 * - Name transforms are off (`transformQueryNames`/`transformResultNames`):
 *   SQL is written in snake_case and repositories map rows to domain objects
 *   explicitly, so a column name in SQL is the key in the row object, and JSON
 *   built inside SQL (`json_build_object`) is not rewritten.
 * - `pg`'s default type parsing is kept: `int8` and `numeric` arrive as
 *   strings (decode them with Schema, never through a float), `timestamptz`
 *   as `Date`, `jsonb` parsed, `bytea` as `Buffer`, arrays as arrays.
 * - Acquiring a connection times out (`DATABASE_CONNECT_TIMEOUT`, default 5 s)
 *   instead of waiting forever, so a request fails fast while the database is
 *   down; the pool reconnects by itself when it returns.
 * - The layer fails at construction when the database cannot be reached
 *   (one `SELECT 1`), so a misconfiguration is reported at start-up.
 */
import * as PgClient from "@effect/sql-pg/PgClient"
import type * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Config, Duration, Effect, Layer } from "effect"
import type { ConfigError, Redacted } from "effect"
import { DatabaseUrl } from "./DatabaseUrl.js"

/** Pool settings. */
export interface PoolOptions {
  /** Most connections open at once. */
  readonly maxConnections: number
  /** Longest wait for a connection (pool slot or new connection). */
  readonly connectTimeout: Duration.Duration
  /** Idle connections are closed after this long. */
  readonly idleTimeout: Duration.Duration
  /** Shown in `pg_stat_activity.application_name`. */
  readonly applicationName: string
}

/** `DATABASE_POOL_SIZE` (default 10, 1–500) and `DATABASE_CONNECT_TIMEOUT` (default 5 seconds). */
export const poolConfig: Config.Config<PoolOptions> = Config.all({
  // Validate before defaulting: a validation after `withDefault` loses the variable's name in the error.
  maxConnections: Config.integer("DATABASE_POOL_SIZE").pipe(
    Config.validate({ message: "must be an integer from 1 to 500", validation: (n) => n >= 1 && n <= 500 }),
    Config.withDefault(10)
  ),
  connectTimeout: Config.duration("DATABASE_CONNECT_TIMEOUT").pipe(
    Config.validate({
      message: 'must be a positive duration, e.g. "5 seconds"',
      validation: (d) => Duration.greaterThan(d, Duration.zero)
    }),
    Config.withDefault(Duration.seconds(5))
  ),
  idleTimeout: Config.succeed(Duration.seconds(30)),
  applicationName: Config.succeed("shopvo")
})

/** A pool on `url` with explicit settings. */
export const layerFrom = (
  url: Redacted.Redacted<string>,
  options: PoolOptions
): Layer.Layer<PgClient.PgClient | SqlClient.SqlClient, SqlError> =>
  PgClient.layer({
    url,
    maxConnections: options.maxConnections,
    connectTimeout: options.connectTimeout,
    idleTimeout: options.idleTimeout,
    applicationName: options.applicationName
  })

/**
 * The pool on the `DatabaseUrl` with settings from `poolConfig`; `overrides`
 * replace individual settings (e.g. the webhook worker's `applicationName`).
 */
export const layerWith = (
  overrides: Partial<PoolOptions> = {}
): Layer.Layer<PgClient.PgClient | SqlClient.SqlClient, SqlError | ConfigError.ConfigError, DatabaseUrl> =>
  Layer.unwrapEffect(
    Effect.gen(function* () {
      const url = yield* DatabaseUrl
      const options = yield* poolConfig
      return layerFrom(url, { ...options, ...overrides })
    })
  )

/** The pool on the `DatabaseUrl`, configured by `poolConfig`. */
export const layer: Layer.Layer<
  PgClient.PgClient | SqlClient.SqlClient,
  SqlError | ConfigError.ConfigError,
  DatabaseUrl
> = layerWith()
