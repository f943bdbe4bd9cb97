/**
 * PostgreSQL connection URLs: building, validating, re-targeting and printing
 * them without their password.
 */
import { Either, Redacted } from "effect"

const schemes = new Set(["postgres:", "postgresql:"])

/** Checks that `value` is a `postgres://` or `postgresql://` URL; the message never repeats the value (it may hold a password). */
export const validate = (value: string): Either.Either<URL, string> => {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return Either.left(
      "must be a postgres:// or postgresql:// URL, e.g. postgres://user:password@localhost:5432/shopvo (got a value that is not a URL)"
    )
  }
  if (!schemes.has(url.protocol)) {
    return Either.left(
      `must be a postgres:// or postgresql:// URL, e.g. postgres://user:password@localhost:5432/shopvo (got a "${url.protocol}" URL)`
    )
  }
  return Either.right(url)
}

/** A TCP URL for the given credentials. */
export const make = (options: {
  readonly user: string
  readonly password: string
  readonly host: string
  readonly port: number
  readonly database: string
}): Redacted.Redacted<string> =>
  Redacted.make(
    `postgres://${encodeURIComponent(options.user)}:${encodeURIComponent(options.password)}@${options.host}:${options.port}/${encodeURIComponent(options.database)}`
  )

/** The same server and credentials, another database (query parameters such as `sslmode` are kept). */
export const withDatabase = (url: Redacted.Redacted<string>, database: string): Redacted.Redacted<string> => {
  const parsed = new URL(Redacted.value(url))
  parsed.pathname = `/${encodeURIComponent(database)}`
  return Redacted.make(parsed.toString())
}

/** The database a URL names, if any. */
export const databaseOf = (url: Redacted.Redacted<string>): string | undefined => {
  const name = decodeURIComponent(new URL(Redacted.value(url)).pathname.slice(1))
  return name === "" ? undefined : name
}

/** The URL with its password masked, for logs and messages. */
export const describe = (url: Redacted.Redacted<string>): string => {
  const parsed = new URL(Redacted.value(url))
  if (parsed.password !== "") parsed.password = "***"
  return parsed.toString()
}
