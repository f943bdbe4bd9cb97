// One-off helper to lay down a package with the repository's conventions.
// Usage: node scripts/scaffold.mjs packages/pricing "@shopvo/pricing" "description" [dep ...]
import { mkdirSync, writeFileSync, existsSync } from "node:fs"
import { join, relative } from "node:path"

const [dir, name, description, ...deps] = process.argv.slice(2)
if (!dir || !name) throw new Error("usage: scaffold.mjs <dir> <name> <description> [deps]")
if (existsSync(join(dir, "package.json"))) throw new Error(`${dir} exists`)
mkdirSync(join(dir, "src"), { recursive: true })
mkdirSync(join(dir, "test"), { recursive: true })
const isApp = dir.startsWith("apps/")
const pkg = {
  name,
  version: "0.0.0",
  description,
  ...(isApp ? { private: true } : {}),
  license: "MIT",
  type: "module",
  engines: { node: ">=20.19.0" },
  exports: {
    ".": { source: "./src/index.ts", types: "./dist/index.d.ts", default: "./dist/index.js" },
    "./internal/*": null
  },
  files: ["dist", "src"],
  scripts: {
    build: "tsc -b",
    typecheck: "tsc --noEmit -p tsconfig.test.json",
    test: "vitest run"
  },
  dependencies: Object.fromEntries(deps.map((d) => [d, d.startsWith("@shopvo/") ? "workspace:*" : "3.22.4"])),
  devDependencies: {}
}
writeFileSync(join(dir, "package.json"), JSON.stringify(pkg, null, 2) + "\n")
const root = relative(dir, ".")
const refs = deps.filter((d) => d.startsWith("@shopvo/")).map((d) => ({ path: `${root}/packages/${d.slice(8)}` }))
writeFileSync(
  join(dir, "tsconfig.json"),
  JSON.stringify(
    {
      extends: `${root}/tsconfig.base.json`,
      compilerOptions: { rootDir: "src", outDir: "dist", tsBuildInfoFile: "dist/tsconfig.tsbuildinfo" },
      include: ["src"],
      references: refs
    },
    null,
    2
  ) + "\n"
)
writeFileSync(
  join(dir, "tsconfig.test.json"),
  JSON.stringify(
    {
      extends: "./tsconfig.json",
      compilerOptions: { rootDir: ".", composite: false, incremental: false, noEmit: true },
      include: ["src", "test"]
    },
    null,
    2
  ) + "\n"
)
writeFileSync(join(dir, "vitest.config.ts"), `export { default } from "${root}/vitest.shared.js"\n`)
console.log(`scaffolded ${name} in ${dir}`)
