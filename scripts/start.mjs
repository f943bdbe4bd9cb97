// `pnpm start`: builds what the API needs and runs it. Until apps/api lands it says so.
import { existsSync } from "node:fs"
import { execSync } from "node:child_process"

if (!existsSync("apps/api/package.json")) {
  console.log("Shopvo: dependencies are installed, but the API is not built yet (apps/api lands with the API core issue).")
  console.log("Meanwhile: `pnpm test` runs every test, `pnpm gen` regenerates the contract from spec/.")
  process.exit(0)
}
execSync("pnpm exec turbo run build --filter=@shopvo/api... --output-logs=errors-only", { stdio: "inherit" })
execSync("pnpm --filter @shopvo/api run start", { stdio: "inherit" })
