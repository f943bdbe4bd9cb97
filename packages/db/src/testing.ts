/**
 * Test utilities, a separate entry (`@shopvo/db/testing`) so production code
 * never loads them.
 */
export * as TestDatabase from "./TestDatabase.js"
