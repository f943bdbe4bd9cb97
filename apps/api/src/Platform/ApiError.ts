/**
 * The API's client-facing failures and their one mapping to HTTP.
 *
 * Every error body has the reference's shape, `{ error, code }` (plus `details` for validation),
 * whatever went wrong: a handler never builds an error response itself.
 */
import { Data } from "effect"

export interface Detail {
  readonly path: string
  readonly message: string
}

export class ApiError extends Data.TaggedError("ApiError")<{
  readonly status: 400 | 401 | 403 | 404 | 405 | 408 | 409 | 413 | 415 | 422 | 429 | 431 | 500 | 501 | 503
  readonly code: string
  readonly message: string
  readonly details?: ReadonlyArray<Detail>
  readonly headers?: Readonly<Record<string, string>>
}> {}

export const badRequest = (message: string, details?: ReadonlyArray<Detail>) =>
  new ApiError({ status: 400, code: "validation_error", message, ...(details ? { details } : {}) })

export const unauthorized = (message: string, code = "unauthorized") => new ApiError({ status: 401, code, message })

export const forbidden = (scope: string) =>
  new ApiError({ status: 403, code: "forbidden", message: `Missing required scope: ${scope}` })

export const notFound = (what: string) => new ApiError({ status: 404, code: "not_found", message: `${what} not found` })

export const conflict = (message: string, code = "conflict") => new ApiError({ status: 409, code, message })

export const payloadTooLarge = (message: string) => new ApiError({ status: 413, code: "payload_too_large", message })

export const unprocessable = (message: string, code: string) => new ApiError({ status: 422, code, message })

export const unavailable = (retryAfterSeconds: number) =>
  new ApiError({
    status: 503,
    code: "service_unavailable",
    message: "Service temporarily unavailable, retry shortly",
    headers: { "retry-after": String(retryAfterSeconds) }
  })

export const internal = () => new ApiError({ status: 500, code: "internal_error", message: "Internal server error" })

/** The JSON body of an error response. */
export const body = (error: ApiError) => ({
  error: error.message,
  code: error.code,
  ...(error.details ? { details: error.details } : {})
})
