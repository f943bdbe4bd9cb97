/**
 * The schema of the whole application, as numbered migrations in
 * `./migrations/` (`0001_platform.ts`, `0002_….ts`, each `export default` an
 * Effect using `SqlClient`), applied by `@effect/sql-pg`'s `PgMigrator`.
 *
 * Invariants:
 * - The directory is absolute and sits next to this module, so the same code
 *   loads `src/migrations/*.ts` under tsx and vitest and `dist/migrations/*.js`
 *   under node.
 * - All pending migrations apply in ONE transaction: a failing migration
 *   leaves the schema exactly as it was.
 * - Concurrent runs (several API processes starting at once) are serialised
 *   by a transaction-scoped advisory lock; the later ones find nothing to do.
 * - Applied migrations are never edited; a change is a new file.
 * - The pool's statement timeout does not apply to them.
 */
import { fileURLToPath, pathToFileURL } from "node:url"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { FileSystem } from "@effect/platform/FileSystem"
import * as PgMigrator from "@effect/sql-pg/PgMigrator"
import type * as PgClient from "@effect/sql-pg/PgClient"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect, Layer } from "effect"
import { migrations } from "./migrations/index.js"

/** Absolute path of the migrations folder beside this module (`src/` or `dist/`). */
export const directory: string = fileURLToPath(new URL("./migrations", import.meta.url))

/** The bookkeeping table (`@effect/sql`'s default name). */
export const table = "effect_sql_migrations"

// `0001_platform.ts` / `.js`; a name cannot contain dots, so `.d.ts` and `.js.map` never match.
const fileName = /^(\d+)_([^.]+)\.(js|ts)$/

// Arbitrary constant identifying "Shopvo schema migration" among advisory locks.
const lockKey = "7305845937029154"

/**
 * Loads the migrations in `dir`. Unlike `PgMigrator.fromFileSystem`, the
 * `import()` is issued from this module: under vitest only our own sources
 * are transformed, so an `import()` inside `@effect/sql` (node_modules) would
 * hand the `.ts` file to bare Node and fail.
 */
export const fromDirectory = (dir: string): PgMigrator.Loader<FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem
    const files = yield* fs
      .readDirectory(dir)
      .pipe(Effect.mapError((error) => new PgMigrator.MigrationError({ reason: "failed", message: error.message })))
    return files
      .flatMap((file): Array<PgMigrator.ResolvedMigration> => {
        const match = fileName.exec(file)
        if (match === null) return []
        const url = pathToFileURL(`${dir}/${file}`).href
        return [[Number(match[1]), match[2]!, Effect.promise(() => import(/* @vite-ignore */ url))]]
      })
      .sort(([a], [b]) => a - b)
  })

/** Applies every pending migration `loader` finds and returns the ones applied (`[id, name]`). */
const runWith = (
  loader: PgMigrator.Loader<FileSystem>
): Effect.Effect<
  ReadonlyArray<readonly [id: number, name: string]>,
  PgMigrator.MigrationError | SqlError,
  SqlClient.SqlClient | PgClient.PgClient
> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return yield* sql.withTransaction(
      Effect.gen(function* () {
        // A schema change on a large table may take far longer than DATABASE_QUERY_TIMEOUT allows a request.
        yield* sql`set local statement_timeout = 0`
        yield* sql`select pg_advisory_xact_lock(${sql.literal(lockKey)})`
        // Created here, under the lock, because the Migrator creates it outside
        // its transaction, where two first runs would race.
        yield* sql`create table if not exists ${sql(table)} (
          migration_id integer primary key,
          created_at timestamp with time zone not null default now(),
          name text not null
        )`
        return yield* PgMigrator.run({ loader, table })
      })
    )
  }).pipe(Effect.provide(NodeContext.layer))

/**
 * Applies every pending migration found in `dir` and returns the ones applied
 * (`[id, name]`), empty when the schema was already current.
 */
export const runFrom = (
  dir: string
): Effect.Effect<
  ReadonlyArray<readonly [id: number, name: string]>,
  PgMigrator.MigrationError | SqlError,
  SqlClient.SqlClient | PgClient.PgClient
> => runWith(fromDirectory(dir))

/**
 * Applies the application's pending migrations: the generated `migrations/index.ts`, which
 * imports every file of `directory` statically, so a bundled server carries its schema with it.
 */
export const run: Effect.Effect<
  ReadonlyArray<readonly [id: number, name: string]>,
  PgMigrator.MigrationError | SqlError,
  SqlClient.SqlClient | PgClient.PgClient
> = runWith(PgMigrator.fromRecord(migrations))

/** Runs `run` when built, logging what it applied. */
export const layer: Layer.Layer<never, PgMigrator.MigrationError | SqlError, SqlClient.SqlClient | PgClient.PgClient> =
  Layer.effectDiscard(
    Effect.flatMap(run, (applied) =>
      applied.length === 0
        ? Effect.logDebug("Database schema is current")
        : Effect.logInfo(`Applied migrations: ${applied.map(([id, name]) => `${id}_${name}`).join(", ")}`)
    )
  )
