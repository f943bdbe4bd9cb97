// `pnpm start`: installs and builds what changed, then runs the API (its single-file build) and
// the webhook worker from the repository root, so the embedded database lives in ./.data whichever
// way it is started. The worker starts once the API listens (it shares the API's embedded
// database) and delivers the demo's webhooks; WEBHOOK_WORKER=false runs the API alone. Stopping one
// stops both. VAULT_KEY: a development key is generated once into .data/vault.key when none is set.
import { spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { bundle, installed, root, worker } from "./built.mjs"

installed()
const api = bundle("main")
const workerMain = process.env.WEBHOOK_WORKER === "false" ? undefined : worker()

const env = { ...process.env }
if (!env.VAULT_KEY) {
  mkdirSync(".data", { recursive: true })
  if (!existsSync(".data/vault.key")) writeFileSync(".data/vault.key", randomBytes(32).toString("hex"), { mode: 0o600 })
  env.VAULT_KEY = readFileSync(".data/vault.key", "utf8").trim()
}

const children = []
const stopAll = (code) => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM")
  process.exitCode = code ?? 0
}
const run = (script) => {
  const child = spawn(process.execPath, [script], { cwd: root, stdio: "inherit", env })
  child.on("exit", (code) => stopAll(code))
  children.push(child)
  return child
}
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => stopAll(0))

run(api)
if (workerMain !== undefined) {
  const port = Number(env.PORT ?? 3000)
  const deadline = Date.now() + 120_000
  while (Date.now() < deadline) {
    try {
      await fetch(`http://127.0.0.1:${port}/healthz`)
      break
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
  }
  run(workerMain)
}
