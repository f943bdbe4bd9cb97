import { defineConfig } from "vitest/config"

/**
 * The test settings every package shares; each package's vitest.config.ts extends it.
 * Timeouts are generous because turbo runs several packages' property tests at once on
 * small CI machines: a slow run is not a failing one.
 */
export default defineConfig({
  // Run workspace dependencies from their sources (the "source" export condition).
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    benchmark: { include: ["bench/**/*.bench.ts"] }
  }
})
