import { defineConfig } from "vitest/config"

export default defineConfig({
  // Run workspace dependencies from their sources (the "source" export condition).
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
  test: {
    include: ["test/**/*.test.ts"],
    // Without DATABASE_URL: one embedded PostgreSQL for the whole run.
    globalSetup: ["./test/globalSetup.ts"],
    // Starting PostgreSQL and migrating take seconds on a busy 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
