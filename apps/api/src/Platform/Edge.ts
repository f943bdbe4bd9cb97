/**
 * The edge of the server: what holds for every request, routed or not, and for the requests Node
 * refuses before they exist.
 *
 * - Every request gets one request id (the client's `X-Request-Id` when it is short and plain,
 *   otherwise a UUID); every response carries it, and so does the request's log line.
 * - The path's percent-escapes must decode to UTF-8, and no escape may be NUL. They are checked
 *   here, once, before anything decodes them (the router, the spec matcher), so a bad escape is a
 *   400 and never a defect.
 * - Nothing escapes as a bare 500: a failure no route handled becomes the 500 envelope.
 * - Every request writes exactly one log line: INFO below 500, WARN for 503 (the database is
 *   away), ERROR for 500. It names no header, so never a key or a signature.
 * - What Node's HTTP parser refuses (headers over the size limit, a request line it cannot
 *   parse, a request that takes too long) is answered with the same envelope and logged too.
 */
import { Entropy } from "@shopvo/kernel"
import { HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { STATUS_CODES } from "node:http"
import type { Duplex } from "node:stream"
import { Cause, Context, Effect, LogLevel, Runtime } from "effect"
import * as ApiError from "./ApiError.js"

/** The request id, and what the route learns about the request for its log line. */
export interface CurrentRequestShape {
  readonly requestId: string
  /** Adds fields (operation, site, key id) to the request's log line. */
  readonly annotate: (fields: Readonly<Record<string, unknown>>) => void
}

export class CurrentRequest extends Context.Tag("@shopvo/api/CurrentRequest")<CurrentRequest, CurrentRequestShape>() {}

/** A client's X-Request-Id is echoed and logged only when it is short and plain; otherwise one is made. */
const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/
const requestIdOf = (request: HttpServerRequest.HttpServerRequest): string => {
  const presented = request.headers["x-request-id"]
  return presented !== undefined && requestIdPattern.test(presented) ? presented : Entropy.uuid()
}

/**
 * Whether every percent-escape of the path decodes, as UTF-8, the way the router and the spec
 * matcher decode each segment. `decodeURIComponent` refuses malformed escapes (`%zz`), bytes that
 * are not UTF-8 (`%ff`), overlong forms (`%C0%AF`) and surrogates (`%ED%A0%80`).
 */
const pathDecodes = (url: string): boolean => {
  const end = url.search(/[?#]/)
  const path = end === -1 ? url : url.slice(0, end)
  if (!path.includes("%")) return true
  try {
    decodeURIComponent(path)
    return true
  } catch {
    return false
  }
}

/** An error as a response, with the envelope and the error's own headers. */
export const errorResponse = (error: ApiError.ApiError) =>
  HttpServerResponse.unsafeJson(ApiError.body(error), { status: error.status, headers: error.headers ?? {} })

const levelOf = (status: number): LogLevel.LogLevel =>
  status === 500 ? LogLevel.Error : status >= 500 ? LogLevel.Warning : LogLevel.Info

// Enough of a path to recognise it; the rest of a hostile 16 KB URL stays out of the logs.
const loggedPath = (url: string) => url.split("?")[0]!.slice(0, 200)

const badPath = ApiError.badRequest("The URL path holds a percent-escape that is not valid UTF-8")

// `%00` in the path or query decodes to NUL, which PostgreSQL text cannot hold: refused before any
// step could carry it into a query (the site id of the path is the first to reach one).
const nulInUrl = /%00/i
const nul = ApiError.badRequest("URLs must not contain NUL characters (%00)")

/** What is wrong with the URL before routing, if anything. */
const urlProblem = (url: string): ApiError.ApiError | undefined =>
  !pathDecodes(url) ? badPath : nulInUrl.test(url) ? nul : undefined

/**
 * Wraps the routed app with the rules above. The app may use `CurrentRequest`; the result needs
 * only the request.
 */
export const serve = <E, R>(
  app: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>
): Effect.Effect<
  HttpServerResponse.HttpServerResponse,
  never,
  Exclude<R, CurrentRequest> | HttpServerRequest.HttpServerRequest
> =>
  Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    const started = performance.now()
    const requestId = requestIdOf(request)
    const fields: Record<string, unknown> = {}
    const current: CurrentRequestShape = { requestId, annotate: (more) => Object.assign(fields, more) }

    const problem = urlProblem(request.url)
    const routed = problem === undefined ? app : Effect.succeed(errorResponse(problem))
    const response = yield* routed.pipe(
      Effect.provideService(CurrentRequest, current),
      Effect.catchAllCause((cause) =>
        Effect.as(Effect.logError("unhandled failure", Cause.pretty(cause)), errorResponse(ApiError.internal()))
      )
    )
    yield* Effect.logWithLevel(levelOf(response.status), "request").pipe(
      Effect.annotateLogs({
        requestId,
        method: request.method,
        path: loggedPath(request.url),
        status: response.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        ...fields
      })
    )
    return HttpServerResponse.setHeader(response, "x-request-id", requestId)
  })

/** What Node's parser reports, as the status and error the client gets. */
const refusalOf = (code: string | undefined): ApiError.ApiError => {
  switch (code) {
    case "HPE_HEADER_OVERFLOW":
      return new ApiError.ApiError({
        status: 431,
        code: "headers_too_large",
        message: "The request headers (the URL included) are larger than the server accepts"
      })
    case "HPE_CHUNK_EXTENSIONS_OVERFLOW":
      return ApiError.payloadTooLarge("The request's chunk extensions are too large")
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return new ApiError.ApiError({
        status: 408,
        code: "request_timeout",
        message: "The request was not received in time"
      })
    default:
      return new ApiError.ApiError({
        status: 400,
        code: "malformed_request",
        message: "The request is not valid HTTP (its request line or a header cannot be parsed)"
      })
  }
}

const clientLeft = new Set(["ECONNRESET", "HPE_INVALID_EOF_STATE"])

// How long a refused connection stays open for the client to read the answer: closing at once,
// while the client is still sending, would reset the connection before it reads the response.
const lingerMs = 2_000

/**
 * A `clientError` listener for Node's HTTP server: answers what the parser refused with the error
 * envelope and a request id, logs it like any request, and closes the connection.
 */
export const onClientError =
  (runtime: Runtime.Runtime<never>) =>
  (error: Error & { readonly code?: string }, socket: Duplex): void => {
    // Once answered, the rest of the connection's bytes (a refused request's body) keep failing
    // to parse: they are read and dropped until the client closes, or the linger ends.
    if (socket.writableEnded) return
    // A client that went away (a reset, or a close halfway through a request) gets no answer.
    if (clientLeft.has(error.code ?? "") || !socket.writable) return void socket.destroy()
    const refusal = refusalOf(error.code)
    const requestId = Entropy.uuid()
    const body = JSON.stringify(ApiError.body(refusal))
    socket.end(
      `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}\r\n` +
        "Content-Type: application/json\r\n" +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${requestId}\r\n` +
        "Connection: close\r\n\r\n" +
        body
    )
    setTimeout(() => socket.destroy(), lingerMs).unref()
    Runtime.runFork(runtime)(
      Effect.logWithLevel(levelOf(refusal.status), "request").pipe(
        Effect.annotateLogs({ requestId, status: refusal.status, code: refusal.code, reason: error.code })
      )
    )
  }
