// The API's single-file build (apps/api/dist/bundle), rebuilt only when a source is newer than it.
// `pnpm start` and `pnpm shopvo` go through here: checking a few hundred file times takes
// milliseconds, where asking turbo (or compiling from source) took seconds on every run.
import { execSync } from "node:child_process"
import { existsSync, readdirSync, statSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

export const root = fileURLToPath(new URL("..", import.meta.url))

const newestIn = (dir) => {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "dist" || entry.name.startsWith(".")) continue
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestIn(path) : statSync(path).mtimeMs)
  }
  return newest
}

const sources = () => [
  join(root, "spec"),
  join(root, "apps", "api", "src"),
  join(root, "apps", "webhook-worker", "src"),
  ...readdirSync(join(root, "packages")).map((name) => join(root, "packages", name, "src"))
]

const mtime = (path) => (existsSync(path) ? statSync(path).mtimeMs : 0)

/** Installs dependencies when the lockfile changed since the last install (or there was none). */
export const installed = () => {
  if (mtime(join(root, "node_modules", ".modules.yaml")) >= mtime(join(root, "pnpm-lock.yaml"))) return
  execSync("pnpm install --frozen-lockfile", { cwd: root, stdio: ["ignore", process.stderr, "inherit"] })
}

/** `file`, after `turbo run build --filter=<package>...` when it is missing or a source is newer. */
const built = (file, filter) => {
  const at = mtime(file)
  if (at === 0 || sources().some((dir) => existsSync(dir) && newestIn(dir) > at)) {
    // Progress goes to stderr, so a command's `--json` output on stdout stays one JSON object.
    execSync(`pnpm exec turbo run build --filter=${filter}... --output-logs=errors-only`, {
      cwd: root,
      stdio: ["ignore", process.stderr, "inherit"]
    })
  }
  return file
}

/** The path of `apps/api/dist/bundle/<name>.mjs` (the server, the CLI), built first if stale. */
export const bundle = (name) => built(join(root, "apps", "api", "dist", "bundle", `${name}.mjs`), "@shopvo/api")

/** The path of the webhook worker's entry point, built first if stale. */
export const worker = () => built(join(root, "apps", "webhook-worker", "dist", "main.js"), "@shopvo/webhook-worker")
