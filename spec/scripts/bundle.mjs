// Bundles spec/openapi.yaml and every family file in spec/paths/ into one document,
// dist/openapi.json, which the linter, the generator and the tests read.
// A family file holds `paths`, `components` and `webhooks` sections; a key defined twice is an error,
// so two families can never silently overwrite each other.
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { parse } from "yaml"

const specDir = join(dirname(fileURLToPath(import.meta.url)), "..")
const root = parse(readFileSync(join(specDir, "openapi.yaml"), "utf8"))
root.paths ??= {}
root.webhooks ??= {}

const mergeInto = (target, source, where) => {
  for (const [key, value] of Object.entries(source ?? {})) {
    if (key in target) throw new Error(`${where}: "${key}" is defined twice`)
    target[key] = value
  }
}

const families = readdirSync(join(specDir, "paths"))
  .filter((f) => f.endsWith(".yaml"))
  .sort()
for (const file of families) {
  const family = parse(readFileSync(join(specDir, "paths", file), "utf8"))
  mergeInto(root.paths, family.paths, `${file} paths`)
  mergeInto(root.webhooks, family.webhooks, `${file} webhooks`)
  for (const [section, entries] of Object.entries(family.components ?? {})) {
    root.components[section] ??= {}
    mergeInto(root.components[section], entries, `${file} components.${section}`)
  }
}
if (Object.keys(root.webhooks).length === 0) delete root.webhooks

mkdirSync(join(specDir, "dist"), { recursive: true })
writeFileSync(join(specDir, "dist", "openapi.json"), JSON.stringify(root, null, 2) + "\n")
console.log(
  `bundled ${families.length} family files, ${Object.keys(root.paths).length} paths -> spec/dist/openapi.json`
)
