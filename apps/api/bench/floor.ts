/**
 * The benchmark's framework floor: the libraries the API is built on and nothing of its own —
 * an `@effect/platform` router on `@effect/platform-node`'s server, answering each benchmarked URL
 * by running the SQL the API ran for it (captured by run.ts) through `@effect/sql-pg`, rows
 * returned as JSON, tracing off as in the API. The API can be no faster than this; the gap between
 * the baseline and this server is the cost of the stack, the gap between this server and the API
 * the cost of Shopvo's own request path (auth, limits, validation, logging, mapping).
 */
import { HttpRouter, HttpServer, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { Config, Effect, Layer } from "effect"
import { createServer } from "node:http"
import { routes } from "./replay.js"

const replay = Effect.gen(function* () {
  const request = yield* HttpServerRequest.HttpServerRequest
  const sql = yield* SqlClient.SqlClient
  const queries = routes.get(request.url)
  if (!queries) return HttpServerResponse.empty({ status: 404 })
  let rows: ReadonlyArray<unknown> = []
  for (const q of queries) rows = yield* sql.unsafe(q.text, q.values as Array<unknown>)
  return yield* HttpServerResponse.json({ success: true, data: rows })
}).pipe(Effect.orDie)

const ServerLive = HttpServer.serve(HttpRouter.empty.pipe(HttpRouter.all("*", replay))).pipe(
  HttpServer.withLogAddress,
  Layer.provide(Layer.setTracerEnabled(false)),
  Layer.provide(NodeHttpServer.layer(createServer, { port: Number(process.env["PORT"]), host: "127.0.0.1" })),
  Layer.provide(PgClient.layerConfig({ url: Config.redacted("DATABASE_URL"), maxConnections: Config.succeed(10) }))
)

NodeRuntime.runMain(Layer.launch(ServerLive))
