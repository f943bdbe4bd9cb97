import { execFileSync, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Exit, Layer, Logger, Redacted, Schedule, Scope } from "effect"
import * as Database from "../src/Database.js"
import * as DatabaseUrl from "../src/DatabaseUrl.js"
import * as EmbeddedPostgres from "../src/EmbeddedPostgres.js"

// One cluster for the file, as SHOPVO_DATA_DIR would hold it: <root>/postgres.
// Every test leaves it stopped; the first to run initialises it.
const root = fs.mkdtempSync(path.join(os.tmpdir(), "shopvo-embedded-"))
fs.chmodSync(root, 0o755)
const dataDir = path.join(root, "postgres")
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address() as net.AddressInfo
      server.close(() => resolve(address.port))
    })
  })

const options = Effect.map(Effect.promise(freePort), (port) => ({ dataDir, port, database: "shopvo" }))

const query = <A>(url: Redacted.Redacted<string>, f: (sql: SqlClient.SqlClient) => Effect.Effect<A, SqlError>) =>
  Effect.flatMap(SqlClient.SqlClient, f).pipe(Effect.provide(PgClient.layer({ url, maxConnections: 1 })))

const pidFile = path.join(dataDir, "postmaster.pid")

/**
 * A live process that is not PostgreSQL, for the lifetime of the scope, run by
 * the user PostgreSQL runs as: PostgreSQL itself treats a pid it may not signal
 * as stale, so only a same-user pid (the usual case outside containers) makes
 * it refuse to start.
 */
const otherProgram = Effect.acquireRelease(
  Effect.sync(() => {
    const asPostgres =
      process.getuid?.() === 0
        ? {
            uid: Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" })),
            gid: Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }))
          }
        : {}
    return spawn("sleep", ["60"], { stdio: "ignore", ...asPostgres })
  }),
  (child) => Effect.sync(() => child.kill("SIGKILL"))
)

/** A pid that certainly belongs to no process: one that has exited. */
const deadPid = Effect.async<number>((resume) => {
  const child = spawn("true", [], { stdio: "ignore" })
  child.once("exit", () => resume(Effect.succeed(child.pid!)))
})

describe("EmbeddedPostgres", () => {
  it.live("start → write → stop → start → read: the cluster and its data survive a restart", () =>
    Effect.gen(function* () {
      fs.rmSync(dataDir, { recursive: true, force: true })
      const opts = yield* options

      const first = yield* Effect.scoped(
        Effect.gen(function* () {
          const server = yield* EmbeddedPostgres.start(opts)
          yield* query(server.url, (sql) =>
            Effect.zipRight(
              sql`create table notes (body text not null)`,
              sql`insert into notes (body) values ('kept across restarts')`
            )
          )
          return server
        })
      )
      expect(first.initialised).toBe(true)
      expect(first.dataDir).toBe(dataDir)
      expect(Redacted.value(first.url)).toMatch(
        new RegExp(`^postgres://postgres:[^@]+@127\\.0\\.0\\.1:${opts.port}/shopvo$`)
      )
      // Stopped cleanly: PostgreSQL removes its lock file on a clean shutdown.
      expect(fs.existsSync(pidFile)).toBe(false)
      expect(fs.statSync(path.join(dataDir, "shopvo-credentials.json")).mode & 0o777).toBe(0o600)

      const rows = yield* Effect.scoped(
        Effect.gen(function* () {
          const server = yield* EmbeddedPostgres.start(opts)
          expect(server.initialised).toBe(false)
          return yield* query(server.url, (sql) => sql<{ body: string }>`select body from notes`)
        })
      )
      expect(rows).toEqual([{ body: "kept across restarts" }])
    })
  )

  it.live("the server is built for the application: UTF-8, builtin collation, loopback only, password required", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const server = yield* EmbeddedPostgres.start(yield* options)
        const [settings] = yield* query(
          server.url,
          (sql) =>
            sql<{ encoding: string; provider: string; listen: string; version: number }>`
            select pg_encoding_to_char(d.encoding) as encoding, d.datlocprovider::text as provider,
              current_setting('listen_addresses') as listen, current_setting('server_version_num')::int as version
            from pg_database d where d.datname = current_database()`
        )
        expect(settings).toEqual({ encoding: "UTF8", provider: "b", listen: "127.0.0.1", version: expect.any(Number) })
        expect(settings!.version).toBeGreaterThanOrEqual(180000)

        const wrongPassword = Redacted.make(Redacted.value(server.url).replace(/:[^:@]+@/, ":wrong@"))
        const refused = yield* Effect.exit(query(wrongPassword, (sql) => sql`select 1`))
        expect(Exit.isFailure(refused)).toBe(true)
      })
    )
  )

  it.live("a stale postmaster.pid whose pid now belongs to another program is cleared", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const opts = yield* options
        // Make sure the cluster exists, then fake a crash that left the lock file behind.
        yield* Effect.scoped(EmbeddedPostgres.start(opts))
        const impostor = yield* otherProgram
        fs.writeFileSync(pidFile, `${impostor.pid}\n${dataDir}\n0\n${opts.port}\n\n127.0.0.1\n0 0\nready\n`)

        const server = yield* EmbeddedPostgres.start(opts)
        const [row] = yield* query(server.url, (sql) => sql<{ one: number }>`select 1 as one`)
        expect(row).toEqual({ one: 1 })
      })
    )
  )

  it.live("an empty postmaster.pid left by a crash during start-up is cleared once it is old", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const opts = yield* options
        yield* Effect.scoped(EmbeddedPostgres.start(opts))
        fs.writeFileSync(pidFile, "")
        const old = new Date(Date.now() - 60_000)
        fs.utimesSync(pidFile, old, old)
        const server = yield* EmbeddedPostgres.start(opts)
        const [row] = yield* query(server.url, (sql) => sql<{ one: number }>`select 1 as one`)
        expect(row).toEqual({ one: 1 })
      })
    )
  )

  it.live("a postmaster orphaned by a dead Shopvo process is stopped and replaced", () =>
    Effect.gen(function* () {
      const opts = yield* options
      const orphanScope = yield* Scope.make()
      const orphan = yield* Scope.extend(EmbeddedPostgres.start(opts), orphanScope)
      const orphanPid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0])
      // Its owner "dies": the owner file now names a process that no longer exists.
      fs.writeFileSync(path.join(dataDir, "shopvo-owner.pid"), String(yield* deadPid))

      const port = yield* Effect.promise(freePort)
      const rows = yield* Effect.scoped(
        Effect.gen(function* () {
          const server = yield* EmbeddedPostgres.start({ ...opts, port })
          return yield* query(
            server.url,
            (sql) => sql<{ up: boolean }>`select pg_postmaster_start_time() is not null as up`
          )
        })
      )
      expect(rows).toEqual([{ up: true }])
      expect(Number(fs.readFileSync(path.join(dataDir, "shopvo-owner.pid"), "utf8"))).toBe(process.pid)
      // The orphan is gone; closing its scope now has nothing left to stop.
      let alive = true
      try {
        process.kill(orphanPid, 0)
      } catch {
        alive = false
      }
      expect(alive).toBe(false)
      yield* Scope.close(orphanScope, Exit.void)
      expect(orphan.port).toBe(opts.port)
    })
  )

  it.live("a postmaster of a live Shopvo process is reported with a URL that reaches it", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const opts = yield* options
        const running = yield* EmbeddedPostgres.start(opts)
        const error = yield* Effect.flip(EmbeddedPostgres.start({ ...opts, port: yield* Effect.promise(freePort) }))
        if (error._tag !== "EmbeddedPostgresInUse") return expect.fail(error.message)
        expect(error.ownerPid).toBe(process.pid)
        expect(error.port).toBe(running.port)
        expect(error.message).toContain("DATABASE_URL")
        const [row] = yield* query(error.url, (sql) => sql<{ one: number }>`select 1 as one`)
        expect(row).toEqual({ one: 1 })
      })
    )
  )

  it.live(
    "a server that dies (kill -9) is logged, started again on the same port and data, and stopped on release",
    () =>
      Effect.gen(function* () {
        const messages: Array<string> = []
        const capture = Logger.replace(
          Logger.defaultLogger,
          Logger.make(({ message }) => messages.push(String(message)))
        )
        yield* Effect.scoped(
          Effect.gen(function* () {
            const server = yield* EmbeddedPostgres.start(yield* options)
            const killed = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0])
            process.kill(killed, "SIGKILL")
            const started = Date.now()
            const [row] = yield* query(server.url, (sql) => sql<{ one: number }>`select 1 as one`).pipe(
              Effect.retry(Schedule.spaced("100 millis").pipe(Schedule.upTo("15 seconds")))
            )
            expect(row).toEqual({ one: 1 })
            expect(Date.now() - started).toBeLessThan(15_000)
            expect(Number(fs.readFileSync(pidFile, "utf8").split("\n")[0])).not.toBe(killed)
          })
        ).pipe(Effect.provide(capture))
        expect(messages.some((m) => m.includes("exited unexpectedly") && m.includes("SIGKILL"))).toBe(true)
        expect(messages.some((m) => m.includes("restarted"))).toBe(true)
        expect(fs.existsSync(pidFile)).toBe(false) // the restarted server was stopped cleanly
      })
  )

  it.live("a data directory that holds something else is refused, untouched", () =>
    Effect.gen(function* () {
      const elsewhere = path.join(root, "not-a-cluster")
      fs.mkdirSync(elsewhere, { recursive: true })
      fs.writeFileSync(path.join(elsewhere, "notes.txt"), "mine")
      const error = yield* Effect.flip(
        Effect.scoped(EmbeddedPostgres.start({ ...(yield* options), dataDir: elsewhere }))
      )
      expect(error._tag === "EmbeddedPostgresError" && error.reason).toBe("DataDirectory")
      expect(fs.readdirSync(elsewhere)).toEqual(["notes.txt"])
    })
  )

  it.live.skipIf(process.getuid?.() !== 0)(
    "as root: a parent folder the postgres user cannot enter is named in the error",
    () =>
      Effect.gen(function* () {
        const locked = path.join(root, "locked")
        fs.mkdirSync(locked, { mode: 0o700 })
        fs.chmodSync(locked, 0o700)
        const error = yield* Effect.flip(
          Effect.scoped(EmbeddedPostgres.start({ ...(yield* options), dataDir: path.join(locked, "app", "postgres") }))
        )
        expect(error._tag === "EmbeddedPostgresError" && error.reason).toBe("DataDirectory")
        expect(error.message).toContain(`cannot enter ${locked}`)
      })
  )

  it.live(
    "Database.layer without DATABASE_URL: embedded server under SHOPVO_DATA_DIR, migrated, stopped on release",
    () =>
      Effect.gen(function* () {
        const port = yield* Effect.promise(freePort)
        const env = ConfigProvider.fromJson({ SHOPVO_DATA_DIR: root, SHOPVO_EMBEDDED_PG_PORT: String(port) })
        const layer = Database.layer.pipe(Layer.provide(Layer.setConfigProvider(env)))
        const [url, sites] = yield* Effect.scoped(
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            const rows = yield* sql<{ n: number }>`select count(*)::int as n from sites`
            return [yield* DatabaseUrl.DatabaseUrl, rows] as const
          }).pipe(Effect.provide(layer))
        )
        expect(DatabaseUrl.describe(url)).toBe(`postgres://postgres:***@127.0.0.1:${port}/shopvo`)
        expect(sites).toEqual([{ n: 0 }])
        expect(fs.existsSync(pidFile)).toBe(false)
      })
  )

  it.effect("config: SHOPVO_DATA_DIR and SHOPVO_EMBEDDED_PG_PORT, with defaults .data/postgres and 54329", () =>
    Effect.gen(function* () {
      const defaults = yield* Effect.withConfigProvider(EmbeddedPostgres.config, ConfigProvider.fromJson({}))
      expect(defaults).toEqual({ dataDir: path.join(".data", "postgres"), port: 54329, database: "shopvo" })
      const custom = yield* Effect.withConfigProvider(
        EmbeddedPostgres.config,
        ConfigProvider.fromJson({ SHOPVO_DATA_DIR: "/var/lib/shopvo", SHOPVO_EMBEDDED_PG_PORT: "6000" })
      )
      expect(custom).toEqual({ dataDir: "/var/lib/shopvo/postgres", port: 6000, database: "shopvo" })
      const bad = yield* Effect.flip(
        Effect.withConfigProvider(
          EmbeddedPostgres.config,
          ConfigProvider.fromJson({ SHOPVO_EMBEDDED_PG_PORT: "70000" })
        )
      )
      expect(String(bad)).toContain("SHOPVO_EMBEDDED_PG_PORT")
    })
  )
})
