/**
 * The resources metafields hang on, and how to find one in the caller's site and mode.
 *
 * `metafields.resource_id` cannot be a foreign key (it points into several tables), so each
 * resource type says here, in one entry, which ids can name one and which row is "the resource". A
 * type whose table does not exist yet has no entry: no such resource exists, so its metafields are
 * 404. Adding a type's table (orders) means adding its entry below, nothing else.
 */
import type { SqlClient, Statement } from "@effect/sql"
import { Option, Schema } from "effect"

export const ResourceType = Schema.Literal("product", "customer", "order", "site")
export type ResourceType = typeof ResourceType.Type

/** A resource as the caller names it: `/{siteId}/{resourceType}/{resourceId}` with the key's mode. */
export const Target = Schema.Struct({
  siteId: Schema.String,
  livemode: Schema.Boolean,
  resourceType: ResourceType,
  resourceId: Schema.String
})
export type Target = typeof Target.Type

interface Resource {
  /**
   * Whether the id can name such a resource at all. Other ids are refused before any query: no
   * round trip for them, and no byte PostgreSQL's text type refuses (NUL) ever reaches it.
   */
  readonly canExist: (target: Target) => boolean
  /**
   * Selects the resource's row: one row when it exists in the caller's site and mode, none
   * otherwise. It selects from exactly one table so callers can lock the row (`for no key update`).
   */
  readonly row: (sql: SqlClient.SqlClient, target: Target) => Statement.Statement<unknown>
}

const productId = /^prd_[A-Za-z0-9]{1,60}$/
const customerId = /^cust_[A-Za-z0-9]{1,60}$/

// Orders have no table yet (their issue adds it). Until then no order exists, so their
// metafields answer 404 like those of any missing resource.
const resources: { readonly [T in ResourceType]?: Resource } = {
  product: {
    canExist: (t) => productId.test(t.resourceId),
    row: (sql, t) =>
      sql`select id from products where id = ${t.resourceId} and site_id = ${t.siteId} and livemode = ${t.livemode}`
  },
  customer: {
    canExist: (t) => customerId.test(t.resourceId),
    row: (sql, t) =>
      sql`select id from customers where id = ${t.resourceId} and site_id = ${t.siteId} and livemode = ${t.livemode}`
  },
  // The site itself: it exists in both modes, and only under its own id.
  site: {
    canExist: (t) => t.resourceId === t.siteId,
    row: (sql, t) => sql`select id from sites where id = ${t.siteId}`
  }
}

/** Whether the target can name a resource at all; see `Resource.canExist`. */
export const canExist = (target: Target): boolean => resources[target.resourceType]?.canExist(target) ?? false

/** The resource's row query; `None` when the target cannot name a resource at all. */
export const row = (sql: SqlClient.SqlClient, target: Target): Option.Option<Statement.Statement<unknown>> => {
  const resource = resources[target.resourceType]
  return resource?.canExist(target) ? Option.some(resource.row(sql, target)) : Option.none()
}

/** The name used in "… not found" messages. */
export const label: Record<ResourceType, string> = {
  product: "Product",
  customer: "Customer",
  order: "Order",
  site: "Site"
}
