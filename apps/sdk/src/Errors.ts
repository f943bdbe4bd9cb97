/**
 * What a failed call throws: `ShopvoError` when the API answered with an error (its status, its
 * machine-readable `code`, field `details` and the `X-Request-Id` to quote), `ShopvoConnectionError`
 * when no answer arrived (network failure, timeout, abort) after the retries.
 */
import type { ErrorCode } from "./generated/types.gen.js"

/** A field-level problem of a `validation_error` (and the missing fields of an `illegal_transition`). */
export interface ErrorDetail {
  readonly path: string
  readonly message: string
}

export class ShopvoError extends Error {
  override readonly name = "ShopvoError"
  /** The HTTP status (400, 401, 403, 404, 409, 422, 429, 5xx). */
  readonly status: number
  /** The `ErrorCode` to branch on (never on the message); `unknown_error` when the body was not the envelope. */
  readonly code: ErrorCode | "unknown_error"
  readonly details: ReadonlyArray<ErrorDetail>
  /** The response's `X-Request-Id`: quote it when reporting a problem. */
  readonly requestId: string | undefined
  /** Seconds to wait before trying again, from `Retry-After` (429, 503). */
  readonly retryAfter: number | undefined

  constructor(options: {
    readonly status: number
    readonly code: ErrorCode | "unknown_error"
    readonly message: string
    readonly details?: ReadonlyArray<ErrorDetail>
    readonly requestId?: string | undefined
    readonly retryAfter?: number | undefined
  }) {
    super(options.message)
    this.status = options.status
    this.code = options.code
    this.details = options.details ?? []
    this.requestId = options.requestId
    this.retryAfter = options.retryAfter
  }
}

export class ShopvoConnectionError extends Error {
  override readonly name = "ShopvoConnectionError"
  constructor(message: string, options?: { readonly cause?: unknown }) {
    super(message, options)
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null

const detailsOf = (value: unknown): ReadonlyArray<ErrorDetail> =>
  Array.isArray(value)
    ? value.flatMap((item) =>
        isRecord(item) && typeof item["message"] === "string"
          ? [{ path: typeof item["path"] === "string" ? item["path"] : "", message: item["message"] }]
          : []
      )
    : []

/** `Retry-After` in seconds: a number of seconds or an HTTP date; undefined when absent or unreadable. */
export const retryAfterSeconds = (header: string | null, now: number = Date.now()): number | undefined => {
  if (header === null || header.trim() === "") return undefined
  const seconds = Number(header)
  if (Number.isFinite(seconds)) return Math.max(0, seconds)
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000)
}

/** The error a non-2xx response stands for, read from the error envelope `{ error, code, details? }`. */
export const fromResponse = (response: Response, body: unknown): ShopvoError => {
  const envelope = isRecord(body) ? body : {}
  const code = typeof envelope["code"] === "string" ? (envelope["code"] as ErrorCode) : "unknown_error"
  const message =
    typeof envelope["error"] === "string"
      ? envelope["error"]
      : `HTTP ${response.status}${typeof body === "string" && body !== "" ? `: ${body.slice(0, 200)}` : ""}`
  return new ShopvoError({
    status: response.status,
    code,
    message,
    details: detailsOf(envelope["details"]),
    requestId: response.headers.get("x-request-id") ?? undefined,
    retryAfter: retryAfterSeconds(response.headers.get("retry-after"))
  })
}
