/**
 * `pnpm bench` for the API. It seeds a fresh database (DATABASE_URL's server, or embedded) with a
 * site and a catalogue of BENCH_PRODUCTS products (default 10,000), then for each hot route:
 * - captures the SQL the API runs for it (an in-process API, `pg` queries recorded), so the
 *   baseline — plain node:http + pg, `baseline.ts` — runs exactly the same statements;
 * - loads the built API (`dist/main.js`) and the baseline, as separate processes one after the
 *   other, with autocannon on loopback, and prints requests/s, p50, p99, server CPU per request
 *   and peak RSS. Figures are printed, never asserted.
 *
 * BENCH_DURATION (s, default 10), BENCH_CONNECTIONS (default 50), BENCH_ONLY=api (skip the
 * baseline), BENCH_PROFILE=<dir> (CPU profile of the API), BENCH_LOG_LEVEL (default INFO).
 */
import { TestDatabase } from "@shopvo/db/testing"
import { HttpServer } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import autocannon from "autocannon"
import { Context, Duration, Effect, Layer, Logger, LogLevel, Redacted } from "effect"
import { fork, spawn, type ChildProcess } from "node:child_process"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import pg from "pg"
import * as Config from "../src/Config.js"
import * as Http from "../src/Http.js"
import { Keys } from "../src/Keys/Service.js"
import { seedDemoCatalog } from "../src/Products/Seed.js"
import { ServicesLive } from "../src/Services.js"
import { Sites } from "../src/Sites/Service.js"

const duration = Number(process.env["BENCH_DURATION"] ?? 10)
const connections = Number(process.env["BENCH_CONNECTIONS"] ?? 50)
const productCount = Number(process.env["BENCH_PRODUCTS"] ?? 10_000)
// Enough keys that the per-key limits never trip during a run: the limiter still runs on every
// request, it just never says no (search alone allows 60 per key per minute).
const keyCount = 1_000

// ---------------------------------------------------------------------------------------------
// SQL capture: every query a `pg` client sends while `capturing` is on.

interface Query {
  readonly text: string
  readonly values: ReadonlyArray<unknown>
}
let capturing: Array<Query> | undefined
const send = pg.Client.prototype.query as (...args: Array<unknown>) => unknown
pg.Client.prototype.query = function (this: pg.Client, ...args: Array<unknown>) {
  const [config, values] = args as [
    string | { text: string; values?: ReadonlyArray<unknown> },
    ReadonlyArray<unknown> | undefined
  ]
  if (capturing) {
    capturing.push(
      typeof config === "string"
        ? { text: config, values: values ?? [] }
        : { text: config.text, values: config.values ?? values ?? [] }
    )
  }
  return send.apply(this, args)
} as typeof pg.Client.prototype.query

// ---------------------------------------------------------------------------------------------
// Processes and measurements

const peakRssMb = (pid: number): number => {
  const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0)
  return Math.round(kb / 1024)
}

/** CPU time (user + system) the process has used, in microseconds; clock ticks are 10 ms. */
const cpuMicros = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")
  return (Number(fields[11]) + Number(fields[12])) * 10_000
}

const waitForHttp = async (url: string, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    try {
      await fetch(url)
      return
    } catch {
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`)
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once("exit", () => resolve())
    child.kill("SIGTERM")
  })

interface Row {
  readonly server: string
  readonly rps: number
  readonly p50: number
  readonly p99: number
  readonly cpuPerRequestUs: number
  readonly rssMb: number
  readonly errors: number
}

const load = async (
  server: string,
  url: string,
  headersFor: (i: number) => Record<string, string>,
  pid: number
): Promise<Row> => {
  let i = 0
  const options: autocannon.Options = {
    url,
    connections,
    pipelining: 1,
    requests: [{ setupRequest: (req) => ({ ...req, headers: headersFor(i++) }) }]
  }
  await autocannon({ ...options, duration: 2 }) // warm-up (JIT, pool, caches)
  const cpuBefore = cpuMicros(pid)
  const result = await autocannon({ ...options, duration })
  const cpu = cpuMicros(pid) - cpuBefore
  return {
    server,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuPerRequestUs: Math.round(cpu / Math.max(1, result.requests.total)),
    rssMb: peakRssMb(pid),
    errors: result.non2xx + result.errors + result.timeouts
  }
}

interface Route {
  readonly name: string
  readonly path: string
  queries: ReadonlyArray<Query>
}

const program = Effect.gen(function* () {
  const database = yield* TestDatabase.TestDatabase
  const databaseUrl = Redacted.value(database.url)
  const sql = yield* SqlClient.SqlClient

  yield* Effect.logWarning(`seeding ${productCount} products (about 8 s per 1,000)…`)
  const site = yield* Sites.create({
    name: "Bench Store",
    currency: "EUR",
    plan: "enterprise",
    theme: { "--color-primary": "#6366f1" }
  })
  const tenant = { siteId: site.id, livemode: false }
  yield* seedDemoCatalog(tenant, { products: productCount })
  const keys: Array<string> = []
  for (let k = 0; k < keyCount; k++)
    keys.push(
      (yield* Keys.create({ siteId: site.id, scopes: ["read:catalog", "read:content"], mode: "test", signing: false }))
        .key
    )
  yield* sql`analyze`

  const base = `/api/v1/${site.id}`
  const [{ slug }] = (yield* sql<{
    slug: string
  }>`select slug from products where site_id = ${site.id} order by created_at, id offset 100 limit 1`) as [
    { slug: string }
  ]
  const [{ active }] = (yield* sql<{
    active: number
  }>`select count(*)::int as active from products where site_id = ${site.id} and status = 'ACTIVE'`) as [
    { active: number }
  ]
  const cursorAt = (position: number) =>
    sql<{ id: string }>`select id from products where site_id = ${site.id} and status = 'ACTIVE'
                        order by created_at, id offset ${position} limit 1`.pipe(Effect.map((rows) => rows[0]!.id))
  const routes: Array<Route> = [
    { name: "GET /site", path: `${base}/site`, queries: [] },
    {
      name: "GET /products?limit=20&expand[]=variants",
      path: `${base}/products?limit=20&expand[]=variants`,
      queries: []
    },
    { name: "GET /products/{slug}", path: `${base}/products/${slug}`, queries: [] },
    {
      name: "GET /products?search=organic cotton",
      path: `${base}/products?search=organic%20cotton&limit=20`,
      queries: []
    },
    {
      name: "GET /products?cursor=(page 2)",
      path: `${base}/products?limit=20&cursor=${yield* cursorAt(19)}`,
      queries: []
    },
    {
      name: "GET /products?cursor=(page 500)",
      path: `${base}/products?limit=20&cursor=${yield* cursorAt(Math.min(9_979, active - 21))}`,
      queries: []
    }
  ]

  // Capture each route's SQL on an in-process API (the second request, once the key is cached).
  yield* Effect.scoped(
    Effect.gen(function* () {
      const server = yield* Layer.build(
        Http.ServerLive.pipe(
          Layer.provide(Config.layerWith({ port: 0, host: "127.0.0.1", keyCacheTtl: Duration.minutes(5) })),
          Layer.provide(Layer.succeed(SqlClient.SqlClient, sql)),
          Layer.provide(Logger.minimumLogLevel(LogLevel.Warning))
        )
      )
      const address = HttpServerAddress(server)
      for (const route of routes) {
        const get = () => fetch(`${address}${route.path}`, { headers: { authorization: `Bearer ${keys[0]}` } })
        yield* Effect.promise(get)
        capturing = []
        const res = yield* Effect.promise(get)
        route.queries = capturing
        capturing = undefined
        if (res.status !== 200)
          return yield* Effect.dieMessage(
            `${route.name} answered ${res.status}: ${yield* Effect.promise(() => res.text())}`
          )
      }
    })
  )

  const routesFile = join(mkdtempSync(join(tmpdir(), "shopvo-bench-")), "routes.json")
  writeFileSync(routesFile, JSON.stringify(routes.map(({ path, queries }) => ({ path, queries }))))

  const results: Array<{ route: Route; rows: Array<Row> }> = []
  yield* Effect.promise(async () => {
    const baseline =
      process.env["BENCH_ONLY"] === "api"
        ? undefined
        : fork(fileURLToPath(new URL("./baseline.ts", import.meta.url)), [], {
            env: { ...process.env, DATABASE_URL: databaseUrl, PORT: "3801", BENCH_ROUTES: routesFile },
            execArgv: ["--import", "tsx"],
            stdio: "ignore"
          })
    // BENCH_PROFILE=<dir> writes a CPU profile of the API process there (open it in Chrome DevTools).
    const profile = process.env["BENCH_PROFILE"] ? ["--cpu-prof", `--cpu-prof-dir=${process.env["BENCH_PROFILE"]}`] : []
    const api = spawn(process.execPath, [...profile, fileURLToPath(new URL("../dist/main.js", import.meta.url))], {
      // The bench rotates 1,000 keys (see keyCount); a 60 s key cache keeps their look-ups from
      // dominating as they would not with the handful of keys a real storefront uses.
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        PORT: "3802",
        HOST: "127.0.0.1",
        LOG_LEVEL: process.env["BENCH_LOG_LEVEL"] ?? "INFO",
        KEY_CACHE_TTL: "60 seconds"
      },
      stdio: "ignore"
    })
    if (baseline) await waitForHttp("http://127.0.0.1:3801/")
    await waitForHttp("http://127.0.0.1:3802/healthz")
    for (const route of routes) {
      const rows: Array<Row> = []
      if (baseline)
        rows.push(
          await load(
            "baseline (node:http + pg, same SQL)",
            `http://127.0.0.1:3801${route.path}`,
            () => ({}),
            baseline.pid!
          )
        )
      rows.push(
        await load(
          "shopvo",
          `http://127.0.0.1:3802${route.path}`,
          (n) => ({ authorization: `Bearer ${keys[n % keyCount]}` }),
          api.pid!
        )
      )
      results.push({ route, rows })
    }
    await stop(api)
    if (baseline) await stop(baseline)
  })

  console.log(
    `\n${productCount} products, ${connections} connections, ${duration} s per run, loopback; peak RSS is per process over the whole run\n`
  )
  console.log(
    "route / server                               req/s   p50 ms   p99 ms   CPU µs/req   peak RSS MB   non-2xx   vs baseline"
  )
  for (const { route, rows } of results) {
    console.log(route.name)
    const baselineRps = rows.length > 1 ? rows[0]!.rps : undefined
    for (const r of rows) {
      const ratio = baselineRps && r.server === "shopvo" ? `${(r.rps / baselineRps).toFixed(2)}x` : ""
      console.log(
        `  ${r.server.padEnd(40)}${String(r.rps).padStart(8)}${String(r.p50).padStart(9)}${String(r.p99).padStart(9)}` +
          `${String(r.cpuPerRequestUs).padStart(13)}${String(r.rssMb).padStart(14)}${String(r.errors).padStart(10)}${ratio.padStart(14)}`
      )
    }
  }
  console.log(
    "\nTargets (measured, not asserted): GET /site ≥ 0.5x, product list ≥ 0.7x with p99 ≤ 25 ms, RSS ≤ 250 MB, cursor page 500 no slower than page 2.\n"
  )
})

const HttpServerAddress = (context: Context.Context<HttpServer.HttpServer>) =>
  `http://127.0.0.1:${(Context.get(context, HttpServer.HttpServer).address as HttpServer.TcpAddress).port}`

Effect.runPromise(program.pipe(Effect.provide(ServicesLive), Effect.provide(TestDatabase.layer), Effect.scoped)).catch(
  (error) => {
    console.error(error)
    process.exitCode = 1
  }
)
