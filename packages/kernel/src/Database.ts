/**
 * The repository boundary. A repository's SQL fails with `SqlError`; past the repository that
 * becomes either `DatabaseUnavailable` (PostgreSQL down, frozen, out of connections, a statement
 * cancelled by its timeout: the client may retry, the API answers 503) or a defect (anything else
 * is a bug: a 500, logged). Rows that do not decode to their schema are defects too.
 *
 * Services open transactions with `transaction`, so BEGIN and COMMIT failures cross the same
 * boundary; repositories never open one and run inside whatever transaction their caller opened.
 */
import { SqlClient, SqlError } from "@effect/sql"
import { Data, Effect, ParseResult } from "effect"

/** The database did not answer, or not in time: retry later. */
export class DatabaseUnavailable extends Data.TaggedError("DatabaseUnavailable")<{ readonly cause: unknown }> {
  override get message() {
    return "The database is unavailable"
  }
}

// Connection-level failures (PostgreSQL down, pool exhausted, admin shutdown, statement timeout)
// and a transaction PostgreSQL rolled back to break a deadlock or a serialization conflict (40P01,
// 40001: nothing was applied, the same request again can succeed) are worth a retry; anything else
// from the database is our bug.
const unavailableCodes =
  /^(08|57014|57P0|53300|40P01|40001)|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|timeout|terminat|Connection/i

export const isUnavailable = (error: SqlError.SqlError): boolean => {
  const cause: unknown = error.cause
  const field = (name: "code" | "message") =>
    typeof cause === "object" && cause !== null && name in cause ? String(Reflect.get(cause, name)) : ""
  return unavailableCodes.test(field("code")) || unavailableCodes.test(field("message") || error.message)
}

/** Turns `SqlError` into `DatabaseUnavailable` or a defect, and a row that fails to decode into a defect. */
export const boundary = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.catchIf(
    effect,
    (error): error is Extract<E, SqlError.SqlError | ParseResult.ParseError> =>
      error instanceof SqlError.SqlError || ParseResult.isParseError(error),
    (error) =>
      error instanceof SqlError.SqlError && isUnavailable(error)
        ? Effect.fail(new DatabaseUnavailable({ cause: error }))
        : Effect.die(error)
  )

/**
 * Runs `effect` in one transaction (a savepoint when one is already open), with BEGIN and COMMIT
 * failures crossing the boundary like any query's.
 */
export const transaction = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  boundary(Effect.flatMap(SqlClient.SqlClient, (sql) => sql.withTransaction(effect)))
