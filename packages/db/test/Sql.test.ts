import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Context, Duration, Effect, Layer, Schedule } from "effect"
import * as Sql from "../src/Sql.js"
import { TestDatabase } from "../src/testing.js"

const withEnv = (env: Record<string, string>) => Effect.withConfigProvider(ConfigProvider.fromJson(env))

describe("Sql", () => {
  it.effect("poolConfig: defaults to 10 connections, a 1 s connect timeout and a 5 s query timeout", () =>
    Effect.gen(function* () {
      const options = yield* Sql.poolConfig.pipe(withEnv({}))
      expect(options.maxConnections).toBe(10)
      expect(Duration.toMillis(options.connectTimeout)).toBe(1000)
      expect(options.queryTimeout && Duration.toMillis(options.queryTimeout)).toBe(5000)
    })
  )

  it.effect("poolConfig: DATABASE_POOL_SIZE, DATABASE_CONNECT_TIMEOUT and DATABASE_QUERY_TIMEOUT are read", () =>
    Effect.gen(function* () {
      const options = yield* Sql.poolConfig.pipe(
        withEnv({
          DATABASE_POOL_SIZE: "25",
          DATABASE_CONNECT_TIMEOUT: "2 seconds",
          DATABASE_QUERY_TIMEOUT: "30 seconds"
        })
      )
      expect(options.maxConnections).toBe(25)
      expect(Duration.toMillis(options.connectTimeout)).toBe(2000)
      expect(options.queryTimeout && Duration.toMillis(options.queryTimeout)).toBe(30_000)
    })
  )

  it.effect("poolConfig: a bad pool size fails naming the variable", () =>
    Effect.gen(function* () {
      for (const value of ["0", "-3", "1.5", "ten", "501"]) {
        const error = yield* Effect.flip(Sql.poolConfig.pipe(withEnv({ DATABASE_POOL_SIZE: value })))
        expect(String(error)).toContain("DATABASE_POOL_SIZE")
      }
    })
  )

  it.effect("poolConfig: a zero or malformed timeout fails naming the variable", () =>
    Effect.gen(function* () {
      for (const name of ["DATABASE_CONNECT_TIMEOUT", "DATABASE_QUERY_TIMEOUT"]) {
        for (const value of ["0 seconds", "soon"]) {
          const error = yield* Effect.flip(Sql.poolConfig.pipe(withEnv({ [name]: value })))
          expect(String(error)).toContain(name)
        }
      }
    })
  )
})

const signal = (pids: ReadonlyArray<number>, name: NodeJS.Signals) => {
  for (const pid of pids) {
    try {
      process.kill(pid, name)
    } catch {
      // already gone
    }
  }
}

/** A pool on a server of the test's own (never a shared one: it gets frozen). */
const ownServer = (options: Partial<Sql.PoolOptions> = {}) =>
  Effect.gen(function* () {
    const server = yield* TestDatabase.startEphemeralServer
    const context = yield* Layer.build(
      Sql.layerFrom(server.url, {
        maxConnections: 3,
        connectTimeout: Duration.seconds(1),
        idleTimeout: Duration.seconds(30),
        applicationName: "shopvo-test",
        ...options
      })
    )
    return { server, sql: Context.get(context, SqlClient.SqlClient) }
  })

describe.skipIf(process.platform !== "linux")("Sql: a database that does not answer", () => {
  it.live(
    "frozen (SIGSTOP): queries on open connections fail within about a second, and serve again after SIGCONT",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const { server, sql } = yield* ownServer()
          yield* sql`create table notes (body text not null)`
          // Both connections of the pool are open and idle when the server stops.
          yield* Effect.all([sql`select pg_sleep(0.05)`, sql`select pg_sleep(0.05)`], { concurrency: 2 })

          const pids = TestDatabase.serverProcesses(server.dataDir)
          // Resumed when the scope closes, before the server is stopped, even if an assertion fails.
          yield* Effect.acquireRelease(
            Effect.sync(() => signal(pids, "SIGSTOP")),
            () => Effect.sync(() => signal(pids, "SIGCONT"))
          )
          const started = Date.now()
          const [read, write] = yield* Effect.all(
            [
              Effect.flip(sql`select 1`),
              Effect.flip(sql.withTransaction(sql`insert into notes (body) values ('while frozen')`))
            ],
            { concurrency: 2 }
          )
          expect(Date.now() - started).toBeLessThan(1_500)
          // Failures (a transaction's lost connection too), so callers can answer 503 rather than die.
          expect(read._tag).toBe("SqlError")
          expect(write._tag).toBe("SqlError")

          signal(pids, "SIGCONT")
          const [row] = yield* sql<{ n: number }>`select count(*)::int as n from notes`.pipe(
            Effect.retry(Schedule.spaced("100 millis").pipe(Schedule.upTo("5 seconds")))
          )
          expect(row).toEqual({ n: 0 }) // the write cut off by the freeze left nothing
        })
      )
  )

  it.live("DATABASE_QUERY_TIMEOUT: a statement that runs longer is cancelled and its transaction rolled back", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { sql } = yield* ownServer({ queryTimeout: Duration.millis(300) })
        yield* sql`create table notes (body text not null)`
        const error = yield* Effect.flip(
          sql.withTransaction(
            Effect.zipRight(sql`insert into notes (body) values ('half a write')`, sql`select pg_sleep(2)`)
          )
        )
        expect((error.cause as { code?: string }).code).toBe("57014") // query_canceled
        expect(yield* sql`select * from notes`).toEqual([])
        expect(yield* sql`select 1 as one`).toEqual([{ one: 1 }]) // the connection is usable again
      })
    )
  )
})
