/**
 * The reference's two pagination modes, shared by every list.
 *
 * - Offset: `page` and `limit` (default 20, max 100; the spec validates both) with
 *   `pagination: { page, limit, total, totalPages }`.
 * - Cursor: `cursor` and `limit` with `{ cursor, hasNextPage, limit }`. The cursor is opaque
 *   (base64url of the last row's sort key), so a page is one index range scan whatever its depth,
 *   and rows inserted meanwhile never shift or repeat a page.
 */
import { Either } from "effect"
import * as ApiError from "./ApiError.js"

export interface Offset {
  readonly page: number
  readonly limit: number
  readonly offset: number
}

/**
 * The rows to skip for a page. The spec bounds `page` (at most 10,000,000) and `limit` (at most
 * 100), so the offset stays below 2^31 and is always a number PostgreSQL accepts.
 */
export const offset = (query: { readonly page?: number; readonly limit?: number }): Offset => {
  const page = query.page ?? 1
  const limit = query.limit ?? 20
  return { page, limit, offset: (page - 1) * limit }
}

/** The `pagination` object of an offset page. */
export const info = (page: Offset, total: number) => ({
  page: page.page,
  limit: page.limit,
  total,
  totalPages: Math.ceil(total / page.limit)
})

export const offsetPage = <A>(items: Array<A>, page: Offset, total: number) => ({
  status: 200 as const,
  body: { success: true as const, items, pagination: info(page, total) }
})

/**
 * Where a page ends: the last row's sort key, exactly as SQL produced it (for creation order,
 * `created_at` printed with microseconds — a JS `Date` would drop them), and its id, the
 * tie-breaker. Lists order by `(sort key, id)` and continue with `> (cursor.sortKey, cursor.id)`.
 */
export interface Position {
  readonly sortKey: string
  readonly id: string
}

/** SQL expression printing `created_at` exactly, for use as a `sortKey`. */
export const createdAtSortKey = `to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`

export const encodeCursor = (position: Position): string =>
  Buffer.from(JSON.stringify([position.sortKey, position.id])).toString("base64url")

const createdAtPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/

/**
 * Whether `text` is a `createdAtSortKey` naming a real instant. The shape alone is not enough:
 * PostgreSQL refuses month 13, February 31 or year 0000 with an error, so the date must survive
 * a round trip through `Date` (which parses milliseconds; the microseconds are digits already).
 */
export const isCreatedAt = (text: string): boolean => {
  if (!createdAtPattern.test(text) || text.startsWith("0000")) return false
  const date = new Date(`${text.slice(0, 23)}Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 19) === text.slice(0, 19)
}

/** Resource ids (`prd_…`, `b2b_…`): a lowercase prefix and base62, as `Ids.make` makes them and the tables check. */
const idPattern = /^[a-z][a-z0-9]*_[A-Za-z0-9]{1,60}$/

/**
 * Decodes a cursor; a tampered or foreign one is a 400, never a SQL error: the sort key must
 * satisfy `isSortKey` (by default a real creation time) and the id must be an id.
 */
export const decodeCursor = (
  cursor: string,
  isSortKey: (sortKey: string) => boolean = isCreatedAt
): Either.Either<Position, ApiError.ApiError> => {
  const invalid = Either.left(
    ApiError.badRequest("Invalid cursor", [{ path: "query.cursor", message: "is not a cursor this API issued" }])
  )
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"))
    if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== "string" || typeof value[1] !== "string")
      return invalid
    if (!isSortKey(value[0]) || !idPattern.test(value[1])) return invalid
    return Either.right({ sortKey: value[0], id: value[1] })
  } catch {
    return invalid
  }
}

/**
 * Builds the cursor envelope from `limit + 1` rows fetched after the position: the extra row
 * only says whether there is a next page.
 */
export const cursorPage = <A, B>(
  rows: ReadonlyArray<A>,
  limit: number,
  position: (row: A) => Position,
  toItem: (row: A) => B
) => {
  const hasNextPage = rows.length > limit
  const page = hasNextPage ? rows.slice(0, limit) : rows
  const last = page[page.length - 1]
  return {
    status: 200 as const,
    body: {
      success: true as const,
      items: page.map(toItem),
      cursor: hasNextPage && last ? encodeCursor(position(last)) : null,
      hasNextPage,
      limit
    }
  }
}
