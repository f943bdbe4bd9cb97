/**
 * SKUs are unique within a site and mode across products AND variants: a SKU names one sellable
 * thing, and inventory lookups by SKU must find exactly one.
 *
 * Two tables cannot share a unique index, so uniqueness is kept by a transaction-scoped advisory
 * lock on the SKU: whoever writes a SKU (product or variant) calls `isTaken` inside its
 * transaction before writing, so two racing writers of the same SKU are serialised and the second
 * sees the first's committed row. Must be called inside `sql.withTransaction`.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import type { Tenant } from "@shopvo/kernel"

export type { Tenant } from "@shopvo/kernel"

/** Rows that may keep the SKU they already have (the product or variant being updated). */
export interface Except {
  readonly productId?: string
  readonly variantId?: string
}

/** Locks `sku` for this transaction, then says whether another product or variant uses it. */
export const isTaken = (tenant: Tenant, sku: string, except: Except = {}) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql`select pg_advisory_xact_lock(hashtextextended(${`sku:${tenant.siteId}:${tenant.livemode}:${sku}`}, 0))`
    // A fresh statement after the lock: its snapshot includes whatever the previous holder committed.
    const rows = yield* sql<{ taken: boolean }>`
      select exists (
               select 1 from products
               where site_id = ${tenant.siteId} and livemode = ${tenant.livemode} and sku = ${sku}
                 and id <> ${except.productId ?? ""})
          or exists (
               select 1 from variants
               where site_id = ${tenant.siteId} and livemode = ${tenant.livemode} and sku = ${sku}
                 and id <> ${except.variantId ?? ""}) as taken`
    return rows[0]!.taken
  })
