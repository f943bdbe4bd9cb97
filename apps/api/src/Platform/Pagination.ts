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

/** Decodes a cursor; a tampered or foreign one is a 400, never a SQL error. */
export const decodeCursor = (
  cursor: string,
  sortKeyPattern: RegExp = createdAtPattern
): Either.Either<Position, ApiError.ApiError> => {
  const invalid = Either.left(
    ApiError.badRequest("Invalid cursor", [{ path: "query.cursor", message: "is not a cursor this API issued" }])
  )
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"))
    if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== "string" || typeof value[1] !== "string")
      return invalid
    if (!sortKeyPattern.test(value[0]) || value[1].length > 100) return invalid
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
