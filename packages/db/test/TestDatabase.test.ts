import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, layer } from "@effect/vitest"
import { ConfigProvider, Context, Effect, Exit, Layer, Redacted, Scope } from "effect"
import { TestDatabase } from "../src/testing.js"

const currentDatabase = (context: Context.Context<SqlClient.SqlClient>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const [row] = yield* sql<{ name: string }>`select current_database() as name`
    return row!.name
  }).pipe(Effect.provide(context))

const portOf = (url: Redacted.Redacted<string>) => new URL(Redacted.value(url)).port

describe("TestDatabase", () => {
  // Real clock: the layers under test start processes and wait on them.
  layer(TestDatabase.layer, { excludeTestServices: true })((it) => {
    it.scoped("two layers get two different databases, isolated from each other", () =>
      Effect.gen(function* () {
        const a = yield* Layer.build(TestDatabase.layer)
        const b = yield* Layer.build(TestDatabase.layer)
        const infoA = Context.get(a, TestDatabase.TestDatabase)
        const infoB = Context.get(b, TestDatabase.TestDatabase)
        expect(infoA.name).toMatch(/^shopvo_test_[0-9a-f]{16}$/)
        expect(infoA.name).not.toBe(infoB.name)
        expect(yield* currentDatabase(a)).toBe(infoA.name)
        expect(yield* currentDatabase(b)).toBe(infoB.name)

        yield* Effect.provide(
          Effect.flatMap(
            SqlClient.SqlClient,
            (sql) => sql`insert into sites (id, name, currency) values ('site_a', 'A', 'EUR')`
          ),
          a
        )
        const inB = yield* Effect.provide(
          Effect.flatMap(SqlClient.SqlClient, (sql) => sql`select id from sites`),
          b
        )
        expect(inB).toEqual([])
      })
    )

    it.effect("releasing a layer drops its database", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const scope = yield* Scope.make()
        const context = yield* Layer.buildWithScope(TestDatabase.layer, scope)
        const { name } = Context.get(context, TestDatabase.TestDatabase)
        const exists = sql<{ n: number }>`select count(*)::int as n from pg_database where datname = ${name}`
        expect((yield* exists)[0]!.n).toBe(1)
        yield* Scope.close(scope, Exit.void)
        expect((yield* exists)[0]!.n).toBe(0)
      })
    )

    it.scoped("with no DATABASE_URL and no shared server, layers of one process share one embedded server", () =>
      Effect.gen(function* () {
        const standalone = TestDatabase.layer.pipe(Layer.provide(Layer.setConfigProvider(ConfigProvider.fromJson({}))))
        const a = Context.get(yield* Layer.build(standalone), TestDatabase.TestDatabase)
        const b = Context.get(yield* Layer.build(standalone), TestDatabase.TestDatabase)
        const outer = yield* TestDatabase.TestDatabase
        expect(a.name).not.toBe(b.name)
        expect(portOf(a.url)).toBe(portOf(b.url))
        // It is not the server the rest of the run uses.
        expect(portOf(a.url)).not.toBe(portOf(outer.url))
      })
    )
  })
})
