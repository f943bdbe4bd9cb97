import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import * as Migrations from "../src/Migrations.js"
import { migrations } from "../src/migrations/index.js"
import { TestDatabase } from "../src/testing.js"

const platformTables = ["api_keys", "events", "idempotency_keys", "signature_replays", "sites"]

/** Every migration in the folder, as the Migrator reports them: later migrations join without editing these tests. */
const allMigrations = Migrations.fromDirectory(Migrations.directory).pipe(
  Effect.map((loaded) => loaded.map(([id, name]) => [id, name] as const)),
  Effect.provide(NodeContext.layer)
)

const publicTables = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const rows = yield* sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = 'public' order by table_name`
  return rows.map((row) => row.table_name)
})

describe("Migrations", () => {
  it("directory: absolute, next to the module, holding 0001_platform", async () => {
    expect(path.isAbsolute(Migrations.directory)).toBe(true)
    expect(await fs.readdir(Migrations.directory)).toContain("0001_platform.ts")
  })

  it("the generated index holds every migration of the folder, so the bundled server applies them all", async () => {
    const files = (await fs.readdir(Migrations.directory)).filter((file) => /^\d+_[^.]+\.ts$/.test(file))
    expect(Object.keys(migrations).sort()).toEqual(files.map((file) => file.replace(/\.ts$/, "")).sort())
  })

  it.effect("fromDirectory: numbered .ts/.js files in numeric order; declarations, maps and others ignored", () =>
    Effect.gen(function* () {
      const dir = yield* Effect.acquireRelease(
        Effect.promise(() => fs.mkdtemp(path.join(os.tmpdir(), "shopvo-migrations-"))),
        (dir) => Effect.promise(() => fs.rm(dir, { recursive: true, force: true }))
      )
      const files = [
        "0010_ten.js",
        "0002_two.js",
        "0002_two.d.ts",
        "0002_two.js.map",
        "0001_one.ts",
        "README.md",
        "x_0003.js"
      ]
      yield* Effect.promise(() => Promise.all(files.map((file) => fs.writeFile(path.join(dir, file), ""))))
      const loaded = yield* Migrations.fromDirectory(dir)
      expect(loaded.map(([id, name]) => [id, name])).toEqual([
        [1, "one"],
        [2, "two"],
        [10, "ten"]
      ])
    }).pipe(Effect.scoped, Effect.provide(NodeContext.layer))
  )

  it.layer(TestDatabase.layerUnmigrated)("on an empty database", (it) => {
    it.effect("run: applies every migration once, 0001_platform first; a second run applies nothing", () =>
      Effect.gen(function* () {
        const applied = yield* Migrations.run
        expect(applied[0]).toEqual([1, "platform"])
        expect(applied).toEqual(yield* allMigrations)
        expect(yield* Migrations.run).toEqual([])
        const tables = yield* publicTables
        for (const table of [...platformTables, Migrations.table]) expect(tables).toContain(table)
      })
    )
  })

  it.layer(TestDatabase.layerUnmigrated)("on an empty database, run concurrently", (it) => {
    it.effect("run: concurrent first runs apply each migration exactly once, without errors", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const results = yield* Effect.all(
          Array.from({ length: 4 }, () => Migrations.run),
          { concurrency: "unbounded" }
        )
        const expected = yield* allMigrations
        expect(results.flat()).toEqual(expected)
        const rows = yield* sql<{ migration_id: number }>`
          select migration_id from ${sql(Migrations.table)} order by migration_id`
        expect(rows.map((row) => row.migration_id)).toEqual(expected.map(([id]) => id))
      })
    )
  })

  it.layer(TestDatabase.layerUnmigrated)("with a failing migration", (it) => {
    it.effect("runFrom: a failure rolls back every migration of the run", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const dir = fileURLToPath(new URL("./fixtures/failing-migrations", import.meta.url))
        const exit = yield* Effect.exit(Migrations.runFrom(dir))
        expect(Exit.isFailure(exit)).toBe(true)
        const [row] = yield* sql<{ probe: string | null; bookkeeping: string | null }>`
          select to_regclass('migration_probe')::text as probe, to_regclass(${Migrations.table})::text as bookkeeping`
        expect(row).toEqual({ probe: null, bookkeeping: null })
      })
    )
  })

  it.layer(TestDatabase.layer)("TestDatabase.layer", (it) => {
    it.effect("provides a database already migrated", () =>
      Effect.gen(function* () {
        const tables = yield* publicTables
        for (const table of platformTables) expect(tables).toContain(table)
        expect(yield* Migrations.run).toEqual([])
      })
    )
  })
})
