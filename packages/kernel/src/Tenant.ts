/**
 * Whose data a request works on: one site, in test or live mode. Every repository query is
 * scoped by both, so a row of another site or mode does not exist for the caller.
 */
import { Schema } from "effect"

/** The tenant as a Schema, for the requests of repositories' `SqlSchema` queries. */
export const TenantSchema = Schema.Struct({ siteId: Schema.String, livemode: Schema.Boolean })

export interface Tenant extends Schema.Schema.Type<typeof TenantSchema> {}
