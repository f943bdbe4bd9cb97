/**
 * The worker's test bench: a real API server and a real worker on one fresh database, and a
 * real HTTP receiver on a free port that records every request and answers as told.
 */
import http from "node:http"
import type { AddressInfo } from "node:net"
import { Config as ApiConfig, Http, Keys, ServicesLive, Sites } from "@shopvo/api"
import { operationOrFail, type OperationId, Spec, Validator } from "@shopvo/contract"
import { Sql } from "@shopvo/db"
import { TestDatabase } from "@shopvo/db/testing"
import { HttpServer } from "@effect/platform"
import { Duration, Layer, Logger, LogLevel, ManagedRuntime, Redacted } from "effect"
import * as Config from "../../src/Config.js"
import * as Worker from "../../src/Worker.js"

export interface Received {
  readonly headers: http.IncomingHttpHeaders
  readonly body: string
  readonly at: number
}

/** A webhook receiver: `respond` decides each answer (status, and an optional delay). */
export const receiver = async () => {
  const received: Array<Received> = []
  let respond: (request: Received) => { status: number; delayMs?: number } = () => ({ status: 200 })
  const server = http.createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => {
      const request = { headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() }
      received.push(request)
      const { status, delayMs } = respond(request)
      setTimeout(() => {
        res.writeHead(status, { "content-type": "text/plain" })
        res.end(status < 300 ? "ok" : `down (${status})`)
      }, delayMs ?? 0)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    answer: (fn: typeof respond) => {
      respond = fn
    },
    /** Bodies received, parsed, for event `id`. */
    bodiesOf: (eventId: string) => received.filter((r) => (JSON.parse(r.body) as { id: string }).id === eventId),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
export type Receiver = Awaited<ReturnType<typeof receiver>>

const validator = new Validator()

/** Issues of a delivered body against its event's schema in the spec's `webhooks:` section (empty when valid). */
export const payloadIssues = (event: string, body: unknown) => {
  const item = Spec.document.webhooks?.[event] as
    | { post: { requestBody: { content: { "application/json": { schema: unknown } } } } }
    | undefined
  if (item === undefined) return [{ path: "/event", message: `${event} is not in the spec's webhooks section` }]
  const schema = item.post.requestBody.content["application/json"].schema as Parameters<Validator["validate"]>[0]
  const result = validator.validate(schema, body)
  return result.ok ? [] : result.issues
}

/** The `data` of the spec's example for `event`: what its producer records. */
export const exampleData = (event: string): Record<string, unknown> => {
  const item = Spec.document.webhooks?.[event] as
    | { post: { requestBody: { content: { "application/json": { example: { data: Record<string, unknown> } } } } } }
    | undefined
  if (item === undefined) throw new Error(`${event} is not in the spec's webhooks section`)
  return item.post.requestBody.content["application/json"].example.data
}

/** Waits until `check` holds (polling), or fails with `what` after `timeoutMs`. */
export const eventually = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 40_000) => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`Timed out waiting for: ${what}`)
}

/** Fast settings for tests: short polls and chores; the schedule is compressed per test. */
export const testWorkerConfig: Partial<Config.WorkerConfigShape> = {
  pollInterval: Duration.millis(200),
  housekeepingInterval: Duration.millis(200),
  timeout: Duration.seconds(2),
  lease: Duration.seconds(5),
  lanes: 2,
  batchSize: 50
}

/** A worker on a database by URL: its own pool, as a second process would have. */
export const workerOn = (databaseUrl: string, overrides: Partial<Config.WorkerConfigShape>) =>
  ManagedRuntime.make(
    Worker.layer.pipe(
      Layer.provide(ServicesLive),
      Layer.provide(Config.layerWith({ ...testWorkerConfig, ...overrides })),
      Layer.provideMerge(
        Sql.layerFrom(Redacted.make(databaseUrl), {
          maxConnections: 5,
          connectTimeout: Duration.seconds(5),
          idleTimeout: Duration.seconds(30),
          applicationName: "shopvo-test-worker"
        })
      ),
      Layer.provide(Logger.minimumLogLevel(LogLevel.Warning))
    )
  )

/** The API server (and, unless `worker: false`, a worker) on a fresh database. */
export const start = async (options: { readonly worker?: Partial<Config.WorkerConfigShape> | false } = {}) => {
  const apiLayer = Layer.merge(Http.ServerLive, ServicesLive).pipe(
    Layer.provide(ApiConfig.layerWith({ port: 0, host: "127.0.0.1", keyCacheTtl: Duration.zero }))
  )
  const workerLayer =
    options.worker === false
      ? Layer.empty
      : Worker.layer.pipe(
          Layer.provide(ServicesLive),
          Layer.provide(Config.layerWith({ ...testWorkerConfig, ...options.worker }))
        )
  const runtime = ManagedRuntime.make(
    Layer.merge(apiLayer, workerLayer).pipe(
      Layer.provideMerge(TestDatabase.layer),
      Layer.provide(Logger.minimumLogLevel(LogLevel.Warning))
    )
  )
  const server = await runtime.runPromise(HttpServer.HttpServer)
  const baseUrl = `http://127.0.0.1:${(server.address as HttpServer.TcpAddress).port}`
  const database = await runtime.runPromise(TestDatabase.TestDatabase)
  /** Calls the API; the response is checked against the spec for `operation` (then read it as its contract type). */
  const call = async <B = unknown>(
    operation: OperationId,
    method: string,
    path: string,
    key: string,
    body?: unknown
  ) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { "content-type": "application/json" })
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    })
    const text = await response.text()
    const parsed: unknown = text === "" ? undefined : JSON.parse(text)
    const result = validator.response(operationOrFail(operation), response.status, parsed)
    if (!result.ok) throw new Error(`${operation} answered ${response.status} outside the spec: ${text}`)
    return { status: response.status, body: parsed as B }
  }

  return {
    baseUrl,
    databaseUrl: Redacted.value(database.url),
    runtime,
    call,
    createSite: () => runtime.runPromise(Sites.create({ name: "Test Store", currency: "EUR" })),
    createKey: (siteId: string, mode: "live" | "test" = "test") =>
      runtime.runPromise(Keys.create({ siteId, scopes: ["admin:*"], mode, signing: false })),
    close: () => runtime.dispose()
  }
}
export type Bench = Awaited<ReturnType<typeof start>>
