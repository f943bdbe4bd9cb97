// The size budget, measured on every build: what an application ships when it uses the SDK,
// bundled and minified by esbuild for the browser, then gzipped. Fails the build over budget, and
// (esbuild cannot resolve `node:` modules for the browser) on any Node-only import.
import { build } from "esbuild"
import { gzipSync } from "node:zlib"

const budgetBytes = 25 * 1024
const dist = new URL("../dist/index.js", import.meta.url).pathname

const cases = [
  {
    name: "createClient + products.list (facade + one resource)",
    source: `import { createClient } from ${JSON.stringify(dist)}
const client = createClient({ apiKey: "sk_test_x", siteId: "site_x", baseUrl: "https://example.com" })
export const run = () => client.products.list({ limit: 20 })`,
    budget: budgetBytes
  },
  {
    name: "webhooks.verify alone",
    source: `export { webhooks } from ${JSON.stringify(dist)}`,
    budget: 2 * 1024
  }
]

let failed = false
for (const { name, source, budget } of cases) {
  const result = await build({
    stdin: { contents: source, resolveDir: process.cwd(), loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent"
  })
  const code = result.outputFiles[0].contents
  const gzipped = gzipSync(code, { level: 9 }).length
  const kb = (bytes) => `${(bytes / 1024).toFixed(1)} kB`
  const ok = gzipped <= budget
  failed ||= !ok
  console.log(
    `size: ${name}: ${kb(code.length)} minified, ${kb(gzipped)} min+gzip (budget ${kb(budget)}) ${ok ? "ok" : "OVER BUDGET"}`
  )
}
if (failed) process.exit(1)
