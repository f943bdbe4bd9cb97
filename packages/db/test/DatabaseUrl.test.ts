import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Either, Option, Redacted } from "effect"
import * as DatabaseUrl from "../src/DatabaseUrl.js"

const withEnv = (env: Record<string, string>) => Effect.withConfigProvider(ConfigProvider.fromJson(env))

describe("DatabaseUrl", () => {
  it.effect("config: unset means the embedded default", () =>
    Effect.gen(function* () {
      const url = yield* DatabaseUrl.config.pipe(withEnv({}))
      expect(Option.isNone(url)).toBe(true)
    })
  )

  it.effect("config: an empty or blank value counts as unset", () =>
    Effect.gen(function* () {
      expect(Option.isNone(yield* DatabaseUrl.config.pipe(withEnv({ DATABASE_URL: "" })))).toBe(true)
      expect(Option.isNone(yield* DatabaseUrl.config.pipe(withEnv({ DATABASE_URL: "  " })))).toBe(true)
    })
  )

  it.effect("config: postgres:// and postgresql:// URLs are accepted as given", () =>
    Effect.gen(function* () {
      for (const value of [
        "postgres://app:s3cret@db.internal:5432/shopvo",
        "postgresql://localhost/shopvo?sslmode=require"
      ]) {
        const url = yield* DatabaseUrl.config.pipe(withEnv({ DATABASE_URL: value }))
        expect(Option.map(url, Redacted.value)).toEqual(Option.some(value))
      }
    })
  )

  it.effect("config: another scheme fails naming the variable, without echoing the value", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        DatabaseUrl.config.pipe(withEnv({ DATABASE_URL: "mysql://root:hunter2@db/shop" }))
      )
      const message = String(error)
      expect(message).toContain("DATABASE_URL")
      expect(message).toContain("postgres://")
      expect(message).toContain(`"mysql:"`)
      expect(message).not.toContain("hunter2")
    })
  )

  it.effect("config: a value that is not a URL fails clearly", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(DatabaseUrl.config.pipe(withEnv({ DATABASE_URL: "localhost:5432" })))
      expect(String(error)).toContain("DATABASE_URL")
      const notUrl = yield* Effect.flip(DatabaseUrl.config.pipe(withEnv({ DATABASE_URL: "just words" })))
      expect(String(notUrl)).toContain("not a URL")
    })
  )

  it("validate: the same rule for URLs from other sources", () => {
    expect(Either.isRight(DatabaseUrl.validate("postgres://a@b/c"))).toBe(true)
    expect(Either.isLeft(DatabaseUrl.validate("http://a@b/c"))).toBe(true)
  })

  it("withDatabase: keeps server, credentials and parameters, replaces the database", () => {
    const url = Redacted.make("postgres://app:p%40ss@db:6543/postgres?sslmode=require")
    expect(Redacted.value(DatabaseUrl.withDatabase(url, "shopvo_test_1"))).toBe(
      "postgres://app:p%40ss@db:6543/shopvo_test_1?sslmode=require"
    )
  })

  it("describe: masks the password only", () => {
    expect(DatabaseUrl.describe(Redacted.make("postgres://app:s3cret@db:5432/shopvo"))).toBe(
      "postgres://app:***@db:5432/shopvo"
    )
    expect(DatabaseUrl.describe(Redacted.make("postgres://app@db/shopvo"))).toBe("postgres://app@db/shopvo")
  })
})
