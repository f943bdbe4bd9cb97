import { TestDatabase } from "../src/testing.js"

export default TestDatabase.globalSetup
