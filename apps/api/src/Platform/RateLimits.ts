/**
 * Per-key and per-route rate limits (the reference's table) in fixed one-minute windows.
 *
 * A bucket's window opens on the whole second of its first request (after the last window
 * closed), lasts exactly 60 s and admits at most `limit` requests; the next request after it
 * closes opens the next one. So `X-RateLimit-Reset` (the window's end, whole unix seconds) never
 * moves while the window is open, and `Retry-After` (the wait until that end, rounded up) lands a
 * client that obeys it in a fresh window. Across the boundary of two windows a client can still
 * send up to twice the limit within a few seconds: the price of fixed windows.
 *
 * A request takes one unit from each of its buckets (the key's plan and, on the limited routes,
 * that route's) all or nothing: a request refused by one bucket counts against none.
 *
 * The counters live in Redis when `REDIS_URL` is set, so that every API process shares them, in
 * process memory otherwise. Time is always the caller's Clock, passed to the store: processes
 * agree on windows as far as their clocks agree, and tests drive the limiter with TestClock.
 *
 * Not @effect/experimental's RateLimiter: its "fixed-window" lengthens a key's TTL by
 * window/limit with every request and restarts the count only once that TTL has run out, so its
 * reset moves with each request and it admits more than the limit in a minute; and it consumes
 * one bucket at a time, so a refusal by the second bucket would already have charged the first.
 */
import { Array as Arr, Clock, Context, Data, Effect, Layer, Option, Redacted } from "effect"
import { Redis, type RedisOptions } from "ioredis"
import { ApiConfig } from "../Config.js"
import * as ApiError from "./ApiError.js"

/** The `X-RateLimit-*` values of one request. */
export interface Quota {
  readonly limit: number
  readonly remaining: number
  /** Unix seconds at which the window resets. */
  readonly reset: number
}

interface Bucket {
  readonly key: string
  readonly limit: number
}

const windowMillis = 60_000

/** A key's effective limits per minute: its site's plan, or the site's own overrides. */
export interface KeyLimits {
  readonly keyId: string
  readonly rateLimitRpm: number
  readonly checkoutLimitRpm: number
  readonly ordersLimitRpm: number
  readonly productSearchLimitRpm: number
}

/** The buckets a key's request counts against: its plan limit, and the route's limit on the limited routes. */
export const keyBuckets = (
  key: KeyLimits,
  operationId: string,
  query: URLSearchParams
): readonly [Bucket, ...Array<Bucket>] => {
  const plan = { key: `key:${key.keyId}`, limit: key.rateLimitRpm }
  const route = (name: string, limit: number): readonly [Bucket, Bucket] => [
    plan,
    { key: `key:${key.keyId}:${name}`, limit }
  ]
  if (operationId.startsWith("checkout.")) return route("checkout", key.checkoutLimitRpm)
  if (operationId.startsWith("orders.")) return route("orders", key.ordersLimitRpm)
  if (operationId === "products.list" && query.has("search")) return route("products-search", key.productSearchLimitRpm)
  return [plan]
}

/** Public operations (no key) are limited per client address and site. */
export const publicLimitRpm = 60

export const headers = (quota: Quota): Record<string, string> => ({
  "x-ratelimit-limit": String(quota.limit),
  "x-ratelimit-remaining": String(quota.remaining),
  "x-ratelimit-reset": String(quota.reset)
})

export class RateLimits extends Context.Tag("@shopvo/api/RateLimits")<
  RateLimits,
  { readonly consume: (buckets: Arr.NonEmptyReadonlyArray<Bucket>) => Effect.Effect<Quota, ApiError.ApiError> }
>() {}

/** One bucket's current window: when it opened (unix ms) and how many requests it admitted. */
interface Window {
  readonly start: number
  readonly count: number
}

class StoreUnavailable extends Data.TaggedError("StoreUnavailable")<{ readonly cause: unknown }> {}

/**
 * Where the windows are kept. `take` admits the request if every bucket's window has room, and
 * then counts it in all of them, atomically; it returns each bucket's window after the decision.
 * A window that has closed by `now` is replaced by one opening on the whole second of `now`.
 */
interface Store {
  readonly take: (
    buckets: ReadonlyArray<Bucket>,
    now: number
  ) => Effect.Effect<{ readonly admitted: boolean; readonly windows: ReadonlyArray<Window> }, StoreUnavailable>
}

const openedAt = (now: number) => Math.floor(now / 1000) * 1000

const memoryStore = Effect.sync((): Store => {
  const windows = new Map<string, Window>()
  let nextSweep = 0
  return {
    take: (buckets, now) =>
      Effect.sync(() => {
        // Forget closed windows once a minute, so that idle keys do not accumulate.
        if (now >= nextSweep) {
          for (const [key, window] of windows) if (now >= window.start + windowMillis) windows.delete(key)
          nextSweep = now + windowMillis
        }
        const current = buckets.map(({ key }) => {
          const window = windows.get(key)
          return window && now < window.start + windowMillis ? window : { start: openedAt(now), count: 0 }
        })
        const admitted = current.every((window, i) => window.count < buckets[i]!.limit)
        if (!admitted) return { admitted, windows: current }
        const taken = current.map((window) => ({ start: window.start, count: window.count + 1 }))
        for (const [i, { key }] of buckets.entries()) windows.set(key, taken[i]!)
        return { admitted, windows: taken }
      })
  }
})

/**
 * The same rule as the memory store, as one Lua script so that Redis runs it atomically.
 * KEYS: one hash { start, count } per bucket. ARGV: now, the opening of a new window, the
 * window's length (all ms), then each bucket's limit. Returns admitted (0/1), then each bucket's
 * start and count. A hash expires one window after its window closes (only to free memory: the
 * script itself decides by `start`, on the caller's clock).
 */
const takeScript = `
local now, opened, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local starts, counts, admitted = {}, {}, 1
for i, key in ipairs(KEYS) do
  local state = redis.call("HMGET", key, "start", "count")
  local start, count = tonumber(state[1]), tonumber(state[2])
  if not start or now >= start + window then start, count = opened, 0 end
  starts[i], counts[i] = start, count
  if count >= tonumber(ARGV[3 + i]) then admitted = 0 end
end
local result = { admitted }
for i, key in ipairs(KEYS) do
  if admitted == 1 then
    counts[i] = counts[i] + 1
    redis.call("HSET", key, "start", starts[i], "count", counts[i])
    redis.call("PEXPIRE", key, starts[i] + 2 * window - now)
  end
  table.insert(result, starts[i])
  table.insert(result, counts[i])
end
return result
`

interface RedisWithTake extends Redis {
  takeRateLimit(...keysThenArgs: Array<string | number>): Promise<Array<number>>
}

const redisOptions = (url: string): RedisOptions => {
  const u = new URL(url)
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    ...(u.protocol === "rediss:" ? { tls: {} } : {}),
    // A command fails after one retry while Redis is unreachable, rather than waiting for it.
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000
  }
}

const keyPrefix = "shopvo:ratelimit:window:"

const redisStore = (url: string) =>
  Effect.map(
    Effect.acquireRelease(
      Effect.sync(() => {
        const redis = new Redis(redisOptions(url)) as RedisWithTake
        // Connection errors surface on each command, which `consume` logs; without a listener
        // ioredis would also print every reconnection attempt.
        redis.on("error", () => {})
        redis.defineCommand("takeRateLimit", { lua: takeScript })
        return redis
      }),
      (redis) => Effect.sync(() => redis.disconnect())
    ),
    (redis): Store => ({
      take: (buckets, now) =>
        Effect.tryPromise({
          try: () =>
            redis.takeRateLimit(
              buckets.length,
              ...buckets.map(({ key }) => `${keyPrefix}${key}`),
              now,
              openedAt(now),
              windowMillis,
              ...buckets.map(({ limit }) => limit)
            ),
          catch: (cause) => new StoreUnavailable({ cause })
        }).pipe(
          Effect.map(([admitted, ...windows]) => ({
            admitted: admitted === 1,
            windows: buckets.map((_, i) => ({ start: windows[2 * i]!, count: windows[2 * i + 1]! }))
          }))
        )
    })
  )

const quotaOf = (bucket: Bucket, window: Window): Quota => ({
  limit: bucket.limit,
  remaining: Math.max(0, bucket.limit - window.count),
  reset: (window.start + windowMillis) / 1000
})

/**
 * The quota to report: the bucket with the fewest requests left and, among those, the one that
 * resets last, so that a client waiting for the reported reset finds room in every bucket.
 */
const tightest = (quotas: Arr.NonEmptyReadonlyArray<Quota>): Quota =>
  quotas.reduce((a, b) => (b.remaining < a.remaining || (b.remaining === a.remaining && b.reset > a.reset) ? b : a))

const make = (store: Store) => {
  const consume = (buckets: Arr.NonEmptyReadonlyArray<Bucket>) =>
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const taken = yield* store.take(buckets, now).pipe(
        // The store is down: serve the request rather than fail every client.
        Effect.tapError(({ cause }) => Effect.logWarning("rate limiter store unavailable; request not limited", cause)),
        Effect.option
      )
      if (Option.isNone(taken)) {
        return tightest(Arr.map(buckets, (bucket) => quotaOf(bucket, { start: openedAt(now), count: 0 })))
      }
      const quota = tightest(Arr.map(buckets, (bucket, i) => quotaOf(bucket, taken.value.windows[i]!)))
      if (taken.value.admitted) return quota
      const retryAfter = Math.ceil((quota.reset * 1000 - now) / 1000)
      return yield* new ApiError.ApiError({
        status: 429,
        code: "rate_limited",
        message: `Rate limit of ${quota.limit} requests per minute exceeded, retry in ${retryAfter} seconds`,
        headers: { ...headers(quota), "retry-after": String(retryAfter) }
      })
    })
  return RateLimits.of({ consume })
}

/** The store follows `REDIS_URL`: shared in Redis when set, per process otherwise. */
export const layer: Layer.Layer<RateLimits, never, ApiConfig> = Layer.scoped(
  RateLimits,
  Effect.gen(function* () {
    const { redisUrl } = yield* ApiConfig
    const store = yield* Option.match(redisUrl, {
      onNone: () => memoryStore,
      onSome: (url) => redisStore(Redacted.value(url))
    })
    return make(store)
  })
)
