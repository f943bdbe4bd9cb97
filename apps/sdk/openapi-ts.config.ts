import { defineConfig } from "@hey-api/openapi-ts"

// Generates src/generated/ (types, one function per operation, the fetch client) from the bundled
// spec. Never edit the output by hand: change spec/ and run `pnpm gen` (CI fails when it drifts).
export default defineConfig({
  input: "../../spec/dist/openapi.json",
  output: {
    path: "src/generated",
    importFileExtension: ".js",
    clean: true
  },
  plugins: ["@hey-api/typescript", "@hey-api/client-fetch", { name: "@hey-api/sdk", operations: { strategy: "flat" } }]
})
