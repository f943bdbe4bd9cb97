/**
 * `createClient`: the site id, key and signing secret given once; every call goes through the
 * generated operation functions (`generated/sdk.gen.ts`) with the SDK's transport as their `fetch`.
 */
import { ShopvoConnectionError, fromResponse } from "./Errors.js"
import { createClient as createGeneratedClient } from "./generated/client/index.js"
import type { Client as GeneratedClient } from "./generated/client/index.js"
import { type Page, PagedCall } from "./Pagination.js"
import { resources } from "./Resources.js"
import { type RetryOptions, defaultRetry, makeFetch } from "./Transport.js"

export interface ClientOptions {
  /** `sk_live_…` or `sk_test_…`. */
  readonly apiKey: string
  /** `sks_…`: when given, every request carries an `X-Shopvo-Signature` over the bytes it sends. */
  readonly signingSecret?: string
  /** `site_…`: the site every call acts on. */
  readonly siteId: string
  /** Where the API is served, e.g. `https://your-domain` (the `/api/v1/{siteId}` part is added). */
  readonly baseUrl: string
  /** Retries of network failures and 429/503 answers; `false` turns them off. */
  readonly retry?: RetryOptions | false
  /** Per-attempt timeout in milliseconds (default 60000; 0 for none). */
  readonly timeoutMs?: number
  /** A `fetch` to use instead of the global one (a proxy, a test double). */
  readonly fetch?: typeof fetch
}

/** Options of one call. */
export interface RequestOptions {
  /** The `Idempotency-Key` of a write (default: a fresh UUID per call, kept across its retries). */
  readonly idempotencyKey?: string
  readonly headers?: Readonly<Record<string, string>>
  readonly signal?: AbortSignal
}

/** The options a generated operation function takes, as far as the SDK fills them. */
interface OperationOptions {
  readonly client: GeneratedClient
  readonly path: Record<string, string>
  readonly query?: unknown
  readonly body?: unknown
  readonly headers?: Record<string, string>
  readonly signal?: AbortSignal
  readonly throwOnError: false
}

interface OperationResult {
  readonly data?: unknown
  readonly error?: unknown
  readonly response?: Response
}

/** A generated operation function (`productsList`, …), seen through what the SDK passes it. */
export type Operation = {
  bivariance(options: OperationOptions): Promise<OperationResult>
}["bivariance"]

export interface Call {
  readonly path?: Readonly<Record<string, string>>
  readonly query?: object | undefined
  readonly body?: unknown
  readonly options?: RequestOptions | undefined
}

/** What resources build their methods with. */
export interface Requester {
  readonly call: <R>(operation: Operation, call: Call) => Promise<R>
  readonly list: <P extends Page>(operation: Operation, call: Call) => PagedCall<P>
}

const definedOnly = (query: object | undefined): Record<string, unknown> =>
  Object.fromEntries(Object.entries(query ?? {}).filter(([, value]) => value !== undefined))

const makeRequester = (options: ClientOptions): Requester => {
  if (typeof options.apiKey !== "string" || options.apiKey === "")
    throw new TypeError("createClient: apiKey is required")
  if (typeof options.siteId !== "string" || options.siteId === "")
    throw new TypeError("createClient: siteId is required")
  const client = createGeneratedClient({
    baseUrl: options.baseUrl.replace(/\/+$/, ""),
    fetch: makeFetch({
      apiKey: options.apiKey,
      signingSecret: options.signingSecret,
      retry: options.retry === false ? { ...defaultRetry, maxRetries: 0 } : { ...defaultRetry, ...options.retry },
      timeoutMs: options.timeoutMs ?? 60_000,
      fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init))
    }) as typeof fetch
  })

  const call = async <R>(operation: Operation, { path, query, body, options: request }: Call): Promise<R> => {
    const headers: Record<string, string> = { ...request?.headers }
    if (request?.idempotencyKey !== undefined) headers["Idempotency-Key"] = request.idempotencyKey
    const result = await operation({
      client,
      path: { siteId: options.siteId, ...path },
      query: definedOnly(query),
      ...(body !== undefined ? { body } : {}),
      headers,
      ...(request?.signal ? { signal: request.signal } : {}),
      throwOnError: false
    })
    if (result.response === undefined) {
      // No answer: the transport's ShopvoConnectionError, or the caller's abort, as thrown.
      throw result.error instanceof Error
        ? result.error
        : new ShopvoConnectionError("Request failed", { cause: result.error })
    }
    if (!result.response.ok) throw fromResponse(result.response, result.error)
    return result.data as R
  }

  const list = <P extends Page>(operation: Operation, request: Call) =>
    new PagedCall<P>((query) => call<P>(operation, { ...request, query }), definedOnly(request.query))

  return { call, list }
}

/**
 * A client for one site. Resources follow the API's operation ids (`products.list`,
 * `orders.get`, …); list calls can be awaited (one page) or iterated with `for await` (every item).
 */
export const createClient = (options: ClientOptions) => resources(makeRequester(options))

export type ShopvoClient = ReturnType<typeof createClient>
