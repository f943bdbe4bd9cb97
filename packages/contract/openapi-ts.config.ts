import { defineConfig } from "@hey-api/openapi-ts"

// Generates src/generated/ from the bundled spec. Never edit the output by hand:
// change spec/ and run `pnpm gen` (CI fails when the committed output drifts).
export default defineConfig({
  input: "../../spec/dist/openapi.json",
  output: {
    path: "src/generated",
    importFileExtension: ".js",
    clean: true
  },
  plugins: [
    "@hey-api/typescript",
    "@hey-api/client-fetch",
    {
      name: "@hey-api/sdk",
      operations: { strategy: "single", containerName: "ShopvoApi", methods: "instance", nesting: "operationId" }
    }
  ]
})
