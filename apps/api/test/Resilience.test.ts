import { TestDatabase } from "@shopvo/db/testing"
import { Duration } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import * as fs from "node:fs"
import { createRequire } from "node:module"
import { createServer, type Server, type Socket, connect } from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { freePort } from "./support/Process.js"
import { bodyOf, checkContract, errorOf, start, type TestApi } from "./support/TestApi.js"

/** A TCP proxy in front of PostgreSQL that the test can cut and restore, like a database outage. */
const makeProxy = (target: { host: string; port: number }) => {
  let server: Server | undefined
  const sockets = new Set<Socket>()
  let port = 0
  const up = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(target.port, target.host)
        for (const s of [client, upstream]) {
          sockets.add(s)
          s.on("close", () => sockets.delete(s))
          s.on("error", () => s.destroy())
        }
        client.pipe(upstream).pipe(client)
      })
      server.listen(port, "127.0.0.1", () => {
        port = (server!.address() as { port: number }).port
        resolve()
      })
    })
  const down = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy()
      server!.close(() => resolve())
    })
  return { up, down, port: () => port }
}

describe("Resilience", () => {
  let direct: TestApi
  let api: TestApi
  let proxy: ReturnType<typeof makeProxy>
  let siteId: string
  let key: string

  beforeAll(async () => {
    direct = await start()
    const url = new URL(direct.databaseUrl)
    proxy = makeProxy({ host: url.hostname, port: Number(url.port || 5432) })
    await proxy.up()
    url.host = `127.0.0.1:${proxy.port()}`
    api = await start(
      {},
      {
        shareDatabaseWith: { databaseUrl: url.toString(), databaseName: direct.databaseName },
        connectTimeout: Duration.seconds(1)
      }
    )
    siteId = (await direct.createSite()).id
    key = (await direct.createKey(siteId)).key
  })
  afterAll(async () => {
    await api.close()
    await direct.close()
  })

  it("answers 503 with Retry-After while PostgreSQL is down, never hangs, and recovers by itself", async () => {
    const acknowledged = await api.request("POST", `/api/v1/${siteId}/webhooks`, {
      key,
      body: { url: "https://hooks.example.com/before-outage", events: ["order.created"] }
    })
    expect(acknowledged.status).toBe(201)

    await proxy.down()
    const started = Date.now()
    const during = await api.request("GET", `/api/v1/${siteId}/site`, { key })
    expect(during.status).toBe(503)
    expect(errorOf(during).code).toBe("service_unavailable")
    expect(Number(during.headers.get("retry-after"))).toBeGreaterThan(0)
    const write = await api.request("POST", `/api/v1/${siteId}/webhooks`, {
      key,
      body: { url: "https://hooks.example.com/during-outage", events: ["order.created"] }
    })
    expect(write.status).toBe(503)
    expect(Date.now() - started).toBeLessThan(15_000) // bounded by the connect timeout, not hanging
    expect((await fetch(`${api.baseUrl}/readyz`)).status).toBe(503)

    await proxy.up()
    let recovered = 0
    for (let i = 0; i < 20 && recovered !== 200; i++) {
      recovered = (await api.request("GET", `/api/v1/${siteId}/site`, { key })).status
      if (recovered !== 200) await new Promise((r) => setTimeout(r, 250))
    }
    expect(recovered).toBe(200)
    const urls = bodyOf(await api.request("GET", `/api/v1/${siteId}/webhooks`, { key }), "webhooks.list").items.map(
      (w) => w.url
    )
    expect(urls).toContain("https://hooks.example.com/before-outage") // the acknowledged write survived
    expect(urls).not.toContain("https://hooks.example.com/during-outage") // the refused one left nothing
  }, 60_000)
})

// ---------------------------------------------------------------------------------------------
// The API as `pnpm start` runs it: no DATABASE_URL, so it starts its own embedded PostgreSQL, in
// a temp folder and on a free port owned by this test (never the machine's shared server).

const mainModule = fileURLToPath(new URL("../src/main.ts", import.meta.url))
const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href

const signal = (pids: Iterable<number>, name: NodeJS.Signals) => {
  for (const pid of pids) {
    try {
      process.kill(pid, name)
    } catch {
      // already gone
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe.skipIf(process.platform !== "linux")("Resilience: the embedded database", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shopvo-resilience-"))
  // mkdtemp makes it 0700; PostgreSQL runs as `postgres` when we are root and must enter it.
  fs.chmodSync(dir, 0o755)
  const dataDir = path.join(dir, ".data", "postgres")
  const frozen = new Set<number>()
  let api: ChildProcess
  let output = ""
  let baseUrl: string
  let siteId: string
  let key: string

  /** A request checked against the spec, with how long it took. */
  const timed = async (method: string, url: string, body?: unknown) => {
    const started = Date.now()
    const response = await fetch(`${baseUrl}${url}`, {
      method,
      headers: {
        ...(url.startsWith("/api/") ? { authorization: `Bearer ${key}` } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" })
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    })
    const text = await response.text()
    const json: unknown = text === "" ? undefined : JSON.parse(text)
    checkContract(method, url, response.status, json)
    return { status: response.status, headers: response.headers, text, body: json, ms: Date.now() - started }
  }

  const readSite = () => timed("GET", `/api/v1/${siteId}/site`)

  /** Polls a read until it answers 200; every other answer meanwhile must be a 503. */
  const recovered = async (withinMs: number) => {
    const started = Date.now()
    for (;;) {
      const { status } = await readSite()
      if (status === 200) return Date.now() - started
      expect(status).toBe(503)
      if (Date.now() - started > withinMs) throw new Error(`still ${status} after ${withinMs} ms`)
      await sleep(200)
    }
  }

  beforeAll(async () => {
    const env: NodeJS.ProcessEnv = { ...process.env }
    delete env["DATABASE_URL"]
    delete env["REDIS_URL"]
    delete env["SHOPVO_DATA_DIR"]
    const port = await freePort()
    api = spawn(process.execPath, ["--conditions=source", "--import", tsx, mainModule], {
      cwd: dir,
      env: { ...env, PORT: String(port), HOST: "127.0.0.1", SHOPVO_EMBEDDED_PG_PORT: String(await freePort()) },
      stdio: ["ignore", "pipe", "pipe"]
    })
    for (const stream of [api.stdout!, api.stderr!]) stream.on("data", (chunk: Buffer) => (output += chunk))
    baseUrl = `http://127.0.0.1:${port}`
    // Listening, migrated and seeded: the demo store's key is written once the seed is done.
    const demoFile = path.join(dir, ".data", "demo.json")
    for (let i = 0; !fs.existsSync(demoFile); i++) {
      if (api.exitCode !== null || i > 900) throw new Error(`The API did not start:\n${output}`)
      await sleep(100)
    }
    await sleep(100) // written in one call, but let it land
    ;({ siteId, key } = JSON.parse(fs.readFileSync(demoFile, "utf8")))
  })

  afterAll(async () => {
    // Whatever happened, resume a frozen server and stop everything this file started.
    signal(frozen, "SIGCONT")
    if (api !== undefined && api.exitCode === null && api.signalCode === null) {
      const exited = new Promise((resolve) => api.once("exit", resolve))
      api.kill("SIGTERM")
      if ((await Promise.race([exited, sleep(30_000).then(() => "timeout")])) === "timeout") {
        api.kill("SIGKILL")
        if (fs.existsSync(path.join(dataDir, "postmaster.pid")))
          signal(TestDatabase.serverProcesses(dataDir), "SIGKILL")
      }
    }
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it("a frozen database: reads, writes and /readyz answer 503 at once, and serve again when it resumes", async () => {
    expect((await readSite()).status).toBe(200)
    expect((await timed("GET", "/readyz")).status).toBe(200)

    for (const pid of TestDatabase.serverProcesses(dataDir)) frozen.add(pid)
    signal(frozen, "SIGSTOP")
    const [read, write, ready] = await Promise.all([
      readSite(),
      timed("POST", `/api/v1/${siteId}/webhooks`, {
        url: "https://hooks.example.com/while-frozen",
        events: ["order.created"]
      }),
      timed("GET", "/readyz")
    ])
    for (const response of [read, write]) {
      expect(response.status).toBe(503)
      expect(errorOf(response).code).toBe("service_unavailable")
      expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0)
      expect(response.ms).toBeLessThan(1_500)
    }
    expect(ready.status).toBe(503)
    expect(ready.ms).toBeLessThan(2_000)
    // Still frozen: a later request fails as fast (no connection to wait for).
    const again = await readSite()
    expect(again.status).toBe(503)
    expect(again.ms).toBeLessThan(1_500)

    signal(frozen, "SIGCONT")
    frozen.clear()
    expect(await recovered(10_000)).toBeLessThan(10_000)
    expect((await timed("GET", "/readyz")).status).toBe(200)
    const hooks = await timed("GET", `/api/v1/${siteId}/webhooks`)
    expect(bodyOf(hooks, "webhooks.list").items.map((w) => w.url)).not.toContain(
      "https://hooks.example.com/while-frozen"
    )
  }, 60_000)

  it("kill -9 of the embedded PostgreSQL: 503 meanwhile, then it is restarted and the API serves again", async () => {
    expect((await readSite()).status).toBe(200)
    const [postmaster] = TestDatabase.serverProcesses(dataDir)
    process.kill(postmaster!, "SIGKILL")

    // Backends of the killed postmaster may answer a few more queries before they notice: wait for
    // the supervisor's new server (a new pid file), answering 503 or 200 meanwhile, never a 500.
    // While it restarts there is briefly no pid file at all.
    const current = () =>
      fs.existsSync(path.join(dataDir, "postmaster.pid")) ? TestDatabase.serverProcesses(dataDir)[0] : undefined
    const restartedBy = Date.now() + 15_000
    while ((current() === postmaster || current() === undefined) && Date.now() < restartedBy) {
      expect([200, 503]).toContain((await readSite()).status)
      await sleep(200)
    }
    expect(current()).not.toBe(postmaster) // a new server, not a survivor
    expect(current()).toBeDefined()
    expect(await recovered(15_000)).toBeLessThan(15_000)
    const created = await timed("POST", `/api/v1/${siteId}/webhooks`, {
      url: "https://hooks.example.com/after-restart",
      events: ["order.created"]
    })
    expect(created.status).toBe(201)
  }, 60_000)
})
