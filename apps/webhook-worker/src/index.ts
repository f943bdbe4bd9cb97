/**
 * @shopvo/webhook-worker as a library: its layers and pieces, for tests, the bench and embedding.
 */
export * as App from "./App.js"
export * as Attempt from "./Attempt.js"
export * as Config from "./Config.js"
export * as Deliveries from "./Deliveries.js"
export * as Housekeeping from "./Housekeeping.js"
export * as Sender from "./Sender.js"
export * as Worker from "./Worker.js"
