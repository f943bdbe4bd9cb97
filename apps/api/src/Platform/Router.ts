/**
 * The HTTP router, built from the spec: every operation of `spec/` becomes a route at its own
 * method and path, served by the handler registered under its `operationId`. Paths are written in
 * the spec and nowhere else. An operation without a handler answers 501; a path the spec does not
 * have answers 404, and a known path with another method 405, both with the error envelope.
 */
import { type OperationId, Spec } from "@shopvo/contract"
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import type { HttpMethod } from "@effect/platform/HttpMethod"
import { SqlClient } from "@effect/sql"
import { Duration, Effect } from "effect"
import * as ApiError from "./ApiError.js"
import * as Docs from "./Docs.js"
import { type CurrentRequest, errorResponse } from "./Edge.js"
import { type Handler, Pipeline } from "./Pipeline.js"

/** Handlers by operationId; each is typed by its own operation. */
export type Handlers<R> = { readonly [Id in OperationId]?: Handler<Id, R> }

const toRouterPath = (template: string) => template.replace(/\{([^}]+)\}/g, ":$1") as HttpRouter.PathInput

const notImplemented =
  <Id extends OperationId>(): Handler<Id> =>
  (request) =>
    Effect.fail(
      new ApiError.ApiError({
        status: 501,
        code: "not_implemented",
        message: `${request.operation.id} is not implemented yet`
      })
    )

/** 404 or 405 for a request no route took. */
const unmatched = Effect.gen(function* () {
  const request = yield* HttpServerRequest.HttpServerRequest
  const path = request.url.split("?")[0]!
  const found = Spec.match(request.method, path)
  if (found && "allowed" in found) {
    return errorResponse(
      new ApiError.ApiError({
        status: 405,
        code: "method_not_allowed",
        message: `${request.method} is not allowed on ${path}`,
        headers: { allow: found.allowed.join(", ") }
      })
    )
  }
  return errorResponse(
    new ApiError.ApiError({ status: 404, code: "not_found", message: `No route for ${request.method} ${path}` })
  )
})

/**
 * Liveness: the process answers. Readiness: the database answers `select 1` within 1.5 s, so the
 * probe itself answers within 2 s (disconnected: cancelling a query on a silent server takes longer).
 */
const health = HttpRouter.empty.pipe(
  HttpRouter.get("/healthz", HttpServerResponse.unsafeJson({ status: "ok" })),
  HttpRouter.get(
    "/readyz",
    Effect.flatMap(SqlClient.SqlClient, (sql) => sql`select 1`).pipe(
      Effect.disconnect,
      Effect.timeoutFail({ duration: Duration.millis(1500), onTimeout: () => "timeout" }),
      Effect.as(HttpServerResponse.unsafeJson({ status: "ready" })),
      Effect.orElseSucceed(() =>
        HttpServerResponse.unsafeJson(
          { error: "The database is not reachable", code: "service_unavailable" },
          { status: 503, headers: { "retry-after": "5" } }
        )
      )
    )
  )
)

export const make = <R>(handlers: Handlers<R>) =>
  Effect.gen(function* () {
    const pipeline = yield* Pipeline
    // Generic over one operation, so its handler is looked up with that operation's own type.
    const serve = <Id extends OperationId>(operation: Spec.Operation<Id>) =>
      pipeline.serve(operation, handlers[operation.id] ?? notImplemented<Id>())

    let router: HttpRouter.HttpRouter<never, R | SqlClient.SqlClient | CurrentRequest> = HttpRouter.concat(
      health,
      Docs.router
    )
    for (const operation of Spec.operations) {
      router = HttpRouter.route(operation.method.toUpperCase() as HttpMethod)(
        toRouterPath(operation.path),
        serve(operation)
      )(router)
    }
    return router.pipe(Effect.catchTag("RouteNotFound", () => unmatched))
  })
