/**
 * The path of every API request, in the order ARCHITECTURE.md gives:
 * request id (the edge's) → auth (Bearer key → site, mode, scopes) → rate limit → the raw body
 * (JSON, size-limited, UTF-8) → HMAC over it → scope → input validated against the spec →
 * Idempotency-Key → handler → JSON envelope.
 *
 * Handlers only see validated input and return a `Reply` or fail with an `ApiError`; everything
 * else that makes a response (error envelope, rate-limit headers) is here, once; the request id
 * header and the log line, common to every response, are the edge's (`Edge.ts`). No per-request
 * tracing span: the server disables it unless tracing is configured.
 */
import type { Operation, OperationId, Spec } from "@shopvo/contract"
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { NodeHttpServerRequest } from "@effect/platform-node"
import { SqlClient, type SqlError } from "@effect/sql"
import type { IncomingMessage } from "node:http"
import { Cause, Context, Effect, Either, Layer, Option } from "effect"
import { Database } from "@shopvo/kernel"
import { ApiConfig } from "../Config.js"
import * as ApiError from "./ApiError.js"
import { hasScope, Keys, type Principal } from "./Auth.js"
import { CurrentRequest } from "./Edge.js"
import type { Reply } from "./Envelope.js"
import * as Idempotency from "./Idempotency.js"
import * as RateLimits from "./RateLimits.js"
import * as Signatures from "./Signatures.js"
import type { Tenant } from "@shopvo/kernel"
import { ContractValidator } from "./Validation.js"

/** What a handler of operation `Id` gets: the request, validated and typed by the spec, and who made it. */
export interface Request<Id extends OperationId = OperationId> {
  readonly operation: Spec.Operation<Id>
  /** The caller's key; `undefined` only on public operations (`promotions.validate`). */
  readonly principal: Principal | undefined
  readonly siteId: string
  /** Test keys see test data (`livemode = false`); public operations act on live data. */
  readonly livemode: boolean
  /** `siteId` and `livemode` together: what every repository query is scoped by. */
  readonly tenant: Tenant
  readonly params: Operation.Path<Id>
  readonly query: Operation.Query<Id>
  readonly body: Operation.Body<Id>
  readonly requestId: string
}

/**
 * The handler of operation `Id`: it answers with one of the statuses and bodies the spec declares for
 * it (anything else does not compile), or fails with a client error, or with a database error the
 * pipeline maps to 503/500.
 */
export type Handler<Id extends OperationId, R = never> = (
  request: Request<Id>
) => Effect.Effect<Operation.Reply<Id>, ApiError.ApiError | Database.DatabaseUnavailable | SqlError.SqlError, R>

/** The bytes of a response, ready to send (and to store for idempotent replay). */
interface Rendered {
  readonly status: number
  readonly contentType: string
  readonly body: string
  readonly headers: Readonly<Record<string, string>>
}

const json = "application/json"
const writes = new Set(["POST", "PATCH", "DELETE", "PUT"])

const render = (reply: Reply): Rendered => ({
  status: reply.status,
  contentType: json,
  body: JSON.stringify(reply.body),
  headers: reply.headers ?? {}
})

const renderError = (error: ApiError.ApiError): Rendered => ({
  status: error.status,
  contentType: json,
  body: JSON.stringify(ApiError.body(error)),
  headers: error.headers ?? {}
})

const malformed = (message: string) => new ApiError.ApiError({ status: 400, code: "malformed_json", message })

/** `application/json` or `application/*+json`, in UTF-8 (the only charset a JSON body may declare). */
const isJsonMediaType = (contentType: string | undefined): boolean => {
  const [type = "", ...parameters] = (contentType ?? "").split(";").map((part) => part.trim().toLowerCase())
  const json = type === "application/json" || /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(type)
  return json && parameters.every((p) => !p.startsWith("charset=") || /^charset="?utf-8"?$/.test(p))
}

const unsupportedMediaType = new ApiError.ApiError({
  status: 415,
  code: "unsupported_media_type",
  message: "A request body must be JSON, sent as Content-Type: application/json"
})

const tooLarge = (maxBodySize: number) =>
  ApiError.payloadTooLarge(`The request body is larger than ${maxBodySize} bytes`)

/**
 * Collects the body's bytes as they stream, and stops at the first chunk that takes it past
 * `limit`. Past the limit it keeps no more data: Node discards the rest.
 */
const collect = (source: IncomingMessage, limit: number) =>
  Effect.async<Buffer, ApiError.ApiError>((resume) => {
    const chunks: Array<Buffer> = []
    let size = 0
    const stop = () => {
      source.off("data", onData)
      source.off("end", onEnd)
      source.off("error", onError)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size <= limit) return void chunks.push(chunk)
      stop()
      resume(Effect.fail(tooLarge(limit)))
    }
    const onEnd = () => {
      stop()
      resume(Effect.succeed(Buffer.concat(chunks, size)))
    }
    const onError = () => {
      stop()
      resume(Effect.fail(ApiError.badRequest("The request body could not be read")))
    }
    source.on("data", onData)
    source.on("end", onEnd)
    source.on("error", onError)
    return Effect.sync(stop)
  })

const utf8 = new TextDecoder("utf-8", { fatal: true })

/**
 * Reads, once, the raw body the signature covers; handlers get it parsed. A body must be JSON
 * (415) of at most `maxBodySize` bytes (413): a larger Content-Length is refused before reading,
 * and a chunked body is counted while it streams, so a large body never sits in memory. Bytes
 * that are not UTF-8 are refused rather than stored as U+FFFD.
 */
const readBody = (
  request: HttpServerRequest.HttpServerRequest,
  maxBodySize: number
): Effect.Effect<string, ApiError.ApiError> => {
  const length = request.headers["content-length"]
  const hasBody = (length !== undefined && length !== "0") || request.headers["transfer-encoding"] !== undefined
  if (!writes.has(request.method) || !hasBody) return Effect.succeed("")
  if (!isJsonMediaType(request.headers["content-type"])) return Effect.fail(unsupportedMediaType)
  if (length !== undefined && Number(length) > maxBodySize) return Effect.fail(tooLarge(maxBodySize))
  return Effect.flatMap(collect(NodeHttpServerRequest.toIncomingMessage(request), maxBodySize), (bytes) =>
    Effect.try({
      try: () => utf8.decode(bytes),
      catch: () => malformed("The request body is not valid UTF-8")
    })
  )
}

/** Deeper JSON is refused before parsing: validating it recursively would exhaust the stack. */
const maxJsonDepth = 64

/** Whether `raw` nests arrays and objects deeper than `limit`; one pass, no recursion. */
const nestsDeeperThan = (raw: string, limit: number): boolean => {
  let depth = 0
  let inString = false
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i)
    if (inString) {
      // A backslash escapes the next character, so an escaped quote does not end the string.
      if (c === 0x5c) i++
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true
    } else if (c === 0x7d || c === 0x5d) depth--
  }
  return false
}

/** The JSON pointer of the first string (or key) holding a NUL character, if any. */
const findNul = (value: unknown, path = ""): string | undefined => {
  if (typeof value === "string") return value.includes("\u0000") ? path || "/" : undefined
  if (typeof value !== "object" || value === null) return undefined
  for (const [key, child] of Object.entries(value)) {
    const at = `${path}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`
    if (key.includes("\u0000")) return at
    const found = findNul(child, at)
    if (found !== undefined) return found
  }
  return undefined
}

/**
 * Parses the body. NUL characters are refused here, for every route: PostgreSQL text cannot
 * store them, so they would otherwise surface as a database error (500) wherever they reach SQL.
 */
const parseJson = (raw: string): Either.Either<unknown, ApiError.ApiError> => {
  if (raw === "") return Either.right(undefined)
  if (nestsDeeperThan(raw, maxJsonDepth))
    return Either.left(malformed(`The request body nests objects and arrays deeper than ${maxJsonDepth} levels`))
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    return Either.left(malformed("The request body is not valid JSON"))
  }
  // Only a body spelling \u0000 can hold a NUL (JSON forbids the raw control character).
  const nul = raw.includes("\\u0000") ? findNul(value) : undefined
  if (nul !== undefined) {
    return Either.left(
      ApiError.badRequest("Strings must not contain NUL characters", [
        { path: nul, message: "must not contain NUL characters" }
      ])
    )
  }
  return Either.right(value)
}

/** `%00` in the path or query decodes to NUL: refused for the same reason as in bodies. */
const nulInUrl = /%00/i

export class Pipeline extends Context.Tag("@shopvo/api/Pipeline")<
  Pipeline,
  {
    /** Serves one operation of the spec with its handler. */
    readonly serve: <Id extends OperationId, R>(
      operation: Spec.Operation<Id>,
      handler: Handler<Id, R>
    ) => Effect.Effect<
      HttpServerResponse.HttpServerResponse,
      never,
      R | HttpServerRequest.HttpServerRequest | HttpRouter.RouteContext | CurrentRequest
    >
  }
>() {}

export const layer = Layer.effect(
  Pipeline,
  Effect.gen(function* () {
    const keys = yield* Keys
    const limits = yield* RateLimits.RateLimits
    const validator = yield* ContractValidator
    const config = yield* ApiConfig
    const sql = yield* SqlClient.SqlClient
    // The platform's own queries (replay check, idempotency) use the pipeline's client.
    const withSql = Effect.provideService(SqlClient.SqlClient, sql)

    const serve = <Id extends OperationId, R>(operation: Spec.Operation<Id>, handler: Handler<Id, R>) =>
      Effect.gen(function* () {
        const request = yield* HttpServerRequest.HttpServerRequest
        const route = yield* HttpRouter.RouteContext
        const { requestId, annotate } = yield* CurrentRequest
        const siteId = route.params["siteId"] ?? ""
        const search = new URLSearchParams(
          request.url.includes("?") ? request.url.slice(request.url.indexOf("?") + 1) : ""
        )
        let quota: RateLimits.Quota | undefined
        let principal: Principal | undefined

        const process: Effect.Effect<
          Rendered,
          ApiError.ApiError | Database.DatabaseUnavailable | SqlError.SqlError,
          R
        > = Effect.gen(function* () {
          if (operation.authenticated) principal = yield* keys.authenticate(request.headers["authorization"], siteId)

          quota = yield* limits.consume(
            principal
              ? RateLimits.keyBuckets(principal, operation.id, search)
              : [
                  {
                    key: `ip:${request.remoteAddress.pipe(Option.getOrElse(() => "unknown"))}:${siteId}`,
                    limit: RateLimits.publicLimitRpm
                  }
                ]
          )

          const raw = yield* readBody(request, config.maxBodySize)
          if (principal && Option.isSome(principal.signingSecret)) {
            yield* withSql(
              Signatures.verify({
                header: request.headers["x-shopvo-signature"],
                body: raw,
                secret: principal.signingSecret.value,
                tolerance: config.signatureTolerance,
                siteId,
                replayScope: writes.has(request.method) ? "" : `${request.method} ${request.url}`
              })
            )
          }
          if (principal) {
            const missing = operation.scopes.find((scope) => !hasScope(principal!, scope))
            if (missing !== undefined) return yield* ApiError.forbidden(missing)
          }

          if (nulInUrl.test(request.url))
            return yield* ApiError.badRequest("URLs must not contain NUL characters (%00)")
          const body = yield* parseJson(raw)
          const valid = validator.request(operation, {
            query: search,
            params: route.params,
            body
          })
          if (!valid.ok) return yield* ApiError.badRequest("Request validation failed", valid.issues)

          const input: Request<Id> = {
            operation,
            principal,
            siteId,
            livemode: principal?.livemode ?? true,
            tenant: { siteId, livemode: principal?.livemode ?? true },
            params: valid.value.path,
            query: valid.value.query,
            body: valid.value.body,
            requestId
          }

          const idempotencyKey = request.headers[Idempotency.headerName]
          if (idempotencyKey === undefined || !principal || !writes.has(request.method)) {
            return render(yield* handler(input))
          }
          yield* Idempotency.validateKey(idempotencyKey)
          const scope: Idempotency.Scope = {
            apiKeyId: principal.keyId,
            siteId,
            livemode: principal.livemode,
            key: idempotencyKey,
            hash: Idempotency.requestHash(request.method, request.url, raw)
          }
          const claim = yield* withSql(Idempotency.claim(scope))
          if (claim._tag === "Replay") {
            return { ...claim.response, headers: { "idempotent-replayed": "true" } }
          }
          // The handler's writes (a savepoint, undone if it fails) and the stored response commit together.
          return yield* sql
            .withTransaction(
              Effect.gen(function* () {
                const outcome = yield* Effect.either(sql.withTransaction(handler(input)))
                // Only a client error is stored for replay; an outage or a bug is not an answer to keep.
                if (Either.isLeft(outcome) && (outcome.left._tag !== "ApiError" || outcome.left.status >= 500))
                  return yield* outcome.left
                const rendered = Either.match(outcome, {
                  onLeft: (error) =>
                    error._tag === "ApiError" ? renderError(error) : renderError(ApiError.internal()),
                  onRight: render
                })
                yield* withSql(Idempotency.complete(scope, rendered))
                return rendered
              })
            )
            .pipe(Effect.onError(() => withSql(Idempotency.release(scope))))
        })

        const rendered = yield* process.pipe(
          Effect.catchTags({
            ApiError: (error) => Effect.succeed(renderError(error)),
            DatabaseUnavailable: (error) =>
              Effect.as(
                Effect.logWarning("database unavailable").pipe(Effect.annotateLogs({ cause: String(error.cause) })),
                renderError(ApiError.unavailable(5))
              ),
            SqlError: (error) =>
              Database.isUnavailable(error)
                ? Effect.as(
                    Effect.logWarning("database unavailable").pipe(Effect.annotateLogs({ cause: error.message })),
                    renderError(ApiError.unavailable(5))
                  )
                : Effect.as(Effect.logError("database error", error), renderError(ApiError.internal()))
          }),
          Effect.catchAllCause((cause) =>
            Effect.as(Effect.logError("unhandled failure", Cause.pretty(cause)), renderError(ApiError.internal()))
          )
        )

        annotate({
          operation: operation.id,
          ...(principal ? { siteId: principal.siteId, keyId: principal.keyId } : {})
        })
        return HttpServerResponse.text(rendered.body, {
          status: rendered.status,
          contentType: rendered.contentType,
          headers: { ...(quota ? RateLimits.headers(quota) : {}), ...rendered.headers }
        })
      })

    return { serve }
  })
)
