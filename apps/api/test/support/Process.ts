/**
 * The API as its own OS process (from sources, through tsx), for tests of what only a separate
 * process shows: limits shared through Redis, graceful shutdown.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { type AddressInfo, createServer } from "node:net"
import { createRequire } from "node:module"
import { fileURLToPath, pathToFileURL } from "node:url"

const mainModule = fileURLToPath(new URL("../../src/main.ts", import.meta.url))
// By location, so the process can run in any working directory (`--import tsx` resolves from the cwd).
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href
/** What `pnpm start` runs: the build's single-file server (`pnpm build` makes it before tests run). */
export const bundledMain = fileURLToPath(new URL("../../dist/bundle/main.mjs", import.meta.url))

export const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer()
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })

export const waitFor = async (url: string) => {
  // Up to 2 minutes: starting from sources (tsx) on a loaded CI machine can take over 30 s.
  for (let i = 0; i < 1200; i++) {
    try {
      if ((await fetch(url)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`${url} never answered`)
}

export interface ApiProcessOptions {
  /** More environment variables (`LOG_LEVEL` is `OFF` unless given here). */
  readonly env?: Readonly<Record<string, string>>
  /** Keep the process's stdout (its log lines) readable on `child.stdout`. */
  readonly pipeStdout?: boolean
  /** Working directory (the demo store's `.data/demo.json` is written there); the test process's by default. */
  readonly cwd?: string
  /** Run the bundled build instead of the sources (faster to start, and what users run). */
  readonly bundled?: boolean
}

/** Starts `src/main.ts` on `databaseUrl` and waits until it answers; `baseUrl` is where. */
export const startApiProcess = async (
  databaseUrl: string,
  options: ApiProcessOptions = {}
): Promise<{ readonly child: ChildProcess; readonly baseUrl: string }> => {
  const port = await freePort()
  const args = options.bundled ? [bundledMain] : ["--conditions=source", "--import", tsxLoader, mainModule]
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "OFF",
      ...options.env
    },
    stdio: options.pipeStdout ? ["ignore", "pipe", "ignore"] : "ignore",
    ...(options.cwd ? { cwd: options.cwd } : {})
  })
  const baseUrl = `http://127.0.0.1:${port}`
  await waitFor(`${baseUrl}/healthz`)
  return { child, baseUrl }
}
