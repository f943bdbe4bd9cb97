/**
 * `pnpm bench` for the webhook worker: deliveries per second to a local receiver. A fresh database
 * (DATABASE_URL's server, or embedded) gets one site, one test-mode subscription to a receiver on
 * loopback that answers 200 at once, and BENCH_DELIVERIES events (default 5,000) written in one
 * statement; the built worker (`dist/main.js`, its own process, default settings) delivers them.
 * Prints deliveries/s from the first event written to the last delivery recorded as succeeded,
 * the worker's CPU per delivery and peak RSS. Measured, never asserted (target: ≥ 1,000/s).
 */
import { spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import http from "node:http"
import type { AddressInfo } from "node:net"
import { fileURLToPath } from "node:url"
import { TestDatabase } from "@shopvo/db/testing"
import { SqlClient } from "@effect/sql"
import { Effect, Layer, Logger, LogLevel, Redacted } from "effect"

const count = Number(process.env["BENCH_DELIVERIES"] ?? 5000)

const cpuMicros = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")
  return (Number(fields[11]) + Number(fields[12])) * 10_000
}
const peakRssMb = (pid: number): number =>
  Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024)

const program = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const database = yield* TestDatabase.TestDatabase

  let received = 0
  const receiver = http.createServer((req, res) => {
    req.resume()
    req.on("end", () => {
      received++
      res.writeHead(200).end("ok")
    })
  })
  yield* Effect.promise(() => new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve)))
  const port = (receiver.address() as AddressInfo).port

  yield* sql`insert into sites (id, name, currency) values ('site_bench', 'Bench', 'EUR')`
  yield* sql`insert into webhook_subscriptions (id, site_id, livemode, url, events, secret)
             values ('wh_bench', 'site_bench', false, ${`http://127.0.0.1:${port}/hooks`}, '{product.deleted}',
                     'whsec_' || repeat('b', 48))`

  const worker = spawn(process.execPath, [fileURLToPath(new URL("../dist/main.js", import.meta.url))], {
    env: { ...process.env, DATABASE_URL: Redacted.value(database.url), LOG_LEVEL: "INFO" },
    stdio: ["ignore", "pipe", "inherit"]
  })
  yield* Effect.promise(
    () =>
      new Promise<void>((resolve, reject) => {
        worker.stdout.on("data", (chunk: Buffer) => {
          if (chunk.toString().includes("Webhook worker started")) resolve()
        })
        worker.once("exit", (code) => reject(new Error(`worker exited (${code})`)))
      })
  )
  const cpuBefore = cpuMicros(worker.pid!)
  const started = performance.now()
  yield* sql`insert into events (id, site_id, livemode, type, payload)
             select 'evt_bench' || g, 'site_bench', false, 'product.deleted',
                    jsonb_build_object('id', 'prd_' || g, 'slug', 'product-' || g)
             from generate_series(1, ${count}) g`
  while (true) {
    const [row] = yield* sql<{
      n: number
    }>`select count(*)::int as n from webhook_deliveries where status = 'succeeded'`
    if (row!.n >= count) break
    yield* Effect.sleep("50 millis")
  }
  const seconds = (performance.now() - started) / 1000
  const cpuMs = (cpuMicros(worker.pid!) - cpuBefore) / 1000
  const rss = peakRssMb(worker.pid!)
  worker.kill("SIGTERM")
  receiver.close()
  console.log(`\nWebhook deliveries to a local receiver (${count} events, one subscription, worker defaults)\n`)
  console.log(`${"deliveries/s".padEnd(16)}${"total s".padEnd(10)}${"worker CPU ms/delivery".padEnd(25)}peak RSS MB`)
  console.log(
    `${String(Math.round(count / seconds)).padEnd(16)}${seconds.toFixed(2).padEnd(10)}${(cpuMs / count).toFixed(3).padEnd(25)}${rss}`
  )
  console.log(`(receiver saw ${received} POSTs)`)
  console.log("\nTarget (measured, not asserted): ≥ 1,000 deliveries/s.\n")
})

await Effect.runPromise(
  program.pipe(Effect.provide(Layer.merge(TestDatabase.layer, Logger.minimumLogLevel(LogLevel.Warning))), Effect.scoped)
)
