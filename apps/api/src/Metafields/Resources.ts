/**
 * The resources metafields hang on, and how to find one in the caller's site and mode.
 *
 * `metafields.resource_id` cannot be a foreign key (it points into several tables), so each
 * resource type says here, in one function, which row is "the resource". A type whose table does
 * not exist yet answers `None`: no such resource exists, so its metafields are 404. Adding a type's
 * table (orders) means replacing its one function below, nothing else.
 */
import type { SqlClient, Statement } from "@effect/sql"
import { Option } from "effect"

export type ResourceType = "product" | "customer" | "order" | "site"

/** A resource as the caller names it: `/{siteId}/{resourceType}/{resourceId}` with the key's mode. */
export interface Target {
  readonly siteId: string
  readonly livemode: boolean
  readonly resourceType: ResourceType
  readonly resourceId: string
}

/**
 * A query selecting the resource's row (one row when it exists in the caller's site and mode,
 * none otherwise), or `None` when the id cannot name such a resource at all.
 * The query selects from exactly one table so callers can lock the row (`for no key update`).
 */
type RowQuery = (sql: SqlClient.SqlClient, target: Target) => Option.Option<Statement.Statement<unknown>>

// Ids that cannot be a product's are refused before any query: no round trip for them, and no
// byte PostgreSQL's text type refuses (NUL) ever reaches it.
const productId = /^prd_[A-Za-z0-9]{1,60}$/
const customerId = /^cust_[A-Za-z0-9]{1,60}$/

const rows: Record<ResourceType, RowQuery> = {
  product: (sql, t) =>
    productId.test(t.resourceId)
      ? Option.some(
          sql`select id from products where id = ${t.resourceId} and site_id = ${t.siteId} and livemode = ${t.livemode}`
        )
      : Option.none(),
  // The site itself: it exists in both modes, and only under its own id.
  site: (sql, t) =>
    t.resourceId === t.siteId ? Option.some(sql`select id from sites where id = ${t.siteId}`) : Option.none(),
  customer: (sql, t) =>
    customerId.test(t.resourceId)
      ? Option.some(
          sql`select id from customers where id = ${t.resourceId} and site_id = ${t.siteId} and livemode = ${t.livemode}`
        )
      : Option.none(),
  // Orders have no table yet (their issue adds it). Until then no order exists, so their
  // metafields answer 404 like those of any missing resource.
  order: () => Option.none()
}

/** The resource's row query; see `RowQuery`. */
export const row = (sql: SqlClient.SqlClient, target: Target): Option.Option<Statement.Statement<unknown>> =>
  rows[target.resourceType](sql, target)

/** The name used in "… not found" messages. */
export const label: Record<ResourceType, string> = {
  product: "Product",
  customer: "Customer",
  order: "Order",
  site: "Site"
}
