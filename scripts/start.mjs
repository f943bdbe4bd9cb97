// `pnpm start`: builds the API and what it depends on, then runs it from the repository root,
// so the embedded database lives in ./.data whichever way it is started.
import { execSync } from "node:child_process"

execSync("pnpm exec turbo run build --filter=@shopvo/api... --output-logs=errors-only", { stdio: "inherit" })
execSync("node apps/api/dist/main.js", { stdio: "inherit" })
