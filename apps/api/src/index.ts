/**
 * The Shopvo API server as a library: the layers `main.ts` runs, for tests and embedding.
 */
export * as Config from "./Config.js"
export * as Http from "./Http.js"
