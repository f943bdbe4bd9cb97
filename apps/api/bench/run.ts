/**
 * `pnpm bench` for the API. It seeds a fresh database (DATABASE_URL's server, or embedded) with a
 * site and a catalogue of BENCH_PRODUCTS products (default 10,000), then for each hot route:
 * - captures the SQL the API runs for it (an in-process API, `pg` queries recorded), so the
 *   baseline — plain node:http + pg, `baseline.ts` — runs exactly the same statements;
 * - loads the baseline, the framework floor (`floor.ts`: `@effect/platform` + `@effect/sql-pg`
 *   running the same SQL, nothing of Shopvo's) and the built API (`dist/bundle/main.mjs`), as
 *   separate processes one after the other, with autocannon on loopback, and prints requests/s,
 *   p50, p99, server CPU per request and peak RSS. Baseline → floor is what the stack costs,
 *   floor → API what Shopvo's own request path costs. Figures are printed, never asserted.
 * Then the whole storefront flow on the same API process: 20 virtual storefronts, each on its own
 * connection, repeat create cart → add 3 lines → checkout create → contact → shipping → payment →
 * review → complete for BENCH_DURATION, and it prints completions/s and p50/p99 per flow. The
 * bench site's own settings raise its route limits (as every site's can), and its products hold
 * enough stock that completions never run out.
 *
 * BENCH_DURATION (s, default 10), BENCH_CONNECTIONS (default 50), BENCH_ONLY=api (skip the
 * baseline and the floor), BENCH_PROFILE=<dir> (CPU profile of the API), BENCH_LOG_LEVEL (default INFO),
 * BENCH_PROCESSES=N (the API as N processes, `API_PROCESSES`; give it REDIS_URL so they share limits),
 * BENCH_FLOW_SQL=<file> (the statements of one flow, request by request; their count is always printed).
 */
import { TestDatabase } from "@shopvo/db/testing"
import { HttpServer } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import autocannon from "autocannon"
import { Context, Duration, Effect, Layer, Logger, LogLevel, Redacted } from "effect"
import { fork, spawn, type ChildProcess } from "node:child_process"
import http from "node:http"
import { createServer } from "node:net"
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
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
import type { Query } from "./replay.js"

const duration = Number(process.env["BENCH_DURATION"] ?? 10)
const processes = Number(process.env["BENCH_PROCESSES"] ?? 1)
const startup = { readyMs: 0, idleRssMb: 0, settledRssMb: 0 }
const connections = Number(process.env["BENCH_CONNECTIONS"] ?? 50)
const productCount = Number(process.env["BENCH_PRODUCTS"] ?? 10_000)
// Enough keys that the per-key limits never trip during a run: the limiter still runs on every
// request, it just never says no (search alone allows 60 per key per minute).
const keyCount = 1_000
// The issue's figure: the flow's targets are for 20 concurrent storefronts.
const flowConnections = 20
// A flow is 10 requests on one key (a shopper's session), and a key may send its plan's 1,000 a
// minute (the most a site may set): keys in rotation let 50,000 flows a minute through.
const flowKeyCount = 500
// Products the storefronts buy from (random 3 each flow), so completions rarely lock the same stock.
const flowProducts = 500

// ---------------------------------------------------------------------------------------------
// SQL capture: every query a `pg` client sends while `capturing` is on.

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

/** The process and, when it runs several API processes (`API_PROCESSES`), its children. */
const processTree = (pid: number): ReadonlyArray<number> => [
  pid,
  ...readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return Number(readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1]!.split(" ")[1]) === pid
      } catch {
        return false // it exited meanwhile
      }
    })
    .map(Number)
]

const statusMb = (pid: number, field: "VmHWM" | "VmRSS"): number =>
  Math.round(
    Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024
  )

/** Peak RSS of the largest process of the tree. */
const peakRssMb = (pid: number): number => Math.max(...processTree(pid).map((p) => statusMb(p, "VmHWM")))

/** CPU time (user + system) the process tree has used, in microseconds; clock ticks are 10 ms. */
const cpuMicros = (pid: number): number =>
  processTree(pid).reduce((sum, p) => {
    const fields = readFileSync(`/proc/${p}/stat`, "utf8").split(") ")[1]!.split(" ")
    return sum + (Number(fields[11]) + Number(fields[12])) * 10_000
  }, 0)

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

/** Three distinct ports nothing listens on now (another bench may be running on the machine). */
const freePorts = async (): Promise<readonly [number, number, number]> => {
  const listen = () =>
    new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const server = createServer()
      server.once("error", reject)
      server.listen(0, "127.0.0.1", () => resolve(server))
    })
  const servers = [await listen(), await listen(), await listen()] as const
  const ports = servers.map((server) => (server.address() as { port: number }).port)
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))))
  return [ports[0]!, ports[1]!, ports[2]!]
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once("exit", () => resolve())
    child.kill("SIGTERM")
  })

/** The framework floor's row (`floor.ts`): the stack the API is built on, running the same SQL. */
const floorName = "floor (@effect/platform + @effect/sql)"

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

// ---------------------------------------------------------------------------------------------
// The storefront flow: each virtual storefront runs one flow at a time over its keep-alive connection.

interface FlowRow {
  readonly completionsPerSecond: number
  readonly p50: number
  readonly p99: number
  readonly cpuPerFlowMs: number
  readonly rssMb: number
  readonly failed: number
  readonly firstFailure: string | undefined
}

/** Statements each request of one flow sent, in order (captured on the in-process API). */
const flowStatements: Array<readonly [string, number]> = []
const flowSql: Array<string> = []

const flowAddress = {
  firstName: "Ada",
  lastName: "Lovelace",
  line1: "Ermou 25",
  city: "Athens",
  postalCode: "10563",
  country: "GR"
}

class FlowFailure extends Error {}

const request = (agent: http.Agent, port: number, key: string, method: string, path: string, body?: object) =>
  new Promise<string>((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const req = http.request(
      {
        agent,
        host: "127.0.0.1",
        port,
        method,
        path,
        headers: {
          authorization: `Bearer ${key}`,
          ...(payload === undefined ? {} : { "content-type": "application/json" })
        }
      },
      (res) => {
        const chunks: Array<Buffer> = []
        res.on("data", (chunk: Buffer) => chunks.push(chunk))
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8")
          if (res.statusCode !== undefined && res.statusCode < 300) resolve(text)
          else
            reject(new FlowFailure(`${method} ${path.split("?")[0]} answered ${res.statusCode}: ${text.slice(0, 200)}`))
        })
      }
    )
    req.on("error", reject)
    req.end(payload)
  })

/** The `data` of a response envelope, with the fields the flow reads. */
const dataOf = (text: string) =>
  (JSON.parse(text) as { data: { id: string; state?: string; orderId?: string | null } }).data

/** One whole flow; resolves when the order is placed. */
const placeOrder = async (
  agent: http.Agent,
  port: number,
  key: string,
  base: string,
  productIds: ReadonlyArray<string>,
  storefront: number,
  n: number,
  /** Called after each request with its method and path (the SQL capture counts per request). */
  observe: (request: string) => void = () => {}
) => {
  const call = (method: string, path: string, body?: object) =>
    request(agent, port, key, method, `${base}${path}`, body).then((text) => {
      observe(`${method} ${path.split("?")[0]}`)
      return dataOf(text)
    })
  const cart = await call("POST", "/cart", { sessionId: `bench-${storefront}-${n}` })
  const picked = new Set<string>()
  while (picked.size < 3) picked.add(productIds[Math.floor(Math.random() * productIds.length)]!)
  for (const productId of picked)
    await call("PATCH", `/cart?cartId=${cart.id}`, { action: "add", item: { productId, quantity: 1 } })
  const session = await call("POST", "/checkout", { cartId: cart.id })
  const advance = (move: object) => call("PATCH", "/checkout", { sessionId: session.id, ...move })
  await advance({ state: "contact" })
  await advance({ state: "shipping", email: `shopper-${storefront}@bench.example` })
  await advance({ state: "payment", shippingAddress: flowAddress, shippingOptionId: "ship_standard" })
  await advance({ state: "review", payment: { method: "card", token: "tok_visa" } })
  const done = await advance({ state: "complete" })
  if (done.state !== "complete" || !done.orderId) throw new FlowFailure(`completion answered ${JSON.stringify(done)}`)
}

/** `flowConnections` storefronts placing orders for `seconds`; each flow's latency is recorded. */
const runFlows = async (
  port: number,
  keys: ReadonlyArray<string>,
  base: string,
  productIds: ReadonlyArray<string>,
  seconds: number
) => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: flowConnections })
  const latencies: Array<number> = []
  let failed = 0
  let firstFailure: string | undefined
  let n = 0
  const started = performance.now()
  const deadline = started + seconds * 1000
  const storefront = async (id: number) => {
    while (performance.now() < deadline) {
      const begin = performance.now()
      try {
        const flow = n++
        await placeOrder(agent, port, keys[flow % keys.length]!, base, productIds, id, flow)
        latencies.push(performance.now() - begin)
      } catch (error) {
        failed++
        firstFailure ??= error instanceof Error ? error.message : String(error)
      }
    }
  }
  await Promise.all(Array.from({ length: flowConnections }, (_, id) => storefront(id)))
  const elapsed = (performance.now() - started) / 1000
  agent.destroy()
  latencies.sort((a, b) => a - b)
  const at = (q: number) =>
    latencies.length === 0
      ? 0
      : Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!)
  return { completions: latencies.length, elapsed, p50: at(0.5), p99: at(0.99), failed, firstFailure }
}

const loadFlows = async (
  port: number,
  keys: ReadonlyArray<string>,
  base: string,
  productIds: ReadonlyArray<string>,
  pid: number
): Promise<FlowRow> => {
  await runFlows(port, keys, base, productIds, 2) // warm-up (JIT, pool, caches)
  const cpuBefore = cpuMicros(pid)
  const result = await runFlows(port, keys, base, productIds, duration)
  const cpu = cpuMicros(pid) - cpuBefore
  return {
    completionsPerSecond: Math.round(result.completions / result.elapsed),
    p50: result.p50,
    p99: result.p99,
    cpuPerFlowMs: Math.round(cpu / Math.max(1, result.completions) / 100) / 10,
    rssMb: peakRssMb(pid),
    failed: result.failed,
    firstFailure: result.firstFailure
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
  // The flow: storefront keys, the site's own settings raising its checkout and orders limits to
  // its plan's per-key limit (limits stay on), and stock that 20 storefronts cannot exhaust.
  const flowKeys: Array<string> = []
  for (let k = 0; k < flowKeyCount; k++)
    flowKeys.push(
      (yield* Keys.create({
        siteId: site.id,
        scopes: ["read:cart", "write:cart", "read:checkout", "write:checkout"],
        mode: "test",
        signing: false
      })).key
    )
  yield* sql`update sites set checkout_limit_rpm = p.rate_limit_rpm, orders_limit_rpm = p.rate_limit_rpm
             from plans p where p.name = sites.plan and sites.id = ${site.id}`
  const flowProductIds = (yield* sql<{ id: string }>`select id from products where site_id = ${site.id}
      and status = 'ACTIVE' order by created_at, id limit ${flowProducts}`).map((row) => row.id)
  yield* sql`update products set inventory_count = 1000000, inventory_status = 'IN_STOCK'
             where id in ${sql.in(flowProductIds)}`
  yield* sql`update variants set inventory_count = 1000000, inventory_status = 'IN_STOCK'
             where product_id in ${sql.in(flowProductIds)}`
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
      // One whole flow, counting the statements each of its requests sends.
      const agent = new http.Agent({ keepAlive: true })
      capturing = []
      yield* Effect.promise(() =>
        placeOrder(agent, Number(new URL(address).port), flowKeys[0]!, base, flowProductIds, 0, -1, (request) => {
          flowStatements.push([request, capturing?.length ?? 0])
          flowSql.push(`-- ${request}`, ...(capturing ?? []).map((q) => `${q.text.replace(/\s+/g, " ").trim()};`))
          capturing = []
        })
      )
      capturing = undefined
      agent.destroy()
      // BENCH_FLOW_SQL=<file>: the flow's statements, request by request.
      if (process.env["BENCH_FLOW_SQL"]) writeFileSync(process.env["BENCH_FLOW_SQL"], `${flowSql.join("\n")}\n`)
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
  const flow = yield* Effect.promise(async () => {
    const [baselinePort, floorPort, apiPort] = await freePorts()
    // The baseline and the framework floor replay the API's SQL for each route (see their files).
    const replayer = (file: string, port: number) =>
      process.env["BENCH_ONLY"] === "api"
        ? undefined
        : fork(fileURLToPath(new URL(file, import.meta.url)), [], {
            env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), BENCH_ROUTES: routesFile },
            execArgv: ["--import", "tsx"],
            stdio: "ignore"
          })
    const baseline = replayer("./baseline.ts", baselinePort)
    const floor = replayer("./floor.ts", floorPort)
    // BENCH_PROFILE=<dir> writes a CPU profile of the API process there (open it in Chrome DevTools).
    const profile = process.env["BENCH_PROFILE"] ? ["--cpu-prof", `--cpu-prof-dir=${process.env["BENCH_PROFILE"]}`] : []
    // What `pnpm start` runs: the build's single file; BENCH_PROCESSES=N runs N API processes.
    const started = performance.now()
    const api = spawn(
      process.execPath,
      [...profile, fileURLToPath(new URL("../dist/bundle/main.mjs", import.meta.url))],
      {
        // The bench rotates 1,000 keys (see keyCount); a 60 s key cache keeps their look-ups from
        // dominating as they would not with the handful of keys a real storefront uses.
        env: {
          ...process.env,
          DATABASE_URL: databaseUrl,
          PORT: String(apiPort),
          HOST: "127.0.0.1",
          LOG_LEVEL: process.env["BENCH_LOG_LEVEL"] ?? "INFO",
          KEY_CACHE_TTL: "60 seconds",
          API_PROCESSES: String(processes)
        },
        stdio: "ignore"
      }
    )
    if (baseline) await waitForHttp(`http://127.0.0.1:${baselinePort}/`)
    if (floor) await waitForHttp(`http://127.0.0.1:${floorPort}/`)
    await waitForHttp(`http://127.0.0.1:${apiPort}/healthz`)
    startup.readyMs = Math.round(performance.now() - started)
    await new Promise((r) => setTimeout(r, 2_000))
    startup.idleRssMb = Math.max(...processTree(api.pid!).map((p) => statusMb(p, "VmRSS")))
    // V8 returns the start-up garbage to the system once the process has been idle a while (its
    // memory reducer, about 8 s after the last allocation burst): the resting figure.
    await new Promise((r) => setTimeout(r, 20_000))
    startup.settledRssMb = Math.max(...processTree(api.pid!).map((p) => statusMb(p, "VmRSS")))
    for (const route of routes) {
      const rows: Array<Row> = []
      if (baseline)
        rows.push(
          await load(
            "baseline (node:http + pg, same SQL)",
            `http://127.0.0.1:${baselinePort}${route.path}`,
            () => ({}),
            baseline.pid!
          )
        )
      if (floor) rows.push(await load(floorName, `http://127.0.0.1:${floorPort}${route.path}`, () => ({}), floor.pid!))
      rows.push(
        await load(
          "shopvo",
          `http://127.0.0.1:${apiPort}${route.path}`,
          (n) => ({ authorization: `Bearer ${keys[n % keyCount]}` }),
          api.pid!
        )
      )
      results.push({ route, rows })
    }
    const flow = await loadFlows(apiPort, flowKeys, base, flowProductIds, api.pid!)
    await stop(api)
    if (baseline) await stop(baseline)
    if (floor) await stop(floor)
    return flow
  })

  console.log(
    `\n${productCount} products, ${connections} connections, ${duration} s per run, loopback, ${processes} API process(es); ` +
      "peak RSS is the largest process's over the whole run, CPU is all processes'\n"
  )
  console.log(
    `API ready ${startup.readyMs} ms after spawn (migrations current), idle RSS ${startup.idleRssMb} MB 2 s later, ` +
      `${startup.settledRssMb} MB after 20 s more at rest\n`
  )
  console.log(
    "route / server                               req/s   p50 ms   p99 ms   CPU µs/req   peak RSS MB   non-2xx   vs baseline"
  )
  for (const { route, rows } of results) {
    console.log(route.name)
    const baselineRps = rows.length > 1 ? rows[0]!.rps : undefined
    for (const r of rows) {
      const ratio = baselineRps && r !== rows[0] ? `${(r.rps / baselineRps).toFixed(2)}x` : ""
      console.log(
        `  ${r.server.padEnd(40)}${String(r.rps).padStart(8)}${String(r.p50).padStart(9)}${String(r.p99).padStart(9)}` +
          `${String(r.cpuPerRequestUs).padStart(13)}${String(r.rssMb).padStart(14)}${String(r.errors).padStart(10)}${ratio.padStart(14)}`
      )
    }
  }
  console.log(
    "\nTargets (measured, not asserted): GET /site ≥ 0.6x, product list ≥ 0.8x, product by slug ≥ 0.75x, search ≥ 0.8x, " +
      "p99 ≤ 1.5x the baseline's, peak RSS ≤ 256 MB, idle RSS ≤ 120 MB, cursor page 500 no slower than page 2.\n"
  )
  console.log(
    `\nWhole flow (cart → 3 lines → checkout → complete, 10 requests), ${flowConnections} storefronts, ${duration} s\n`
  )
  console.log(`${"flow / server".padEnd(42)}completions/s   p50 ms   p99 ms   CPU ms/flow   peak RSS MB    failed`)
  console.log(
    `  ${"shopvo".padEnd(40)}${String(flow.completionsPerSecond).padStart(13)}${String(flow.p50).padStart(9)}${String(flow.p99).padStart(9)}` +
      `${String(flow.cpuPerFlowMs).padStart(14)}${String(flow.rssMb).padStart(14)}${String(flow.failed).padStart(10)}`
  )
  if (flow.firstFailure) console.log(`  first failure: ${flow.firstFailure}`)
  const statements = flowStatements.reduce((sum, [, n]) => sum + n, 0)
  console.log(
    `  SQL statements in one flow: ${statements} (${flowStatements.map(([request, n]) => `${request} ${n}`).join(", ")})`
  )
  console.log("\nTargets (measured, not asserted): p50 ≤ 55 ms per flow, ≥ 300 completions/s.\n")
})

const HttpServerAddress = (context: Context.Context<HttpServer.HttpServer>) =>
  `http://127.0.0.1:${(Context.get(context, HttpServer.HttpServer).address as HttpServer.TcpAddress).port}`

Effect.runPromise(program.pipe(Effect.provide(ServicesLive), Effect.provide(TestDatabase.layer), Effect.scoped)).catch(
  (error) => {
    console.error(error)
    process.exitCode = 1
  }
)
