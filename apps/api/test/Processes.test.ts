import { execFileSync, spawnSync } from "node:child_process"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { bundledMain, startApiProcess, waitFor } from "./support/Process.js"
import { bodyOf, start, type TestApi } from "./support/TestApi.js"

/** The API processes the primary has forked (its children), by pid. */
const workersOf = (pid: number): ReadonlyArray<number> => {
  try {
    return execFileSync("pgrep", ["-P", String(pid)], { encoding: "utf8" })
      .trim()
      .split("\n")
      .map(Number)
  } catch {
    return [] // pgrep exits 1 when there are none
  }
}

const until = async (condition: () => boolean, what: string) => {
  for (let i = 0; i < 300; i++) {
    if (condition()) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}

describe("API_PROCESSES (the bundled server)", () => {
  let api: TestApi

  beforeAll(async () => {
    api = await start()
  })
  afterAll(() => api.close())

  it("runs N processes on one port, replaces one that dies, and stops them all on SIGTERM", async () => {
    const site = await api.createSite()
    const key = (await api.createKey(site.id)).key
    const { baseUrl, child } = await startApiProcess(api.databaseUrl, { env: { API_PROCESSES: "2" }, bundled: true })
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
    await until(() => workersOf(child.pid!).length === 2, "two API processes")

    const [victim] = workersOf(child.pid!)
    process.kill(victim!, "SIGKILL")
    await until(() => workersOf(child.pid!).length === 2 && !workersOf(child.pid!).includes(victim!), "a replacement")
    await waitFor(`${baseUrl}/healthz`)
    // Every process serves the API: a run of requests all succeed whichever process takes each.
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${baseUrl}/api/v1/${site.id}/site`, { headers: { authorization: `Bearer ${key}` } })
      const text = await res.text()
      expect(
        bodyOf({ status: res.status, headers: res.headers, text, body: JSON.parse(text) }, "site.get").data.id
      ).toBe(site.id)
    }

    const workers = workersOf(child.pid!)
    child.kill("SIGTERM")
    expect(await exited).toBe(0)
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow()
  }, 90_000)

  it("refuses several processes without DATABASE_URL, since the embedded database serves one", async () => {
    const result = spawnSync(process.execPath, [bundledMain], {
      env: { ...process.env, DATABASE_URL: "", API_PROCESSES: "2" },
      encoding: "utf8",
      timeout: 60_000
    })
    expect(result.status).toBe(1)
    expect(result.stderr).toContain("API_PROCESSES above 1 needs DATABASE_URL")
  }, 90_000)
})
