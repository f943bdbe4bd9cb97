import { TestDatabase } from "@shopvo/db/testing"

// Without DATABASE_URL: one embedded PostgreSQL for the whole run (each file still gets its own database).
export default TestDatabase.globalSetup
