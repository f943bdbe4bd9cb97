/**
 * The system under proof, as a user runs it: the bundled API server (`pnpm start`'s) in a fresh
 * folder, starting its own embedded PostgreSQL (so the proof can stop it), creating the demo store,
 * and a second store seeded by the CLI (`shopvo seed --demo`) with the same look-alike data. The
 * proof reads the database directly only to compare it before and after a refused request.
 */
import { TestDatabase } from "@shopvo/db/testing"
import { type ChildProcess, execFile, spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import pg from "pg"
import { bundledMain, freePort, waitFor } from "../../test/support/Process.js"

const run = promisify(execFile)
const bundledCli = fileURLToPath(new URL("../../dist/bundle/cli.mjs", import.meta.url))

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export interface Store {
  readonly siteId: string
  /** An `admin:*` test key. */
  readonly key: string
}

export interface Stack {
  readonly baseUrl: string
  readonly dir: string
  readonly dataDir: string
  readonly storeA: Store
  readonly storeB: Store
  /** The URL of the API's database (for a second API process). */
  readonly databaseUrl: string
  /** A direct connection to the API's database. */
  readonly db: pg.Pool
  /** `shopvo …` with `--json`, against the same database. */
  readonly cli: (...args: ReadonlyArray<string>) => Promise<unknown>
  /** Everything the API printed (its JSON log lines). */
  readonly output: () => string
  readonly api: () => ChildProcess
  readonly close: () => Promise<void>
}

export interface StackOptions {
  readonly env?: Readonly<Record<string, string>>
}

export const start = async (options: StackOptions = {}): Promise<Stack> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shopvo-proof-"))
  // PostgreSQL runs as `postgres` when we are root, and must enter the folder.
  fs.chmodSync(dir, 0o755)
  const dataDir = path.join(dir, ".data", "postgres")
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const name of ["DATABASE_URL", "REDIS_URL", "SHOPVO_DATA_DIR"]) delete env[name]
  const pgPort = await freePort()
  const port = await freePort()
  const baseUrl = `http://127.0.0.1:${port}`
  let output = ""
  const api = spawn(process.execPath, [bundledMain], {
    cwd: dir,
    env: {
      ...env,
      PORT: String(port),
      HOST: "127.0.0.1",
      SHOPVO_EMBEDDED_PG_PORT: String(pgPort),
      LOG_LEVEL: "WARN",
      // The data vault's key, as `pnpm start` generates one.
      VAULT_KEY: randomBytes(32).toString("hex"),
      ...options.env
    },
    stdio: ["ignore", "pipe", "pipe"]
  })
  for (const stream of [api.stdout!, api.stderr!]) stream.on("data", (chunk: Buffer) => (output += chunk))

  // Listening, migrated and seeded: the demo store's key is written once the seed is done.
  const demoFile = path.join(dir, ".data", "demo.json")
  for (let i = 0; !fs.existsSync(demoFile); i++) {
    if (api.exitCode !== null || i > 1_800) throw new Error(`The API did not start:\n${output}`)
    await sleep(100)
  }
  await sleep(100)
  await waitFor(`${baseUrl}/healthz`)
  const storeA: Store = JSON.parse(fs.readFileSync(demoFile, "utf8"))

  const credentials: { user: string; password: string } = JSON.parse(
    fs.readFileSync(path.join(dataDir, "shopvo-credentials.json"), "utf8")
  )
  const databaseUrl = `postgres://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${pgPort}/shopvo`
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 })
  db.on("error", () => {}) // the fault part kills the server under it

  const cli = async (...args: ReadonlyArray<string>): Promise<unknown> => {
    const { stdout } = await run(process.execPath, [bundledCli, ...args, "--json"], {
      cwd: dir,
      env: { ...env, SHOPVO_EMBEDDED_PG_PORT: String(pgPort), LOG_LEVEL: "OFF" }
    })
    return JSON.parse(stdout)
  }
  const seeded = await cli("seed", "--demo")
  if (typeof seeded !== "object" || seeded === null || !("siteId" in seeded) || !("key" in seeded))
    throw new Error(`shopvo seed --demo printed ${JSON.stringify(seeded)}`)
  const storeB: Store = { siteId: String(seeded.siteId), key: String(seeded.key) }

  const close = async () => {
    await db.end().catch(() => undefined)
    if (api.exitCode === null && api.signalCode === null) {
      const exited = new Promise((resolve) => api.once("exit", resolve))
      api.kill("SIGTERM")
      if ((await Promise.race([exited, sleep(30_000).then(() => "timeout")])) === "timeout") api.kill("SIGKILL")
    }
    if (fs.existsSync(path.join(dataDir, "postmaster.pid"))) {
      for (const pid of TestDatabase.serverProcesses(dataDir)) {
        try {
          process.kill(pid, "SIGKILL")
        } catch {
          // already gone
        }
      }
    }
    fs.rmSync(dir, { recursive: true, force: true })
  }
  return { baseUrl, dir, dataDir, storeA, storeB, databaseUrl, db, cli, output: () => output, api: () => api, close }
}
