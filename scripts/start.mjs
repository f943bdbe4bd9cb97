// `pnpm start`: installs and builds what changed, then runs the API's single-file build from the
// repository root, so the embedded database lives in ./.data whichever way it is started.
import { spawn } from "node:child_process"
import { bundle, installed, root } from "./built.mjs"

installed()
const api = spawn(process.execPath, [bundle("main")], { cwd: root, stdio: "inherit" })
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => api.kill(signal))
api.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
