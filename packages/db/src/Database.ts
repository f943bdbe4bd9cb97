/**
 * The database as an application composes it, in one layer: the URL
 * (`DATABASE_URL`, or the embedded server started for the layer's lifetime),
 * the pool, and the schema migrated to the latest version before anything
 * else runs.
 *
 * Build it before the HTTP server layer: platform-node starts listening when
 * its layer is built, and requests arriving before the database is ready would
 * otherwise wait.
 */
import type * as PgClient from "@effect/sql-pg/PgClient"
import type { MigrationError } from "@effect/sql/Migrator"
import type * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Layer } from "effect"
import type { ConfigError } from "effect"
import * as DatabaseUrl from "./DatabaseUrl.js"
import type { EmbeddedPostgresError } from "./EmbeddedPostgres.js"
import * as Migrations from "./Migrations.js"
import * as Sql from "./Sql.js"

/** URL resolution, pool and migrations; provides `SqlClient`, `PgClient` and `DatabaseUrl`. */
export const layer: Layer.Layer<
  SqlClient.SqlClient | PgClient.PgClient | DatabaseUrl.DatabaseUrl,
  ConfigError.ConfigError | EmbeddedPostgresError | SqlError | MigrationError
> = Migrations.layer.pipe(Layer.provideMerge(Sql.layer), Layer.provideMerge(DatabaseUrl.layer))

/** URL resolution and pool without migrating (e.g. for a `migrate` command that reports what it applied). */
export const layerUnmigrated: Layer.Layer<
  SqlClient.SqlClient | PgClient.PgClient | DatabaseUrl.DatabaseUrl,
  ConfigError.ConfigError | EmbeddedPostgresError | SqlError
> = Sql.layer.pipe(Layer.provideMerge(DatabaseUrl.layer))
