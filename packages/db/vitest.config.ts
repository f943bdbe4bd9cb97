import { defineConfig, mergeConfig } from "vitest/config"
import shared from "../../vitest.shared.js"

// Without DATABASE_URL: one embedded PostgreSQL for the whole run.
export default mergeConfig(shared, defineConfig({ test: { globalSetup: ["./test/globalSetup.ts"] } }))
