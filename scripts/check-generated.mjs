// Fails CI when generated output (the bundled spec, the generated contract) differs from what is
// committed: generated code is never edited by hand, and a spec change must ship its regenerated code.
// Run after `turbo run gen` (the test pipeline does). Outside CI it only warns, so work in progress
// on the spec is not blocked before it is committed.
import { execFileSync } from "node:child_process"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"

// A spec description spelling an escape (`\u0000`) once came out of the generator as the raw
// character: generated sources must hold no control character but tab and newline, and no U+FFFD.
const generatedSources = ["packages/contract/src/generated", "apps/sdk/src/generated"].flatMap((dir) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
)
const isUnprintable = (code) => (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0xfffd
const unprintable = generatedSources.filter((file) => {
  const text = readFileSync(file, "utf8")
  for (let i = 0; i < text.length; i++) if (isUnprintable(text.charCodeAt(i))) return true
  return false
})
if (unprintable.length > 0) {
  console.error(`Generated sources hold control characters or U+FFFD: ${unprintable.join(", ")}`)
  process.exit(1)
}

const paths = [
  "spec/dist",
  "packages/contract/src/generated",
  "apps/sdk/src/generated",
  "packages/db/src/migrations/index.ts"
]
let status
try {
  status = execFileSync("git", ["status", "--porcelain", "--", ...paths], { encoding: "utf8" })
} catch {
  console.log("check:generated: not a git checkout, skipped")
  process.exit(0)
}
if (status.trim() === "") {
  console.log("check:generated: generated output matches the spec")
  process.exit(0)
}
const message = `Generated output differs from what is committed (run \`pnpm gen\` and commit):\n${status}`
if (process.env.CI) {
  console.error(message)
  process.exit(1)
}
console.warn(`warning: ${message}`)
