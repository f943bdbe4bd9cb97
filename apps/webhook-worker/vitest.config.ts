import { defineConfig, mergeConfig } from "vitest/config"
import shared from "../../vitest.shared.js"

// Without DATABASE_URL: one embedded PostgreSQL for the whole run (each file still gets its own database).
export default mergeConfig(shared, defineConfig({ test: { globalSetup: ["test/support/globalSetup.ts"] } }))
