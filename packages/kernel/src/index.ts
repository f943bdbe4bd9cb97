/**
 * @shopvo/kernel — what every Shopvo process (the API, the webhook worker) shares: prefixed ids and
 * the one source of randomness, the tenant every query is scoped by, the transactional outbox with
 * the spec's event catalogue, the guard on webhook destinations, the webhook retry schedule and
 * the data vault's encryption at rest.
 */
export * as Database from "./Database.js"
export * as DeliverySchedule from "./DeliverySchedule.js"
export * as Destination from "./Destination.js"
export * as Entropy from "./Entropy.js"
export * as Ids from "./Ids.js"
export * as Outbox from "./Outbox.js"
export * as Sealed from "./Sealed.js"
export { type Tenant, TenantSchema } from "./Tenant.js"
export { eventTypes, type EventType } from "@shopvo/contract"
export { DatabaseUnavailable } from "./Database.js"
