/**
 * The `fetch` every SDK request goes through: it adds the API key, an `Idempotency-Key` on writes,
 * the `X-Shopvo-Signature` over exactly the bytes it sends, and retries network failures and
 * 429/503 answers (honouring `Retry-After`, otherwise capped exponential backoff with jitter).
 */
import { signPayload } from "./Crypto.js"
import { ShopvoConnectionError, retryAfterSeconds } from "./Errors.js"

export interface RetryOptions {
  /** Retries after the first attempt (default 2); 0 turns retries off, as does `retry: false`. */
  readonly maxRetries?: number
  /** First backoff delay in milliseconds, doubled on every retry (default 500). */
  readonly initialDelayMs?: number
  /** Largest backoff delay in milliseconds (default 8000). */
  readonly maxDelayMs?: number
  /** A `Retry-After` longer than this (milliseconds, default 60000) is not waited for: the error is returned. */
  readonly maxRetryAfterMs?: number
  /** Statuses that are retried (default 429 and 503). */
  readonly statuses?: ReadonlyArray<number>
}

export type RetryPolicy = Required<RetryOptions>

export const defaultRetry: RetryPolicy = {
  maxRetries: 2,
  initialDelayMs: 500,
  maxDelayMs: 8000,
  maxRetryAfterMs: 60_000,
  statuses: [429, 503]
}

export interface TransportOptions {
  readonly apiKey: string
  readonly signingSecret: string | undefined
  readonly retry: RetryPolicy
  /** Per-attempt timeout in milliseconds; 0 for none. */
  readonly timeoutMs: number
  readonly fetch: typeof fetch
  /** The random part of backoff jitter, in [0, 1) (tests pin it). */
  readonly random?: () => number
}

const writes = new Set(["POST", "PUT", "PATCH", "DELETE"])

/** The backoff before retry `attempt` (0-based): capped exponential, with equal jitter (half fixed, half random). */
export const backoffMs = (policy: RetryPolicy, attempt: number, random: () => number = Math.random): number => {
  const capped = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** attempt)
  return capped / 2 + (capped / 2) * random()
}

const sleep = (ms: number, signal: AbortSignal | null) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort)
      resolve()
    }, ms)
    signal?.addEventListener("abort", onAbort, { once: true })
  })

/** FNV-1a over the bytes: a cheap fingerprint to tell payloads apart (a collision only costs a second). */
const fingerprint = (bytes: Uint8Array): number => {
  let hash = 0x811c9dc5
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193)
  return hash >>> 0
}

/**
 * Timestamps for signatures that are never reused. The API accepts a signature once (a replay is a
 * 401), and a signature is determined by its second and payload, so two identical payloads in the
 * same second (a retry, the same read twice) would collide: the second one moves to the next second,
 * which stays well inside the 300 s tolerance. Writes are one replay scope on the server; reads are
 * scoped by method and URL.
 */
const makeTimestamps = () => {
  const last = new Map<string, number>()
  return (scope: string, now: number): number => {
    const previous = last.get(scope)
    const timestamp = previous !== undefined && previous >= now ? previous + 1 : now
    last.set(scope, timestamp)
    if (last.size > 1000) for (const [key, t] of last) if (t < now) last.delete(key)
    return timestamp
  }
}

/** The `fetch` of the generated client: one call, with its retries. */
export const makeFetch = (options: TransportOptions): ((request: Request) => Promise<Response>) => {
  const random = options.random ?? Math.random
  const nextTimestamp = makeTimestamps()

  return async (request) => {
    const method = request.method.toUpperCase()
    const body = writes.has(method) ? new Uint8Array(await request.arrayBuffer()) : new Uint8Array()
    const headers = new Headers(request.headers)
    headers.set("authorization", `Bearer ${options.apiKey}`)
    if (writes.has(method) && !headers.has("idempotency-key")) headers.set("idempotency-key", crypto.randomUUID())
    const url = new URL(request.url)
    const replayScope = `${writes.has(method) ? "" : `${method} ${url.pathname}${url.search}`}\n${fingerprint(body)}`
    const callerSignal = request.signal
    const policy = options.retry

    for (let attempt = 0; ; attempt++) {
      if (options.signingSecret !== undefined) {
        const timestamp = nextTimestamp(replayScope, Math.floor(Date.now() / 1000))
        headers.set(
          "x-shopvo-signature",
          `t=${timestamp},sha256=${await signPayload(options.signingSecret, timestamp, body)}`
        )
      }
      const controller = new AbortController()
      const abort = () => controller.abort(callerSignal.reason)
      callerSignal.addEventListener("abort", abort, { once: true })
      const timer =
        options.timeoutMs > 0 ? setTimeout(() => controller.abort(new Error("timeout")), options.timeoutMs) : undefined
      const retriesLeft = attempt < policy.maxRetries
      let response: Response
      try {
        response = await options.fetch(
          new Request(request.url, {
            method,
            headers,
            redirect: request.redirect,
            signal: controller.signal,
            ...(body.length > 0 ? { body } : {})
          })
        )
      } catch (cause) {
        if (callerSignal.aborted) throw cause
        if (!retriesLeft) {
          throw new ShopvoConnectionError(`${method} ${url.pathname} failed after ${attempt + 1} attempt(s)`, { cause })
        }
        await sleep(backoffMs(policy, attempt, random), callerSignal)
        continue
      } finally {
        clearTimeout(timer)
        callerSignal.removeEventListener("abort", abort)
      }
      if (!retriesLeft || !policy.statuses.includes(response.status)) return response
      const retryAfter = retryAfterSeconds(response.headers.get("retry-after"))
      const delay = retryAfter === undefined ? backoffMs(policy, attempt, random) : retryAfter * 1000
      if (delay > policy.maxRetryAfterMs) return response
      // The body of an answer we do not return is drained, so the connection can be reused.
      await response.body?.cancel().catch(() => undefined)
      await sleep(delay, callerSignal)
    }
  }
}
