import { defineConfig } from "vitest/config"
import shared from "../../vitest.shared.js"

// The proof suite (`pnpm proof`; its quick profile runs in `pnpm test`): one file, its parts in
// order, against servers it starts itself. Not merged with the shared config, whose `include`
// (the unit and API tests) would be added to this one.
export default defineConfig({
  resolve: shared.resolve,
  ssr: shared.ssr,
  test: { include: ["proof/**/*.proof.ts"], fileParallelism: false, testTimeout: 3_600_000, hookTimeout: 600_000 }
})
