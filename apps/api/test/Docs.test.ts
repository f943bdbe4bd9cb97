/**
 * `/docs` (Swagger UI served by the API itself) and `/openapi.json`: both public, both offline. The
 * browser test opens the page in headless Chromium (Debian's `chromium`, driven by playwright-core)
 * with every request to another origin refused, finds the checkout operation through the page's
 * search box, and saves a screenshot to test-results/docs-checkout.png.
 */
import { Spec } from "@shopvo/contract"
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { chromium } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { start, type TestApi } from "./support/TestApi.js"

/** The Chromium to drive: `CHROMIUM_PATH`, or Debian's `chromium` on PATH (`.ci/run` installs it). */
const chromiumPath = (): string | undefined => {
  const configured = process.env["CHROMIUM_PATH"]
  if (configured) return configured
  for (const name of ["chromium", "chromium-browser", "google-chrome"]) {
    try {
      return execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim() || undefined
    } catch {
      // not installed under this name
    }
  }
  return undefined
}

const browser = chromiumPath()
const screenshot = fileURLToPath(new URL("../test-results/docs-checkout.png", import.meta.url))

describe("API reference", () => {
  let api: TestApi

  beforeAll(async () => {
    api = await start()
  })
  afterAll(() => api?.close())

  it("serves the bundled spec at /openapi.json, without a key", async () => {
    const response = await fetch(`${api.baseUrl}/openapi.json`)
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toContain("application/json")
    const document = (await response.json()) as { paths: Record<string, Record<string, { operationId: string }>> }
    expect(document).toEqual(JSON.parse(JSON.stringify(Spec.document)))
    expect(document.paths["/api/v1/{siteId}/checkout"]?.["post"]?.operationId).toBe("checkout.create")
  })

  it("serves /docs and its assets from the API, with a policy that forbids other origins", async () => {
    const page = await fetch(`${api.baseUrl}/docs`)
    expect(page.status).toBe(200)
    expect(page.headers.get("content-type")).toContain("text/html")
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'")
    const html = await page.text()
    expect(html).not.toMatch(/https?:\/\//)
    for (const asset of ["/docs/swagger-ui-bundle.js", "/docs/swagger-ui.css", "/docs/init.js"]) {
      expect(html).toContain(asset)
      const response = await fetch(`${api.baseUrl}${asset}`)
      expect(response.status).toBe(200)
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(100)
    }
    const missing = await fetch(`${api.baseUrl}/docs/secrets.txt`)
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ code: "not_found" })
  })

  it("finds the checkout operation through the page's search, in headless Chromium, offline", async () => {
    if (browser === undefined) {
      throw new Error(
        "No Chromium found: install Debian's `chromium` (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH"
      )
    }
    const instance = await chromium.launch({ executablePath: browser, args: ["--no-sandbox"] })
    try {
      const page = await instance.newPage({ viewport: { width: 1280, height: 1000 } })
      page.setDefaultTimeout(90_000) // a 1.4 MB viewer parsing the whole spec, on a busy CI machine
      // Offline: anything not served by the API itself is refused, and the test fails if the page asked.
      const foreign: Array<string> = []
      await page.route("**/*", (route) => {
        const url = route.request().url()
        if (url.startsWith(api.baseUrl) || url.startsWith("data:")) return route.continue()
        foreign.push(url)
        return route.abort()
      })
      await page.goto(`${api.baseUrl}/docs`)
      await page.locator("#operations-tag-Products").waitFor()

      await page.locator("input.operation-filter-input").fill("Checkout")
      await page.locator("#operations-tag-Products").waitFor({ state: "detached" })
      // The operation as the page shows it: its operationId in the Checkout section's list.
      const create = page
        .locator(".opblock")
        .filter({ has: page.locator(".opblock-summary-operation-id", { hasText: /^checkout\.create$/ }) })
      await create.waitFor()
      await create.locator(".opblock-summary").first().click()
      await create.locator(".opblock-body").waitFor()
      const path = await create.locator(".opblock-summary-path").first().textContent()
      expect(path?.replace(/\u200b/g, "")).toContain("/api/v1/{siteId}/checkout")

      await create.scrollIntoViewIfNeeded()
      mkdirSync(fileURLToPath(new URL("../test-results/", import.meta.url)), { recursive: true })
      await page.screenshot({ path: screenshot, fullPage: false })
      expect(existsSync(screenshot)).toBe(true)
      expect(foreign).toEqual([])
    } finally {
      await instance.close()
    }
  }, 240_000)
})
