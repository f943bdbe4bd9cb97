// Copies the bundled spec next to the generated client so the published package
// validates against exactly the document its types were generated from.
import { copyFileSync } from "node:fs"

copyFileSync(
  new URL("../../../spec/dist/openapi.json", import.meta.url),
  new URL("../src/generated/openapi.gen.json", import.meta.url)
)
console.log("embedded spec/dist/openapi.json -> src/generated/openapi.gen.json")
