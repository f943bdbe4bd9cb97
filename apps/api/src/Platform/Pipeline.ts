/**
 * The path of every API request, as named steps composed in order:
 * request id (the edge's) → `authenticate` (Bearer key → site, mode, scopes) → `limit` (rate
 * limits) → `Body.read` (JSON, size-limited, UTF-8) → `verifySignature` (HMAC over those bytes) →
 * `authorize` (scope) → `validate` (input against the spec) → `execute` (Idempotency-Key, then the
 * handler) → JSON envelope.
 *
 * Handlers only see validated input and return a `Reply` or fail with an `ApiError`; everything
 * else that makes a response (error envelope, rate-limit headers) is here, once; the request id
 * header and the log line, common to every response, are the edge's (`Edge.ts`). No per-request
 * tracing span: the server disables it unless tracing is configured.
 */
import type { Operation, OperationId, Spec } from "@shopvo/contract"
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { SqlClient, type SqlError } from "@effect/sql"
import { Cause, Context, Effect, Either, Layer, Option } from "effect"
import { Database } from "@shopvo/kernel"
import { ApiConfig } from "../Config.js"
import * as ApiError from "./ApiError.js"
import * as Body from "./Body.js"
import { hasScope, Keys, type Principal } from "./Auth.js"
import * as Deprecation from "./Deprecation.js"
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
  /** The body's exact bytes, as a signature over them was computed (provider callbacks). */
  readonly rawBody: string
  /** The request's headers, lower-cased (the spec's header parameters were validated). */
  readonly headers: Readonly<Record<string, string | undefined>>
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

/** What the pipeline knows of a request before its steps run. */
interface Incoming<Id extends OperationId = OperationId> {
  readonly operation: Spec.Operation<Id>
  readonly request: HttpServerRequest.HttpServerRequest
  readonly requestId: string
  readonly params: Readonly<Record<string, string | undefined>>
  readonly siteId: string
  readonly search: URLSearchParams
}

/** The answer to a failed step: the error envelope, 503 for an unavailable database, 500 (logged) for a bug. */
const recover = (
  error: ApiError.ApiError | Database.DatabaseUnavailable | SqlError.SqlError
): Effect.Effect<Rendered> => {
  switch (error._tag) {
    case "ApiError":
      return Effect.succeed(renderError(error))
    case "DatabaseUnavailable":
      return Effect.as(
        Effect.logWarning("database unavailable").pipe(Effect.annotateLogs({ cause: String(error.cause) })),
        renderError(ApiError.unavailable(5))
      )
    case "SqlError":
      return Database.isUnavailable(error)
        ? Effect.as(
            Effect.logWarning("database unavailable").pipe(Effect.annotateLogs({ cause: error.message })),
            renderError(ApiError.unavailable(5))
          )
        : Effect.as(Effect.logError("database error", error), renderError(ApiError.internal()))
  }
}

const defect = (cause: Cause.Cause<unknown>): Effect.Effect<Rendered> =>
  Effect.as(Effect.logError("unhandled failure", Cause.pretty(cause)), renderError(ApiError.internal()))

const respond = (rendered: Rendered, headers: Readonly<Record<string, string>>) =>
  HttpServerResponse.text(rendered.body, {
    status: rendered.status,
    contentType: rendered.contentType,
    headers: { ...headers, ...rendered.headers }
  })

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

    // The steps of every request, in order. Each is a function of what the earlier steps
    // established; none keeps state between requests or shares it with another step.

    /** Auth: the Bearer key, for the site in the path (public operations have none). */
    const authenticate = (incoming: Incoming) =>
      incoming.operation.authenticated
        ? Effect.map(keys.authenticate(incoming.request.headers["authorization"], incoming.siteId), Option.some)
        : Effect.succeed(Option.none<Principal>())

    /** Rate limit: the key's plan and route limits, or the client address's for public operations. */
    const limit = (incoming: Incoming, principal: Option.Option<Principal>) =>
      limits.consume(
        Option.match(principal, {
          onSome: (key) => RateLimits.keyBuckets(key, incoming.operation.id, incoming.search),
          onNone: () => [
            {
              key: `ip:${incoming.request.remoteAddress.pipe(Option.getOrElse(() => "unknown"))}:${incoming.siteId}`,
              limit: RateLimits.publicLimitRpm
            }
          ]
        })
      )

    /** Signature: the HMAC over the raw body, when the key has a signing secret. */
    const verifySignature = (incoming: Incoming, principal: Option.Option<Principal>, raw: string) =>
      Option.match(
        Option.flatMap(principal, (key) => key.signingSecret),
        {
          onNone: () => Effect.void,
          onSome: (secret) =>
            withSql(
              Signatures.verify({
                header: incoming.request.headers["x-shopvo-signature"],
                body: raw,
                secret,
                tolerance: config.signatureTolerance,
                siteId: incoming.siteId,
                replayScope: Body.writes.has(incoming.request.method)
                  ? ""
                  : `${incoming.request.method} ${incoming.request.url}`
              })
            )
        }
      )

    /** Scope: the key holds every scope the operation names (`x-scopes`). */
    const authorize = (incoming: Incoming, principal: Option.Option<Principal>) => {
      const missing = Option.flatMap(principal, (key) =>
        Option.fromNullable(incoming.operation.scopes.find((scope) => !hasScope(key, scope)))
      )
      return Option.match(missing, { onNone: () => Effect.void, onSome: ApiError.forbidden })
    }

    /** Validation: path, query and body against the spec, typed for the handler. */
    const validate = <Id extends OperationId>(
      incoming: Incoming<Id>,
      principal: Option.Option<Principal>,
      raw: string
    ): Effect.Effect<Request<Id>, ApiError.ApiError> =>
      Effect.gen(function* () {
        // A CSV body (only where the spec takes one) is handed over as its text; the handler checks its rows.
        const csv =
          incoming.operation.acceptsCsv && raw !== "" && Body.isCsvMediaType(incoming.request.headers["content-type"])
        const body = csv ? undefined : yield* Body.parse(raw)
        const valid = validator.request(incoming.operation, {
          query: incoming.search,
          params: incoming.params,
          body,
          csv: csv ? yield* Body.text(raw) : undefined
        })
        if (!valid.ok) return yield* ApiError.badRequest("Request validation failed", valid.issues)
        const livemode = Option.match(principal, { onNone: () => true, onSome: (key) => key.livemode })
        return {
          operation: incoming.operation,
          principal: Option.getOrUndefined(principal),
          siteId: incoming.siteId,
          livemode,
          tenant: { siteId: incoming.siteId, livemode },
          params: valid.value.path,
          query: valid.value.query,
          body: valid.value.body,
          rawBody: raw,
          headers: incoming.request.headers,
          requestId: incoming.requestId
        }
      })

    /**
     * Idempotency and the handler: a write with an Idempotency-Key runs once; its response is
     * stored in the transaction of the handler's writes and replayed for the same request.
     */
    const execute = <Id extends OperationId, R>(
      incoming: Incoming<Id>,
      input: Request<Id>,
      raw: string,
      handler: Handler<Id, R>
    ) =>
      Effect.gen(function* () {
        const { request } = incoming
        const idempotencyKey = request.headers[Idempotency.headerName]
        if (idempotencyKey === undefined || !input.principal || !Body.writes.has(request.method)) {
          return render(yield* handler(input))
        }
        yield* Idempotency.validateKey(idempotencyKey)
        const scope: Idempotency.Scope = {
          apiKeyId: input.principal.keyId,
          siteId: incoming.siteId,
          livemode: input.principal.livemode,
          key: idempotencyKey,
          hash: Idempotency.requestHash(request.method, request.url, raw)
        }
        const claim = yield* withSql(Idempotency.claim(scope))
        if (claim._tag === "Replay") return { ...claim.response, headers: { "idempotent-replayed": "true" } }
        // The handler's writes (a savepoint, undone if it fails) and the stored response commit together.
        return yield* sql
          .withTransaction(
            Effect.gen(function* () {
              const outcome = yield* Effect.either(sql.withTransaction(handler(input)))
              // Only a client error is stored for replay; an outage or a bug is not an answer to keep.
              if (Either.isLeft(outcome) && (outcome.left._tag !== "ApiError" || outcome.left.status >= 500))
                return yield* outcome.left
              const rendered = Either.match(outcome, {
                onLeft: (error) => (error._tag === "ApiError" ? renderError(error) : renderError(ApiError.internal())),
                onRight: render
              })
              yield* withSql(Idempotency.complete(scope, rendered))
              return rendered
            })
          )
          .pipe(Effect.onError(() => withSql(Idempotency.release(scope))))
      })

    const serve = <Id extends OperationId, R>(operation: Spec.Operation<Id>, handler: Handler<Id, R>) =>
      Effect.gen(function* () {
        const request = yield* HttpServerRequest.HttpServerRequest
        const route = yield* HttpRouter.RouteContext
        const { requestId, annotate } = yield* CurrentRequest
        const query = request.url.indexOf("?")
        const incoming: Incoming<Id> = {
          operation,
          request,
          requestId,
          params: route.params,
          siteId: route.params["siteId"] ?? "",
          search: new URLSearchParams(query === -1 ? "" : request.url.slice(query + 1))
        }

        // Until the request is counted its answer has no rate-limit headers; after, every answer has them.
        const admitted = yield* Effect.either(
          Effect.flatMap(authenticate(incoming), (principal) =>
            Effect.map(limit(incoming, principal), (quota) => ({ principal, quota }))
          )
        )
        if (Either.isLeft(admitted))
          return respond(yield* recover(admitted.left), Deprecation.forOperation(operation.id))
        const { principal, quota } = admitted.right
        annotate({
          operation: operation.id,
          ...Option.match(principal, {
            onNone: () => ({}),
            onSome: (key) => ({ siteId: key.siteId, keyId: key.keyId })
          })
        })

        const rendered = yield* Effect.gen(function* () {
          const raw = yield* Body.read(request, config.maxBodySize, operation.acceptsCsv)
          yield* verifySignature(incoming, principal, raw)
          yield* authorize(incoming, principal)
          const input = yield* validate(incoming, principal, raw)
          const result = yield* execute(incoming, input, raw, handler)
          // A request that used a deprecated parameter or field is told so (the Deprecation header).
          const deprecation = Deprecation.forRequest(operation.id, incoming.search, raw)
          return { ...result, headers: { ...deprecation, ...result.headers } }
        }).pipe(Effect.catchAll(recover), Effect.catchAllCause(defect))
        return respond(rendered, { ...RateLimits.headers(quota), ...Deprecation.forOperation(operation.id) })
      })

    return { serve }
  })
)
