/**
 * The Shopvo API server as a library: the layers `main.ts` runs, for tests and embedding,
 * and what the webhook worker shares with it (the services, the abandoned-cart sweep).
 */
export * as Config from "./Config.js"
export * as Http from "./Http.js"
export * as CartAbandonment from "./Cart/Abandonment.js"
export { ServicesLive, type Services } from "./Services.js"
export { Keys } from "./Keys/Service.js"
export { Sites } from "./Sites/Service.js"
export { Cart } from "./Cart/Service.js"
