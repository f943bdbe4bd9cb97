import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Duration, Effect } from "effect"
import * as Sql from "../src/Sql.js"

const withEnv = (env: Record<string, string>) => Effect.withConfigProvider(ConfigProvider.fromJson(env))

describe("Sql", () => {
  it.effect("poolConfig: defaults to 10 connections and a 5 s connect timeout", () =>
    Effect.gen(function* () {
      const options = yield* Sql.poolConfig.pipe(withEnv({}))
      expect(options.maxConnections).toBe(10)
      expect(Duration.toMillis(options.connectTimeout)).toBe(5000)
    })
  )

  it.effect("poolConfig: DATABASE_POOL_SIZE and DATABASE_CONNECT_TIMEOUT are read", () =>
    Effect.gen(function* () {
      const options = yield* Sql.poolConfig.pipe(
        withEnv({ DATABASE_POOL_SIZE: "25", DATABASE_CONNECT_TIMEOUT: "2 seconds" })
      )
      expect(options.maxConnections).toBe(25)
      expect(Duration.toMillis(options.connectTimeout)).toBe(2000)
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

  it.effect("poolConfig: a zero or malformed connect timeout fails naming the variable", () =>
    Effect.gen(function* () {
      for (const value of ["0 seconds", "soon"]) {
        const error = yield* Effect.flip(Sql.poolConfig.pipe(withEnv({ DATABASE_CONNECT_TIMEOUT: value })))
        expect(String(error)).toContain("DATABASE_CONNECT_TIMEOUT")
      }
    })
  )
})
