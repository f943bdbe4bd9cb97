/**
 * Starts the API. With `API_PROCESSES=N` (or `auto`: one per core) it runs N processes that share
 * the listening port through Node's cluster module; the first is started alone and, once it
 * listens (migrations applied, the demo store created), the others follow, so they never race
 * for either. A process that dies is replaced. Several processes need `DATABASE_URL` (the
 * embedded database belongs to one process) and should have `REDIS_URL`, or each process counts
 * rate limits on its own.
 */
import cluster, { type Worker } from "node:cluster"
import { availableParallelism } from "node:os"
import { NodeRuntime } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { AppLive, LoggingLive } from "./App.js"

const processCount = (value: string | undefined): number => {
  if (value === undefined || value === "") return 1
  if (value === "auto") return availableParallelism()
  const count = Number(value)
  if (!Number.isInteger(count) || count < 1 || count > 256) {
    console.error(`API_PROCESSES must be an integer from 1 to 256, or "auto" (got ${JSON.stringify(value)})`)
    process.exit(1)
  }
  return count
}

const serve = () =>
  Layer.launch(AppLive).pipe(Effect.provide(LoggingLive), NodeRuntime.runMain({ disablePrettyLogger: true }))

const supervise = (count: number) => {
  if (!process.env["DATABASE_URL"]) {
    console.error("API_PROCESSES above 1 needs DATABASE_URL: the embedded PostgreSQL serves one process")
    process.exit(1)
  }
  if (!process.env["REDIS_URL"]) console.warn("API_PROCESSES without REDIS_URL: each process counts rate limits alone")
  let stopping = false
  const listened = new WeakSet<Worker>()
  const fork = () => {
    const worker = cluster.fork()
    worker.once("listening", () => listened.add(worker))
    return worker
  }
  // The first process migrates and seeds; the rest start once it listens.
  fork().once("listening", () => {
    for (let i = 1; i < count; i++) fork()
  })
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) return
    // One that never listened failed to start (configuration, database): starting another would
    // fail the same way, forever.
    if (!listened.has(worker)) {
      stopping = true
      for (const other of Object.values(cluster.workers ?? {})) other?.process.kill("SIGTERM")
      process.exitCode = typeof code === "number" && code !== 0 ? code : 1
      return
    }
    console.error(`API process ${worker.process.pid} exited (${signal ?? code}); starting another`)
    fork()
  })
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      stopping = true
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal)
    })
  }
}

const count = cluster.isPrimary ? processCount(process.env["API_PROCESSES"]) : 1
if (count > 1) supervise(count)
else serve()
