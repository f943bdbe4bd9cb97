import { randomUUID } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { type Array as Arr, Effect, FastCheck, Layer, Logger, Option, Redacted, TestClock } from "effect"
import { SqlClient } from "@effect/sql"
import * as Config from "../src/Config.js"
import * as RateLimits from "../src/Platform/RateLimits.js"
import { startApiProcess } from "./support/Process.js"
import { errorOf, start, type TestApi } from "./support/TestApi.js"

describe("Rate limits", () => {
  let api: TestApi

  beforeAll(async () => {
    api = await start()
  })
  afterAll(() => api.close())

  it("puts X-RateLimit-* on every response and answers 429 with Retry-After past the plan limit", async () => {
    const site = await api.createSite({ plan: "free" }) // 30 requests per minute
    const key = (await api.createKey(site.id)).key
    const resets = new Set<string | null>()
    for (let i = 1; i <= 30; i++) {
      const res = await api.request("GET", `/api/v1/${site.id}/site`, { key })
      expect(res.status).toBe(200)
      expect(res.headers.get("x-ratelimit-limit")).toBe("30")
      expect(res.headers.get("x-ratelimit-remaining")).toBe(String(30 - i))
      expect(Number(res.headers.get("x-ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000)
      resets.add(res.headers.get("x-ratelimit-reset"))
    }
    // One window: its reset does not move with the requests made in it.
    expect(resets.size).toBe(1)
    const sentAt = Date.now() / 1000
    const limited = await api.request("GET", `/api/v1/${site.id}/site`, { key })
    const receivedAt = Date.now() / 1000
    expect(limited.status).toBe(429)
    expect(errorOf(limited).code).toBe("rate_limited")
    expect(limited.headers.get("x-ratelimit-remaining")).toBe("0")
    const reset = Number(limited.headers.get("x-ratelimit-reset"))
    expect(String(reset)).toBe([...resets][0])
    // Retry-After is the wait until that reset, rounded up to a whole second.
    const retryAfter = Number(limited.headers.get("retry-after"))
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(receivedAt + retryAfter).toBeGreaterThanOrEqual(reset)
    expect(sentAt + retryAfter).toBeLessThan(reset + 1)
  })

  it("counts each key on its own", async () => {
    const site = await api.createSite({ plan: "free" })
    const a = (await api.createKey(site.id)).key
    const b = (await api.createKey(site.id)).key
    for (let i = 0; i < 30; i++) await api.request("GET", `/api/v1/${site.id}/site`, { key: a })
    expect((await api.request("GET", `/api/v1/${site.id}/site`, { key: a })).status).toBe(429)
    expect((await api.request("GET", `/api/v1/${site.id}/site`, { key: b })).status).toBe(200)
  })

  it("limits /checkout to 10 requests per minute whatever the plan", async () => {
    const site = await api.createSite({ plan: "enterprise" })
    const key = (await api.createKey(site.id)).key
    const statuses: Array<number> = []
    for (let i = 0; i < 11; i++) {
      const res = await fetch(`${api.baseUrl}/api/v1/${site.id}/checkout?sessionId=cs_x`, {
        headers: { authorization: `Bearer ${key}` }
      })
      statuses.push(res.status)
      if (i === 0) expect(res.headers.get("x-ratelimit-limit")).toBe("10")
    }
    expect(statuses.slice(0, 10).every((s) => s !== 429)).toBe(true)
    expect(statuses[10]).toBe(429)
    // The plan bucket is not exhausted: other routes still answer.
    expect((await api.request("GET", `/api/v1/${site.id}/site`, { key })).status).toBe(200)
  })

  it("takes a site's own route limit over its plan's (the settings a store can raise)", async () => {
    const site = await api.createSite({ plan: "enterprise" })
    await api.run(
      Effect.flatMap(SqlClient.SqlClient, (sql) => sql`update sites set checkout_limit_rpm = 25 where id = ${site.id}`)
    )
    const key = (await api.createKey(site.id)).key
    const statuses: Array<number> = []
    for (let i = 0; i < 26; i++) {
      const res = await fetch(`${api.baseUrl}/api/v1/${site.id}/checkout?sessionId=cs_x`, {
        headers: { authorization: `Bearer ${key}` }
      })
      statuses.push(res.status)
      if (i === 0) expect(res.headers.get("x-ratelimit-limit")).toBe("25")
    }
    expect(statuses.slice(0, 25).every((s) => s !== 429)).toBe(true)
    expect(statuses[25]).toBe(429)
  })

  it.skipIf(!process.env["REDIS_URL"])("shares one limit between two API processes through Redis", async () => {
    // A second API as its own OS process on the same database and Redis: nothing is shared
    // with this one but what goes through Redis.
    const { baseUrl, child } = await startApiProcess(api.databaseUrl)
    try {
      const site = await api.createSite({ plan: "free" })
      const key = (await api.createKey(site.id)).key
      const get = (base: string) =>
        fetch(`${base}/api/v1/${site.id}/site`, { headers: { authorization: `Bearer ${key}` } })
      const bases = [api.baseUrl, baseUrl]
      for (let i = 0; i < 30; i++) {
        const res = await get(bases[i % 2]!)
        expect(res.status).toBe(200)
        expect(res.headers.get("x-ratelimit-remaining")).toBe(String(29 - i))
      }
      expect((await get(bases[1]!)).status).toBe(429)
      expect((await get(bases[0]!)).status).toBe(429)
    } finally {
      child.kill("SIGTERM")
    }
  })
})

/** What a client sees of one request: its status and rate-limit headers. */
interface Seen {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
}

interface Bucket {
  readonly key: string
  readonly limit: number
}

const send = (...buckets: Arr.NonEmptyReadonlyArray<Bucket>) =>
  Effect.flatMap(RateLimits.RateLimits, (limits) => limits.consume(buckets)).pipe(
    Effect.map((quota): Seen => ({ status: 200, headers: RateLimits.headers(quota) })),
    Effect.catchTag("ApiError", (error) => Effect.succeed<Seen>({ status: error.status, headers: error.headers ?? {} }))
  )

const limiterWith = (redisUrl: Option.Option<string>) =>
  RateLimits.layer.pipe(Layer.provide(Config.layerWith({ redisUrl: Option.map(redisUrl, Redacted.make) })))

/** A bucket no earlier run has touched (the Redis store outlives the test). */
const freshKey = () => `key:test-${randomUUID()}`

const minute = 60_000
const redisUrl = Option.fromNullable(process.env["REDIS_URL"])

for (const store of ["memory", "Redis"] as const) {
  const limiter = limiterWith(store === "memory" ? Option.none() : redisUrl)

  describe.skipIf(store === "Redis" && Option.isNone(redisUrl))(`RateLimits with the ${store} store`, () => {
    it.effect("a window opens on the whole second of its first request, holds 30 requests and resets 60 s later", () =>
      Effect.gen(function* () {
        const plan = { key: freshKey(), limit: 30 }
        yield* TestClock.setTime(600_500) // 10 min 0.5 s after the epoch
        for (let i = 1; i <= 15; i++) {
          expect(yield* send(plan)).toEqual({
            status: 200,
            headers: { "x-ratelimit-limit": "30", "x-ratelimit-remaining": String(30 - i), "x-ratelimit-reset": "660" }
          })
        }
        // 30.5 s later: the window still holds 15 more, then refuses until it resets.
        yield* TestClock.setTime(631_000)
        for (let i = 16; i <= 30; i++) expect((yield* send(plan)).status).toBe(200)
        const refused = yield* send(plan)
        expect(refused).toEqual({
          status: 429,
          headers: {
            "x-ratelimit-limit": "30",
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": "660",
            "retry-after": "29"
          }
        })
        yield* TestClock.setTime(659_999)
        expect((yield* send(plan)).headers).toMatchObject({ "x-ratelimit-reset": "660", "retry-after": "1" })
        // At the announced reset a new window opens.
        yield* TestClock.setTime(660_000)
        expect(yield* send(plan)).toEqual({
          status: 200,
          headers: { "x-ratelimit-limit": "30", "x-ratelimit-remaining": "29", "x-ratelimit-reset": "720" }
        })
      }).pipe(Effect.provide(limiter))
    )

    it.effect.prop(
      "admits exactly 30 per window under any schedule, with exact headers; a client obeying them is never refused",
      {
        startAt: FastCheck.integer({ min: 0, max: 10 * minute }),
        steps: FastCheck.array(
          FastCheck.record({
            wait: FastCheck.integer({ min: 0, max: 2 * minute }),
            burst: FastCheck.integer({ min: 1, max: 40 }),
            thenWaitFor: FastCheck.constantFrom("retry-after", "reset", "nothing")
          }),
          { maxLength: 12 }
        )
      },
      ({ startAt, steps }) =>
        Effect.gen(function* () {
          const plan = { key: freshKey(), limit: 30 }
          let now = startAt
          yield* TestClock.setTime(now)
          // The README's rule: a window opens on the whole second of the first request after the
          // last one closed, lasts 60 s and admits 30 requests.
          let window = { start: Number.NEGATIVE_INFINITY, admitted: 0 }
          const expected = (): Seen => {
            if (now >= window.start + minute) window = { start: Math.floor(now / 1000) * 1000, admitted: 0 }
            const reset = (window.start + minute) / 1000
            if (window.admitted === 30) {
              const retryAfter = Math.ceil((reset * 1000 - now) / 1000)
              return {
                status: 429,
                headers: {
                  "x-ratelimit-limit": "30",
                  "x-ratelimit-remaining": "0",
                  "x-ratelimit-reset": String(reset),
                  "retry-after": String(retryAfter)
                }
              }
            }
            window.admitted++
            return {
              status: 200,
              headers: {
                "x-ratelimit-limit": "30",
                "x-ratelimit-remaining": String(30 - window.admitted),
                "x-ratelimit-reset": String(reset)
              }
            }
          }
          const waitUntil = function* (at: number) {
            now = at
            yield* TestClock.setTime(now)
          }

          for (const step of steps) {
            yield* waitUntil(now + step.wait)
            let refused: Seen | undefined
            for (let i = 0; i < step.burst; i++) {
              const seen = yield* send(plan)
              expect(seen).toEqual(expected())
              if (seen.status === 429) refused ??= seen
            }
            if (refused && step.thenWaitFor !== "nothing") {
              yield* waitUntil(
                step.thenWaitFor === "retry-after"
                  ? now + Number(refused.headers["retry-after"]) * 1000
                  : Number(refused.headers["x-ratelimit-reset"]) * 1000
              )
              const retried = yield* send(plan)
              expect(retried).toEqual(expected())
              expect(retried.status).toBe(200)
            }
          }
        }).pipe(Effect.provide(limiter)),
      { fastCheck: { numRuns: store === "memory" ? 50 : 25 } }
    )

    it.effect("a request refused by its route bucket does not count against the key's plan", () =>
      Effect.gen(function* () {
        const key = freshKey()
        const plan = { key, limit: 30 }
        const route = { key: `${key}:checkout`, limit: 10 }
        yield* TestClock.setTime(5_000)
        for (let i = 1; i <= 10; i++) {
          // The tighter bucket (the route's) is the one reported.
          expect((yield* send(plan, route)).headers).toMatchObject({
            "x-ratelimit-limit": "10",
            "x-ratelimit-remaining": String(10 - i)
          })
        }
        for (let i = 0; i < 5; i++) {
          expect(yield* send(plan, route)).toMatchObject({
            status: 429,
            headers: { "x-ratelimit-limit": "10", "retry-after": "60" }
          })
        }
        // The plan holds 30 - 10 = 20 more: the 5 refused requests took nothing from it.
        for (let i = 1; i <= 20; i++) {
          expect(yield* send(plan)).toMatchObject({
            status: 200,
            headers: { "x-ratelimit-limit": "30", "x-ratelimit-remaining": String(20 - i) }
          })
        }
        expect(yield* send(plan)).toMatchObject({ status: 429, headers: { "x-ratelimit-limit": "30" } })
      }).pipe(Effect.provide(limiter))
    )

    it.effect("when both buckets are spent, Retry-After waits for the later of their resets", () =>
      Effect.gen(function* () {
        const key = freshKey()
        const plan = { key, limit: 12 }
        const route = { key: `${key}:checkout`, limit: 10 }
        yield* TestClock.setTime(0)
        for (let i = 0; i < 2; i++) expect((yield* send(plan)).status).toBe(200) // the plan's window: 0 to 60 s
        yield* TestClock.setTime(20_000)
        for (let i = 0; i < 10; i++) expect((yield* send(plan, route)).status).toBe(200) // the route's: 20 to 80 s
        expect(yield* send(plan, route)).toEqual({
          status: 429,
          headers: {
            "x-ratelimit-limit": "10",
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": "80",
            "retry-after": "60"
          }
        })
        // At 60 s the plan resets but the route does not; at 80 s both have room.
        yield* TestClock.setTime(60_000)
        expect(yield* send(plan, route)).toMatchObject({ status: 429, headers: { "retry-after": "20" } })
        yield* TestClock.setTime(80_000)
        expect((yield* send(plan, route)).status).toBe(200)
      }).pipe(Effect.provide(limiter))
    )
  })
}

describe("RateLimits with Redis unreachable", () => {
  it.effect("serves the request unlimited and logs a warning", () =>
    Effect.gen(function* () {
      const warnings: Array<unknown> = []
      const capture = Logger.make(({ logLevel, message }) => {
        if (logLevel._tag === "Warning") warnings.push(message)
      })
      const seen = yield* send({ key: freshKey(), limit: 30 }).pipe(
        Effect.provide(limiterWith(Option.some("redis://127.0.0.1:1"))),
        Effect.provide(Logger.add(capture))
      )
      expect(seen).toMatchObject({ status: 200, headers: { "x-ratelimit-limit": "30", "x-ratelimit-remaining": "30" } })
      expect(String(warnings)).toContain("rate limiter store unavailable")
    })
  )
})
