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
 * - Nothing waits on a database that does not answer (`DATABASE_CONNECT_TIMEOUT`,
 *   default 1 s): a watchdog (`internal/watchdog.ts`) asks the server `select 1`
 *   on a connection of its own, and when it is left unanswered that long it
 *   closes every pool connection (queries already sent fail), fails every
 *   request waiting for a connection, and refuses new ones at once until the
 *   server answers again. The pool reconnects by itself afterwards.
 * - While the server answers, a request may wait up to `DATABASE_ACQUIRE_TIMEOUT`
 *   (default 10 s) for a free connection of a busy pool: a burst queues rather
 *   than failing, and only a pool that stays saturated answers 503.
 * - A statement runs at most `DATABASE_QUERY_TIMEOUT` (default 5 s, the
 *   server's `statement_timeout`): the server cancels it, and a transaction
 *   it was part of is rolled back. Migrations are exempt.
 * - TCP keepalive is on, so a connection to a host that vanished from the
 *   network is noticed even while idle.
 * - A transaction whose COMMIT or ROLLBACK fails because its connection is gone
 *   fails with that `SqlError` (`@effect/sql` would make it a defect): the server
 *   rolled it back, and the caller can answer 503 rather than 500.
 * - The layer fails at construction when the database cannot be reached
 *   (one `SELECT 1`), so a misconfiguration is reported at start-up.
 */
import * as PgClient from "@effect/sql-pg/PgClient"
import * as Reactivity from "@effect/experimental/Reactivity"
import * as SqlClient from "@effect/sql/SqlClient"
import { SqlError } from "@effect/sql/SqlError"
import { Config, Context, Duration, Effect, Layer, Redacted } from "effect"
import type { ConfigError } from "effect"
import pg from "pg"
import { DatabaseUrl } from "./DatabaseUrl.js"
import * as Watchdog from "./internal/watchdog.js"

/** Pool settings. */
export interface PoolOptions {
  /** Most connections open at once. */
  readonly maxConnections: number
  /**
   * Longest wait for a connection (pool slot or new connection), and how long
   * the server may leave the watchdog's probe unanswered before its
   * connections are closed.
   */
  readonly connectTimeout: Duration.Duration
  /** Longest wait for a free connection while the server answers; default `defaultAcquireTimeout`. */
  readonly acquireTimeout?: Duration.Duration | undefined
  /** Longest a statement may run (`statement_timeout`); default `defaultQueryTimeout`. */
  readonly queryTimeout?: Duration.Duration | undefined
  /** Idle connections are closed after this long. */
  readonly idleTimeout: Duration.Duration
  /** Shown in `pg_stat_activity.application_name`. */
  readonly applicationName: string
}

/** `DATABASE_CONNECT_TIMEOUT` when unset. */
export const defaultConnectTimeout: Duration.Duration = Duration.seconds(1)

/** `DATABASE_ACQUIRE_TIMEOUT` when unset. */
export const defaultAcquireTimeout: Duration.Duration = Duration.seconds(10)

/** `DATABASE_QUERY_TIMEOUT` when unset. */
export const defaultQueryTimeout: Duration.Duration = Duration.seconds(5)

const positiveDuration = (name: string, fallback: Duration.Duration) =>
  Config.duration(name).pipe(
    Config.validate({
      message: 'must be a positive duration, e.g. "2 seconds"',
      validation: (d) => Duration.greaterThan(d, Duration.zero)
    }),
    Config.withDefault(fallback)
  )

/**
 * `DATABASE_POOL_SIZE` (default 10, 1–500), `DATABASE_CONNECT_TIMEOUT`
 * (default 1 second) and `DATABASE_QUERY_TIMEOUT` (default 5 seconds).
 */
export const poolConfig: Config.Config<PoolOptions> = Config.all({
  // Validate before defaulting: a validation after `withDefault` loses the variable's name in the error.
  maxConnections: Config.integer("DATABASE_POOL_SIZE").pipe(
    Config.validate({ message: "must be an integer from 1 to 500", validation: (n) => n >= 1 && n <= 500 }),
    Config.withDefault(10)
  ),
  connectTimeout: positiveDuration("DATABASE_CONNECT_TIMEOUT", defaultConnectTimeout),
  acquireTimeout: positiveDuration("DATABASE_ACQUIRE_TIMEOUT", defaultAcquireTimeout),
  queryTimeout: positiveDuration("DATABASE_QUERY_TIMEOUT", defaultQueryTimeout),
  idleTimeout: Config.succeed(Duration.seconds(30)),
  applicationName: Config.succeed("shopvo")
})

// How often the watchdog asks; cheap (one `select 1` on an open connection), and short
// beside `connectTimeout` so an unresponsive server is noticed about that long after it stops.
const probeInterval = Duration.millis(250)

/** The pool, checked with one `SELECT 1`, watched for the lifetime of the scope. */
const makePool = (url: Redacted.Redacted<string>, options: PoolOptions) =>
  Effect.gen(function* () {
    const connectTimeout = Duration.toMillis(options.connectTimeout)
    const client: pg.ClientConfig = {
      connectionString: Redacted.value(url),
      application_name: options.applicationName,
      statement_timeout: Duration.toMillis(options.queryTimeout ?? defaultQueryTimeout),
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000
    }
    const pool = yield* Effect.acquireRelease(
      Effect.sync(() => {
        const pool = new pg.Pool({
          ...client,
          connectionTimeoutMillis: Duration.toMillis(options.acquireTimeout ?? defaultAcquireTimeout),
          max: options.maxConnections,
          idleTimeoutMillis: Duration.toMillis(options.idleTimeout)
        })
        // An idle connection whose server went away: the pool drops it, nothing else to do.
        pool.on("error", () => {})
        return pool
      }),
      (pool) => Effect.promise(() => pool.end()).pipe(Effect.timeoutOption(connectTimeout))
    )
    const breaker = failFastWhileSilent(pool)
    yield* Watchdog.watch(pool, {
      client,
      silence: options.connectTimeout,
      interval: probeInterval,
      onSilence: breaker.onSilence
    })
    yield* Effect.tryPromise({
      try: () => pool.query("SELECT 1"),
      catch: (cause) => new SqlError({ cause, message: "PgClient: Failed to connect" })
    }).pipe(
      Effect.timeoutFail({
        duration: options.connectTimeout,
        onTimeout: () =>
          new SqlError({ cause: new Error("Connection timed out"), message: "PgClient: Connection timed out" })
      })
    )
    return pool
  })

type ConnectCallback = (error: Error | undefined, client?: pg.PoolClient, release?: (error?: Error) => void) => void

/** Why a connection is refused while the server is silent (`57P03`, cannot connect now: a 503). */
const silentServer = () => Object.assign(new Error("Connection refused: PostgreSQL does not answer"), { code: "57P03" })

/**
 * Routes every `pool.connect` (the pool's own `query` uses it too) through a breaker: while the
 * watchdog finds the server silent, a request for a connection fails at once, and those already
 * waiting fail as the silence is noticed (a connection the pool hands them later goes back).
 */
const failFastWhileSilent = (pool: pg.Pool) => {
  let silent = false
  const waiting = new Set<(error: Error) => void>()
  const connect = pool.connect.bind(pool)
  const guarded = (callback: ConnectCallback) => {
    if (silent) return void process.nextTick(() => callback(silentServer()))
    let settled = false
    const fail = (error: Error) => {
      if (settled) return
      settled = true
      waiting.delete(fail)
      callback(error)
    }
    waiting.add(fail)
    connect((error, client, release) => {
      if (settled) return void (client !== undefined && release(error))
      settled = true
      waiting.delete(fail)
      callback(error, client, release)
    })
  }
  function patched(): Promise<pg.PoolClient>
  function patched(callback: ConnectCallback): void
  function patched(callback?: ConnectCallback): Promise<pg.PoolClient> | void {
    if (callback !== undefined) return guarded(callback)
    return new Promise((resolve, reject) =>
      guarded((error, client) => (error !== undefined || client === undefined ? reject(error) : resolve(client)))
    )
  }
  pool.connect = patched
  return {
    onSilence: (now: boolean) => {
      silent = now
      if (now) for (const fail of waiting) fail(silentServer())
    }
  }
}

/** See the module comment: a lost connection at COMMIT/ROLLBACK is a failure, not a defect. */
const failLostTransactions = (client: PgClient.PgClient): PgClient.PgClient => {
  const withTransaction = client.withTransaction
  return Object.assign(client, {
    withTransaction: <R, E, A>(effect: Effect.Effect<A, E, R>) =>
      withTransaction(effect).pipe(
        Effect.catchAllDefect((defect) => (defect instanceof SqlError ? Effect.fail(defect) : Effect.die(defect)))
      )
  })
}

/** A pool on `url` with explicit settings. */
export const layerFrom = (
  url: Redacted.Redacted<string>,
  options: PoolOptions
): Layer.Layer<PgClient.PgClient | SqlClient.SqlClient, SqlError> =>
  Layer.scopedContext(
    Effect.map(
      PgClient.fromPool({ acquire: makePool(url, options), applicationName: options.applicationName }),
      (client) => {
        const patched = failLostTransactions(client)
        return Context.make(PgClient.PgClient, patched).pipe(Context.add(SqlClient.SqlClient, patched))
      }
    )
  ).pipe(Layer.provide(Reactivity.layer))

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
