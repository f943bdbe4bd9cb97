/**
 * A fresh, migrated database per test layer (in practice: per test file), on
 * real PostgreSQL.
 *
 * Where the server comes from:
 * 1. `DATABASE_URL` when set (CI and machines with PostgreSQL): databases
 *    are created on that server, which needs the CREATEDB privilege.
 * 2. Otherwise the server that `globalSetup` started for the whole vitest run
 *    (it publishes its URL in `SHOPVO_TEST_ADMIN_URL`).
 * 3. Otherwise one embedded server per test process, shared by the layers of
 *    that process and stopped when the last is released.
 *
 * Each layer creates `shopvo_test_<random>`, migrates it, and drops it
 * `WITH (FORCE)` when released. The embedded test cluster lives in a temp
 * folder, on a free port, with durability off (its data is thrown away).
 */
import { randomBytes } from "node:crypto"
import { readdirSync, readFileSync } from "node:fs"
import * as fs from "node:fs/promises"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import * as PgClient from "@effect/sql-pg/PgClient"
import type { MigrationError } from "@effect/sql/Migrator"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Config, Context, Effect, Exit, Layer, Option, RcRef, Redacted, Scope } from "effect"
import type { ConfigError } from "effect"
import * as DatabaseUrl from "./DatabaseUrl.js"
import * as EmbeddedPostgres from "./EmbeddedPostgres.js"
import * as Migrations from "./Migrations.js"
import * as Sql from "./Sql.js"

/** The database a test layer created. */
export interface Info {
  /** `shopvo_test_…` */
  readonly name: string
  /** Its URL (e.g. to start an API server on it). */
  readonly url: Redacted.Redacted<string>
}

/** The test layer's database. */
export class TestDatabase extends Context.Tag("@shopvo/db/TestDatabase")<TestDatabase, Info>() {}

/** Where `globalSetup` publishes the shared server's maintenance-database URL. */
export const adminUrlVariable = "SHOPVO_TEST_ADMIN_URL"

const freePort = Effect.async<number, Error>((resume) => {
  const server = net.createServer()
  server.unref()
  server.once("error", (error) => resume(Effect.fail(error)))
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})

/** Starts a throw-away embedded server: temp data folder (removed afterwards), free port, no fsync. */
export const startEphemeralServer: Effect.Effect<
  EmbeddedPostgres.EmbeddedPostgres,
  EmbeddedPostgres.EmbeddedPostgresError,
  Scope.Scope
> = Effect.gen(function* () {
  const dir = yield* Effect.acquireRelease(
    Effect.promise(async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), "shopvo-pg-"))
      // mkdtemp makes it 0700; PostgreSQL runs as `postgres` when we are root and must enter it.
      await fs.chmod(dir, 0o755)
      return dir
    }),
    (dir) => Effect.promise(() => fs.rm(dir, { recursive: true, force: true }))
  )
  const port = yield* Effect.orDie(freePort)
  return yield* EmbeddedPostgres.start({
    dataDir: path.join(dir, "data"),
    port,
    database: "postgres",
    settings: { fsync: "off", synchronous_commit: "off", full_page_writes: "off" }
  }).pipe(Effect.catchTag("EmbeddedPostgresInUse", Effect.die))
})

/**
 * The pids of a running server: its postmaster (first line of `postmaster.pid`)
 * and the postmaster's children, read from `/proc` (Linux only). For tests that
 * stop the server (`SIGSTOP`) the way a frozen machine would.
 */
export const serverProcesses = (dataDir: string): Array<number> => {
  const postmaster = Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0])
  const children = readdirSync("/proc").flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return []
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8")
      // Field 4 is the parent pid; field 2 (the name) may contain spaces, so count from its ")".
      return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === postmaster ? [Number(entry)] : []
    } catch {
      return [] // exited meanwhile
    }
  })
  return [postmaster, ...children]
}

// One embedded server per process, alive while at least one layer uses it.
let processServer: RcRef.RcRef<EmbeddedPostgres.EmbeddedPostgres, EmbeddedPostgres.EmbeddedPostgresError> | undefined
const sharedServer = Effect.suspend(() => {
  if (processServer === undefined) {
    processServer = RcRef.make({ acquire: startEphemeralServer }).pipe(
      Scope.extend(Effect.runSync(Scope.make())),
      Effect.runSync
    )
  }
  return RcRef.get(processServer)
})

/** A URL on the server test databases are created on, connected to a database that always exists. */
const adminUrl: Effect.Effect<
  Redacted.Redacted<string>,
  ConfigError.ConfigError | EmbeddedPostgres.EmbeddedPostgresError,
  Scope.Scope
> = Effect.gen(function* () {
  const fromEnv = yield* DatabaseUrl.config
  if (Option.isSome(fromEnv)) return fromEnv.value
  const published = yield* Config.option(Config.redacted(adminUrlVariable))
  if (Option.isSome(published)) return published.value
  const server = yield* sharedServer
  return server.urlFor("postgres")
})

const withAdmin = <A>(
  url: Redacted.Redacted<string>,
  f: (sql: SqlClient.SqlClient) => Effect.Effect<A, SqlError>
): Effect.Effect<A, SqlError> =>
  Effect.flatMap(SqlClient.SqlClient, f).pipe(
    Effect.provide(PgClient.layer({ url, maxConnections: 1, applicationName: "shopvo-test-admin" }))
  )

const createDatabase = (admin: Redacted.Redacted<string>): Effect.Effect<string, SqlError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.gen(function* () {
      const name = `shopvo_test_${randomBytes(8).toString("hex")}`
      yield* withAdmin(admin, (sql) => sql`create database ${sql(name)}`)
      return name
    }),
    (name) =>
      withAdmin(admin, (sql) => sql`drop database if exists ${sql(name)} with (force)`).pipe(
        Effect.catchAllCause((cause) => Effect.logWarning(`Could not drop test database ${name}`, cause))
      )
  )

const makeLayer = <E>(
  prepare: (
    sql: Layer.Layer<PgClient.PgClient | SqlClient.SqlClient, SqlError>
  ) => Layer.Layer<PgClient.PgClient | SqlClient.SqlClient, E>
) =>
  Layer.unwrapScoped(
    Effect.gen(function* () {
      const admin = yield* adminUrl
      const name = yield* createDatabase(admin)
      const url = DatabaseUrl.withDatabase(admin, name)
      const pool = yield* Sql.poolConfig
      const sql = Sql.layerFrom(url, { ...pool, applicationName: "shopvo-test" })
      return Layer.mergeAll(
        Layer.succeed(TestDatabase, { name, url }),
        Layer.succeed(DatabaseUrl.DatabaseUrl, url),
        prepare(sql)
      )
    })
  )

/**
 * A fresh migrated database for this layer: provides `TestDatabase`,
 * `DatabaseUrl` (pointing at it), `SqlClient` and `PgClient`.
 */
export const layer: Layer.Layer<
  TestDatabase | DatabaseUrl.DatabaseUrl | SqlClient.SqlClient | PgClient.PgClient,
  ConfigError.ConfigError | EmbeddedPostgres.EmbeddedPostgresError | SqlError | MigrationError
> = makeLayer((sql) => Layer.effectDiscard(Migrations.run).pipe(Layer.provideMerge(sql)))

/** The same, left empty (no migrations applied): for testing migrations themselves. */
export const layerUnmigrated: Layer.Layer<
  TestDatabase | DatabaseUrl.DatabaseUrl | SqlClient.SqlClient | PgClient.PgClient,
  ConfigError.ConfigError | EmbeddedPostgres.EmbeddedPostgresError | SqlError
> = makeLayer((sql) => sql)

/**
 * For vitest's `globalSetup`: when `DATABASE_URL` is unset, starts ONE
 * embedded server for the whole run and publishes it to the test workers in
 * `SHOPVO_TEST_ADMIN_URL`; returns the teardown. Without it each test
 * process starts its own server (≈ 1.5 s each). Use it from a globalSetup file:
 * `import { TestDatabase } from "@shopvo/db/testing"; export default TestDatabase.globalSetup`.
 */
export const globalSetup = async (): Promise<() => Promise<void>> => {
  if ((process.env["DATABASE_URL"] ?? "").trim() !== "" || process.env[adminUrlVariable] !== undefined) {
    return async () => {}
  }
  const scope = Effect.runSync(Scope.make())
  const server = await Effect.runPromise(Scope.extend(startEphemeralServer, scope)).catch(async (error: unknown) => {
    await Effect.runPromise(Scope.close(scope, Exit.void))
    throw error
  })
  process.env[adminUrlVariable] = Redacted.value(server.urlFor("postgres"))
  return async () => {
    delete process.env[adminUrlVariable]
    await Effect.runPromise(Scope.close(scope, Exit.void))
  }
}
