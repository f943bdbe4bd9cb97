// Fails CI when generated output (the bundled spec, the generated contract) differs from what is
// committed: generated code is never edited by hand, and a spec change must ship its regenerated code.
// Run after `turbo run gen` (the test pipeline does). Outside CI it only warns, so work in progress
// on the spec is not blocked before it is committed.
import { execFileSync } from "node:child_process"

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
