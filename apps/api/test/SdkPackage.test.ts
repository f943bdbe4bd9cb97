/**
 * The published @shopvo/sdk as a developer gets it: `pnpm pack` makes the tarball, a scratch project
 * outside the workspace installs it with npm, and runs the reference's snippet against the demo
 * store of a freshly started API (as `pnpm start` serves it), printing the products it lists.
 */
import { type ChildProcess, execFile } from "node:child_process"
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startApiProcess } from "./support/Process.js"
import { fillSnippet } from "./support/Snippet.js"
import { start, type TestApi } from "./support/TestApi.js"

const exec = promisify(execFile)
const sdkDir = fileURLToPath(new URL("../../sdk/", import.meta.url))

/** pnpm as the test runs under it (`npm_execpath`: a script or an executable), or the one on PATH. */
const pnpm = (args: ReadonlyArray<string>, cwd: string) => {
  const execpath = process.env["npm_execpath"]
  if (execpath === undefined || !/pnpm/.test(execpath)) return exec("pnpm", [...args], { cwd })
  return /\.[cm]?js$/.test(execpath)
    ? exec(process.execPath, [execpath, ...args], { cwd })
    : exec(execpath, [...args], { cwd })
}

/** The demo store's site and key, once the started API has seeded it (it listens meanwhile). */
const demoOf = async (dir: string) => {
  for (let i = 0; i < 1200; i++) {
    try {
      return JSON.parse(readFileSync(join(dir, ".data/demo.json"), "utf8")) as { siteId: string; key: string }
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  throw new Error("the API never wrote .data/demo.json")
}

describe("the packed @shopvo/sdk in a scratch project", () => {
  let api: TestApi
  let child: ChildProcess | undefined
  const scratch = mkdtempSync(join(tmpdir(), "shopvo-sdk-scratch-"))

  beforeAll(async () => {
    api = await start() // a fresh database for the started API (its own server is not used)
  })
  afterAll(async () => {
    child?.kill("SIGTERM")
    await api?.close()
    rmSync(scratch, { recursive: true, force: true })
  })

  it("installs the tarball and runs the reference's snippet against the demo store", async () => {
    // The API as `pnpm start` runs it: a new database gets the demo store, its key in ./.data/demo.json.
    const started = await startApiProcess(api.databaseUrl, { cwd: scratch })
    child = started.child
    const demo = await demoOf(scratch)
    const signing = await api.createKey(demo.siteId, { signing: true })

    // What the snippet names: the product `classic-white-t-shirt` (made here), one of the demo orders.
    const headers = { authorization: `Bearer ${demo.key}`, "content-type": "application/json" }
    const base = `${started.baseUrl}/api/v1/${demo.siteId}`
    const tee = await fetch(`${base}/products`, {
      method: "POST",
      headers,
      body: JSON.stringify({ name: "Classic White T-Shirt", price: 2500 })
    }).then((r) => r.json() as Promise<{ data: { id: string } }>)
    const orders = await fetch(`${base}/orders?limit=1`, { headers }).then(
      (r) => r.json() as Promise<{ items: Array<{ number: string }> }>
    )

    await pnpm(["pack", "--pack-destination", scratch], sdkDir)
    const tarball = readdirSync(scratch).find((name) => /^shopvo-sdk-.*\.tgz$/.test(name))
    expect(tarball).toBeDefined()

    const app = join(scratch, "app")
    mkdirSync(app)
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "scratch", private: true, type: "module" }))
    await exec("npm", ["install", join(scratch, tarball!), "--offline", "--no-audit", "--no-fund"], { cwd: app })
    const installed = join(app, "node_modules/@shopvo/sdk")
    const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"))
    expect(manifest.dependencies ?? {}).toEqual({})
    expect(JSON.stringify(manifest)).not.toContain("workspace:")
    expect(manifest.exports["."]).toEqual({ types: "./dist/index.d.ts", default: "./dist/index.js" }) // no `source`
    expect(readFileSync(join(installed, "README.md"), "utf8")).toContain("## Quick start")
    expect(readdirSync(join(installed, "dist"))).toEqual(expect.arrayContaining(["index.js", "index.d.ts"]))

    const snippet = fillSnippet({
      apiKey: signing.key,
      signingSecret: signing.signingSecret!,
      siteId: demo.siteId,
      baseUrl: started.baseUrl,
      productId: tee.data.id,
      orderNumber: orders.items[0]!.number
    })
    writeFileSync(
      join(app, "snippet.mjs"),
      snippet +
        "console.log(items.map((p) => p.name + ' (' + p.variants.length + ' variants)').join('\\n'))\n" +
        "console.log(JSON.stringify({ product: product.data.slug, variant: variant.data.name, orders: orders.length, order: order.data.number, customers: customers.length }))\n"
    )
    const { stdout } = await exec(process.execPath, ["snippet.mjs"], { cwd: app })
    console.log(stdout)
    const lines = stdout.trim().split("\n")
    const summary = JSON.parse(lines.pop()!)
    expect(lines).toHaveLength(20)
    for (const line of lines) expect(line).toMatch(/^.+ \(\d+ variants\)$/)
    expect(summary).toMatchObject({
      product: "classic-white-t-shirt",
      variant: "Large / Black",
      order: orders.items[0]!.number
    })
    expect(summary.orders).toBeGreaterThan(0)
    expect(summary.customers).toBeGreaterThan(0)
    // Starting the API from sources, seeding the demo store, packing and installing: minutes on a busy machine.
  }, 300_000)
})
