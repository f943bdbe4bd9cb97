/**
 * PostgreSQL for Shopvo: which database to use (`DATABASE_URL` or the embedded
 * server), the connection pool, and the application's migrations.
 */
export * as Database from "./Database.js"
export * as DatabaseUrl from "./DatabaseUrl.js"
export * as EmbeddedPostgres from "./EmbeddedPostgres.js"
export * as Migrations from "./Migrations.js"
export * as Sql from "./Sql.js"
