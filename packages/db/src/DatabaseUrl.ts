/**
 * Which PostgreSQL to use: `DATABASE_URL` when it is set, otherwise the
 * embedded server (started for the lifetime of the layer).
 *
 * Invariants:
 * - `DATABASE_URL` must be a `postgres://` or `postgresql://` URL; anything
 *   else is a `ConfigError` naming the variable, never a connection attempt.
 *   An empty value counts as unset (as `DATABASE_URL=` in an env file means).
 * - The URL is `Redacted` everywhere; `describe` prints it without password.
 */
import { Config, ConfigError, Context, Effect, Either, Layer, Option, Redacted } from "effect"
import * as EmbeddedPostgres from "./EmbeddedPostgres.js"
import * as Url from "./internal/url.js"

/** The connection URL of the database the application uses. */
export class DatabaseUrl extends Context.Tag("@shopvo/db/DatabaseUrl")<DatabaseUrl, Redacted.Redacted<string>>() {}

/** `DATABASE_URL`, validated; `None` when unset or empty. */
export const config: Config.Config<Option.Option<Redacted.Redacted<string>>> = Config.option(
  Config.string("DATABASE_URL")
).pipe(
  Config.mapOrFail((value) => {
    if (Option.isNone(value) || value.value.trim() === "") return Either.right(Option.none())
    const trimmed = value.value.trim()
    return Either.match(Url.validate(trimmed), {
      onLeft: (message) => Either.left(ConfigError.InvalidData(["DATABASE_URL"], message)),
      onRight: () => Either.right(Option.some(Redacted.make(trimmed)))
    })
  })
)

/** Checks a URL string the way `DATABASE_URL` is checked; the error message never contains the value. */
export const validate = (value: string): Either.Either<Redacted.Redacted<string>, string> =>
  Either.map(Url.validate(value), () => Redacted.make(value))

/** The same server and credentials, another database. */
export const withDatabase: (url: Redacted.Redacted<string>, database: string) => Redacted.Redacted<string> =
  Url.withDatabase

/** The URL with its password masked, safe for logs. */
export const describe: (url: Redacted.Redacted<string>) => string = Url.describe

/**
 * `DATABASE_URL` if set; otherwise starts the embedded server configured by
 * `EmbeddedPostgres.config` and stops it when the layer is released. When the
 * embedded data directory is already served by another live Shopvo process
 * (e.g. the webhook worker beside the API), that server is shared instead.
 */
export const layer: Layer.Layer<DatabaseUrl, ConfigError.ConfigError | EmbeddedPostgres.EmbeddedPostgresError> =
  Layer.scoped(
    DatabaseUrl,
    Effect.gen(function* () {
      const fromEnv = yield* config
      if (Option.isSome(fromEnv)) {
        yield* Effect.logInfo(`Using PostgreSQL at ${Url.describe(fromEnv.value)} (DATABASE_URL)`)
        return fromEnv.value
      }
      const options = yield* EmbeddedPostgres.config
      return yield* EmbeddedPostgres.start(options).pipe(
        Effect.tap((server) =>
          Effect.logInfo(
            `Using embedded PostgreSQL on 127.0.0.1:${server.port}, data in ${server.dataDir}${
              server.initialised ? " (initialised now)" : ""
            }`
          )
        ),
        Effect.map((server) => server.url),
        Effect.catchTag("EmbeddedPostgresInUse", (inUse) =>
          Effect.logInfo(`Sharing the embedded PostgreSQL of process ${inUse.ownerPid} on port ${inUse.port}`).pipe(
            Effect.as(Url.withDatabase(inUse.url, options.database))
          )
        )
      )
    })
  )
