/**
 * Per-key and per-route rate limits (the reference's table), on @effect/experimental's
 * RateLimiter: fixed one-minute windows, kept in Redis when `REDIS_URL` is set so that every API
 * process shares them, in process memory otherwise.
 *
 * A request consumes from the key's plan bucket and, on the limited routes, from that route's
 * bucket too; the headers report the tighter of the two.
 */
import { RateLimiter } from "@effect/experimental"
import * as RedisRateLimiter from "@effect/experimental/RateLimiter/Redis"
import { Clock, Context, Duration, Effect, Layer, Option, Redacted } from "effect"
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

const window = Duration.minutes(1)

/** Route limits from the reference, applied on top of the plan limit. */
export const routeLimit = (
  operationId: string,
  query: URLSearchParams
): Option.Option<{ readonly name: string; readonly limit: number }> => {
  if (operationId.startsWith("checkout.")) return Option.some({ name: "checkout", limit: 10 })
  if (operationId.startsWith("orders.")) return Option.some({ name: "orders", limit: 30 })
  if (operationId === "products.list" && query.has("search")) return Option.some({ name: "products-search", limit: 60 })
  return Option.none()
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
  { readonly consume: (buckets: ReadonlyArray<Bucket>) => Effect.Effect<Quota, ApiError.ApiError> }
>() {}

const make = Effect.gen(function* () {
  const limiter = yield* RateLimiter.RateLimiter

  const consumeOne = (bucket: Bucket, nowSeconds: number) =>
    limiter
      .consume({ algorithm: "fixed-window", onExceeded: "fail", window, limit: bucket.limit, key: bucket.key })
      .pipe(
        Effect.map(
          (r): Quota => ({
            limit: r.limit,
            remaining: r.remaining,
            reset: nowSeconds + Math.ceil(Duration.toSeconds(r.resetAfter))
          })
        ),
        Effect.catchTags({
          RateLimiterError: (error) => {
            if (error.reason === "Exceeded") {
              const retryAfter = Math.max(1, Math.ceil(Duration.toSeconds(error.retryAfter)))
              const quota: Quota = { limit: error.limit, remaining: 0, reset: nowSeconds + retryAfter }
              return Effect.fail(
                new ApiError.ApiError({
                  status: 429,
                  code: "rate_limited",
                  message: `Rate limit of ${error.limit} requests per minute exceeded, retry in ${retryAfter} seconds`,
                  headers: { ...headers(quota), "retry-after": String(retryAfter) }
                })
              )
            }
            // The limiter's store is down: serve the request rather than fail every client.
            return Effect.logWarning("rate limiter store unavailable; request not limited", error.message).pipe(
              Effect.as<Quota>({ limit: bucket.limit, remaining: bucket.limit, reset: nowSeconds + 60 })
            )
          }
        })
      )

  const consume = (buckets: ReadonlyArray<Bucket>) =>
    Effect.gen(function* () {
      const nowSeconds = Math.floor((yield* Clock.currentTimeMillis) / 1000)
      let tightest: Quota | undefined
      for (const bucket of buckets) {
        const quota = yield* consumeOne(bucket, nowSeconds)
        if (tightest === undefined || quota.remaining < tightest.remaining) tightest = quota
      }
      return tightest!
    })

  return { consume }
})

const redisOptions = (url: string) => {
  const u = new URL(url)
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    ...(u.protocol === "rediss:" ? { tls: {} } : {}),
    prefix: "shopvo:ratelimit:",
    // A command fails after one retry while Redis is unreachable, rather than waiting for it.
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000
  }
}

/** The store follows `REDIS_URL`: shared in Redis when set, per process otherwise. */
const storeLayer = Layer.unwrapEffect(
  Effect.map(ApiConfig, ({ redisUrl }) =>
    Option.match(redisUrl, {
      onNone: () => RateLimiter.layerStoreMemory,
      onSome: (url) => RedisRateLimiter.layerStore(redisOptions(Redacted.value(url)))
    })
  )
)

export const layer: Layer.Layer<RateLimits, never, ApiConfig> = Layer.effect(RateLimits, make).pipe(
  Layer.provide(RateLimiter.layer),
  Layer.provide(storeLayer)
)
