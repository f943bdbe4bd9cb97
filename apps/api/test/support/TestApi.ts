/**
 * A real API server per test file: its own fresh database, listening on a free port, reached
 * over HTTP with `fetch`. Every response is checked against the spec for its operation and
 * status (the contract check): a response the spec does not describe fails the test.
 */
import {
  type Error as ErrorEnvelope,
  type Operation,
  type OperationId,
  operationOrFail,
  Spec,
  Validator
} from "@shopvo/contract"
import { Sql } from "@shopvo/db"
import { TestDatabase } from "@shopvo/db/testing"
import { HttpServer } from "@effect/platform"
import type { SqlClient } from "@effect/sql"
import { Signature } from "@shopvo/signing"
import { Duration, type Effect, Layer, Logger, LogLevel, ManagedRuntime, Redacted } from "effect"
import * as Config from "../../src/Config.js"
import * as Http from "../../src/Http.js"
import { type Services, ServicesLive } from "../../src/Services.js"
import { Keys } from "../../src/Keys/Service.js"
import { type NewSite, Sites } from "../../src/Sites/Service.js"

export interface Response {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  /**
   * The parsed JSON, already validated against the spec for its operation and status by
   * `checkContract`. Read it typed through `bodyOf` (a success) or `errorOf` (an error envelope).
   */
  readonly body: unknown
}

export interface RequestOptions {
  readonly key?: string
  readonly body?: unknown
  /** Sent as is instead of `JSON.stringify(body)`. */
  readonly rawBody?: string
  readonly headers?: Record<string, string>
  /** Signs the request with this secret (X-Shopvo-Signature over the exact body). */
  readonly signWith?: string
}

const validator = new Validator()

/** The codes of the spec's `RequestRefused`: answers given before routing, which belong to no operation. */
const refusedBeforeRouting: Readonly<Record<string, number>> = {
  malformed_request: 400,
  request_timeout: 408,
  headers_too_large: 431
}

/**
 * The body of a success response of operation `id`, typed by the contract. Checks that `res` has a
 * status below 400 and a body the spec declares for that status of `id`, so a test reads fields the
 * spec guarantees instead of guessing; throws with the validator's issues otherwise.
 */
export const bodyOf = <Id extends OperationId>(res: Response, id: Id): Operation.Reply<Id>["body"] => {
  const result = validator.response(operationOrFail(id), res.status, res.body)
  const isReplyBody = (body: unknown): body is Operation.Reply<Id>["body"] => res.status < 400 && result.ok
  if (!isReplyBody(res.body)) {
    const issues = result.ok ? [{ path: "/", message: `status ${res.status} is not a success` }] : result.issues
    throw new Error(`Not a ${id} reply: ${res.status} ${res.text}: ${JSON.stringify(issues)}`)
  }
  return res.body
}

/** A list reply in the offset envelope (`pagination`); throws when it is in the cursor envelope. */
export const offsetPage = <B extends object>(body: B): Extract<B, { readonly pagination: unknown }> => {
  const isOffset = (page: B): page is Extract<B, { readonly pagination: unknown }> => "pagination" in page
  if (!isOffset(body)) throw new Error(`Not an offset page: ${JSON.stringify(body)}`)
  return body
}

/** A list reply in the cursor envelope (`cursor`, `hasNextPage`); throws when it is in the offset envelope. */
export const cursorPage = <B extends object>(body: B): Extract<B, { readonly cursor: unknown }> => {
  const isCursor = (page: B): page is Extract<B, { readonly cursor: unknown }> => "cursor" in page
  if (!isCursor(body)) throw new Error(`Not a cursor page: ${JSON.stringify(body)}`)
  return body
}

/** The error envelope of a 4xx/5xx response; throws when `res` is a success or its body is not the envelope. */
export const errorOf = (res: Response): ErrorEnvelope => {
  const result = validator.validate({ $ref: "#/components/schemas/Error" }, res.body)
  const isEnvelope = (body: unknown): body is ErrorEnvelope => res.status >= 400 && result.ok
  if (!isEnvelope(res.body)) throw new Error(`Not an error envelope: ${res.status} ${res.text}`)
  return res.body
}

const codeOf = (body: unknown): string =>
  typeof body === "object" && body !== null && "code" in body ? String(body.code) : ""

/** Fails the test when a response contradicts the spec. */
export const checkContract = (method: string, path: string, status: number, body: unknown): void => {
  const found = Spec.match(method, path.split("?")[0]!)
  if (refusedBeforeRouting[codeOf(body)] === status) {
    const result = validator.validate(
      { $ref: "#/components/responses/RequestRefused/content/application~1json/schema" },
      body
    )
    if (!result.ok) throw new Error(`Contract violation: ${method} ${path} answered ${status} outside RequestRefused`)
  } else if (found && "operation" in found) {
    const result = validator.response(found.operation, status, body)
    if (!result.ok) {
      throw new Error(
        `Contract violation: ${found.operation.id} answered ${status} ${JSON.stringify(body)}: ${JSON.stringify(result.issues)}`
      )
    }
  } else if (status >= 400) {
    const result = validator.validate({ $ref: "#/components/schemas/Error" }, body)
    if (!result.ok)
      throw new Error(`Contract violation: ${method} ${path} answered ${status} without the error envelope`)
  }
}

export interface StartOptions {
  /** Serve from another test server's database instead of a fresh one (a second API process). */
  readonly shareDatabaseWith?: { readonly databaseUrl: string; readonly databaseName: string }
  /** How long the shared-database pool waits for a connection (default 5 s). */
  readonly connectTimeout?: Duration.Duration
}

export const start = async (overrides: Partial<Config.ApiConfigShape> = {}, options: StartOptions = {}) => {
  // The data vault needs a key (read from the environment when the services are built).
  process.env["VAULT_KEY"] ??= "5e".repeat(32)
  const shared = options.shareDatabaseWith
  const databaseLayer = shared
    ? Layer.merge(
        Layer.succeed(TestDatabase.TestDatabase, { name: shared.databaseName, url: Redacted.make(shared.databaseUrl) }),
        Sql.layerFrom(Redacted.make(shared.databaseUrl), {
          maxConnections: 5,
          connectTimeout: options.connectTimeout ?? Duration.seconds(5),
          idleTimeout: Duration.seconds(30),
          applicationName: "shopvo-test"
        })
      )
    : TestDatabase.layer
  const layer = Layer.merge(Http.ServerLive, ServicesLive).pipe(
    Layer.provide(Config.layerWith({ port: 0, host: "127.0.0.1", keyCacheTtl: Duration.zero, ...overrides })),
    Layer.provideMerge(databaseLayer),
    // Request logs would drown the test output; warnings and errors still show.
    Layer.provide(Logger.minimumLogLevel(LogLevel.Warning))
  )
  const runtime = ManagedRuntime.make(layer)
  const server = await runtime.runPromise(HttpServer.HttpServer)
  const address = server.address as HttpServer.TcpAddress
  const baseUrl = `http://127.0.0.1:${address.port}`
  const database = await runtime.runPromise(TestDatabase.TestDatabase)

  const run = <A, E>(effect: Effect.Effect<A, E, SqlClient.SqlClient | Services>) => runtime.runPromise(effect)

  const request = async (method: string, path: string, options: RequestOptions = {}): Promise<Response> => {
    const text = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body))
    const headers: Record<string, string> = { ...(text !== undefined ? { "content-type": "application/json" } : {}) }
    if (options.key) headers["authorization"] = `Bearer ${options.key}`
    if (options.signWith) {
      headers["x-shopvo-signature"] = Signature.sign({
        body: text ?? "",
        secret: options.signWith,
        timestamp: Math.floor(Date.now() / 1000)
      })
    }
    Object.assign(headers, options.headers)
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      ...(text !== undefined ? { body: text } : {})
    })
    const raw = await response.text()
    const body: unknown = raw === "" ? undefined : JSON.parse(raw)
    checkContract(method, path, response.status, body)
    return { status: response.status, headers: response.headers, text: raw, body }
  }

  return {
    baseUrl,
    databaseUrl: Redacted.value(database.url),
    databaseName: database.name,
    run,
    request,
    createSite: (input: Partial<NewSite> = {}) => run(Sites.create({ name: "Test Store", currency: "EUR", ...input })),
    createKey: (
      siteId: string,
      input: { scopes?: ReadonlyArray<string>; mode?: "live" | "test"; signing?: boolean } = {}
    ) =>
      run(
        Keys.create({
          siteId,
          scopes: input.scopes ?? ["admin:*"],
          mode: input.mode ?? "test",
          signing: input.signing ?? false
        })
      ),
    close: () => runtime.dispose()
  }
}

export type TestApi = Awaited<ReturnType<typeof start>>
