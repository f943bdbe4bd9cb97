/**
 * `pnpm bench` for the API: seeds a fresh database (DATABASE_URL's server, or embedded), starts
 * the built API (`dist/main.js`) and a plain node:http + pg baseline as separate processes, loads
 * each in turn with autocannon on loopback, and prints requests/s, p50, p99 and peak RSS.
 * Figures are printed, never asserted.
 */
import { TestDatabase } from "@shopvo/db/testing"
import autocannon from "autocannon"
import { Effect, Redacted } from "effect"
import { fork, spawn, type ChildProcess } from "node:child_process"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import * as Keys from "../src/Keys/Repo.js"
import * as Sites from "../src/Sites/Repo.js"

const duration = Number(process.env["BENCH_DURATION"] ?? 10)
const connections = Number(process.env["BENCH_CONNECTIONS"] ?? 50)
// Enough keys that the per-key plan limit (1000/min) never trips during the run: the limiter
// still runs on every request, it just never says no.
const keyCount = 200

const peakRssMb = (pid: number): number => {
  const status = readFileSync(`/proc/${pid}/status`, "utf8")
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0)
  return Math.round(kb / 1024)
}

/** CPU time (user + system) the process has used, in microseconds; clock ticks are 10 ms. */
const cpuMicros = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")
  return (Number(fields[11]) + Number(fields[12])) * 10_000
}

const waitForHttp = async (url: string, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).status < 500) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`)
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once("exit", () => resolve())
    child.kill("SIGTERM")
  })

interface Row {
  readonly name: string
  readonly rps: number
  readonly p50: number
  readonly p99: number
  readonly rssMb: number
  readonly errors: number
  /** Server CPU per request: steadier than requests/s on a shared machine. */
  readonly cpuPerRequestUs: number
}

const load = async (name: string, url: string, headersFor: (i: number) => Record<string, string>, pid: number): Promise<Row> => {
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
    cpuPerRequestUs: Math.round(cpu / Math.max(1, result.requests.total)),
    name,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    rssMb: peakRssMb(pid),
    errors: result.non2xx + result.errors + result.timeouts
  }
}

const program = Effect.gen(function* () {
  const database = yield* TestDatabase.TestDatabase
  const databaseUrl = Redacted.value(database.url)
  const site = yield* Sites.create({ name: "Bench Store", currency: "EUR", plan: "enterprise", theme: { "--color-primary": "#6366f1" } })
  const keys: Array<string> = []
  for (let k = 0; k < keyCount; k++) keys.push((yield* Keys.create({ siteId: site.id, scopes: ["read:content"], mode: "test", signing: false })).key)
  const path = `/api/v1/${site.id}/site`

  const rows: Array<Row> = []
  yield* Effect.promise(async () => {
    // BENCH_ONLY=api skips the baseline (for quick A/B runs of the API alone).
    if (process.env["BENCH_ONLY"] !== "api") {
    const baseline = fork(fileURLToPath(new URL("./baseline.ts", import.meta.url)), [], {
      env: { ...process.env, DATABASE_URL: databaseUrl, PORT: "3801" },
      execArgv: ["--import", "tsx"],
      stdio: "ignore"
    })
    await waitForHttp(`http://127.0.0.1:3801${path}`)
    rows.push(await load("baseline  node:http + pg", `http://127.0.0.1:3801${path}`, () => ({}), baseline.pid!))
    await stop(baseline)
    }

    // BENCH_PROFILE=<dir> writes a CPU profile of the API process there (open it in Chrome DevTools).
    const profile = process.env["BENCH_PROFILE"] ? ["--cpu-prof", `--cpu-prof-dir=${process.env["BENCH_PROFILE"]}`] : []
    const api = spawn(process.execPath, [...profile, fileURLToPath(new URL("../dist/main.js", import.meta.url))], {
      env: { ...process.env, DATABASE_URL: databaseUrl, PORT: "3802", HOST: "127.0.0.1", LOG_LEVEL: process.env["BENCH_LOG_LEVEL"] ?? "INFO" },
      stdio: "ignore"
    })
    await waitForHttp("http://127.0.0.1:3802/healthz")
    rows.push(
      await load("shopvo    GET /site", `http://127.0.0.1:3802${path}`, (n) => ({ authorization: `Bearer ${keys[n % keyCount]}` }), api.pid!)
    )
    await stop(api)
  })

  const base = rows.length > 1 ? rows[0]! : undefined
  const ours = rows[rows.length - 1]!
  console.log(`\nGET /api/v1/{siteId}/site — ${connections} connections, ${duration} s, loopback\n`)
  console.log("server                      req/s     p50 ms   p99 ms   CPU µs/req   peak RSS MB   non-2xx/errors")
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(26)}${String(r.rps).padStart(7)}${String(r.p50).padStart(11)}${String(r.p99).padStart(9)}${String(r.cpuPerRequestUs).padStart(13)}${String(r.rssMb).padStart(14)}${String(r.errors).padStart(17)}`
    )
  }
  if (base) console.log(`\nshopvo / baseline throughput: ${(ours.rps / base.rps).toFixed(2)}x   (target ≥ 0.5x, RSS ≤ 250 MB)\n`)
})

Effect.runPromise(program.pipe(Effect.provide(TestDatabase.layer), Effect.scoped)).catch((error) => {
  console.error(error)
  process.exitCode = 1
})
