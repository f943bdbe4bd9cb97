/**
 * How the catalogue repositories read rows, the same for a plain row and for one PostgreSQL
 * builds as JSON: amounts (`bigint` minor units) are selected as text and decoded to safe
 * integers, timestamps are printed by PostgreSQL as the API shows them (ISO 8601, UTC,
 * milliseconds) and kept as that text. And how they recognise the refusal of a named unique constraint.
 */
import type { SqlError } from "@effect/sql"
import { Cause, Effect, Schema } from "effect"

/** A `bigint` minor-units column read as text: a safe integer, or the row fails to decode (a defect). */
export const Amount = Schema.compose(Schema.NumberFromString, Schema.Int)

/** SQL printing a `timestamptz` column as a `Timestamp`. */
export const iso = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`

/**
 * A timestamp as `iso` prints it, which is already the API's form. Kept as text: a list page
 * holds a hundred or more, and parsing each into a `Date` only to print it back was a third of
 * the page's decoding.
 */
export const Timestamp = Schema.String.pipe(Schema.pattern(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/))

/** `expr as "key"` for a select list, and `'key', expr` for `json_build_object`, from one list of pairs. */
export const selectList = (columns: ReadonlyArray<readonly [string, string]>): string =>
  columns.map(([key, expr]) => `${expr} as "${key}"`).join(", ")

export const jsonObject = (columns: ReadonlyArray<readonly [string, string]>): string =>
  `json_build_object(${columns.map(([key, expr]) => `'${key}', ${expr}`).join(", ")})`

/** Whether PostgreSQL refused the statement because of the unique index or constraint `name`. */
export const isUniqueViolation =
  (name: string) =>
  (error: SqlError.SqlError): boolean => {
    const cause: unknown = error.cause
    if (typeof cause !== "object" || cause === null) return false
    return Reflect.get(cause, "code") === "23505" && Reflect.get(cause, "constraint") === name
  }

/** For a statement that always returns a row (`SqlSchema.single`): no row is a bug, a defect. */
export const expectRow = <A, E, R>(
  effect: Effect.Effect<A, E | Cause.NoSuchElementException, R>
): Effect.Effect<A, Exclude<E, Cause.NoSuchElementException>, R> =>
  Effect.catchIf(
    effect,
    (error): error is Extract<E | Cause.NoSuchElementException, Cause.NoSuchElementException> =>
      Cause.isNoSuchElementException(error),
    Effect.die
  )
