// Fails when any module of packages/ or apps/ imports itself through a cycle (madge, as Effect's `pnpm circular`).
import { existsSync, readdirSync } from "node:fs"
import madge from "madge"

const roots = ["packages", "apps"].flatMap((dir) =>
  existsSync(dir)
    ? readdirSync(dir)
        .map((name) => `${dir}/${name}/src`)
        .filter((src) => existsSync(src))
    : []
)
const result = await madge(roots, {
  fileExtensions: ["ts"],
  excludeRegExp: [/\.gen\.ts$/, /\/generated\//],
  detectiveOptions: { ts: { skipTypeImports: true } }
})
const cycles = result.circular()
if (cycles.length > 0) {
  console.error(`Import cycles found:\n${cycles.map((c) => `  ${c.join(" -> ")}`).join("\n")}`)
  process.exit(1)
}
console.log(`check:cycles: no import cycles in ${Object.keys(result.obj()).length} modules`)
