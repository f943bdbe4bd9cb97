/**
 * The stock audit trail: every change of a stock count, whichever operation made it, leaves one
 * `inventory_adjustments` row (before, after, who, why) written in the change's own transaction.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { Ids } from "@shopvo/kernel"
import type { Tenant } from "@shopvo/kernel"

export type Operation = "set" | "increment" | "decrement"

export interface Adjustment {
  readonly productId: string
  /** Null for the stock of a product without variants. */
  readonly variantId: string | null
  readonly operation: Operation
  readonly quantity: number
  readonly previousCount: number
  readonly newCount: number
  readonly reason: string | null
  readonly apiKeyId: string | null
}

/** Writes one audit row; call it inside the transaction that changes the count. */
export const record = (tenant: Tenant, adjustment: Adjustment) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) => sql`
      insert into inventory_adjustments (id, site_id, livemode, product_id, variant_id, operation, quantity,
                                         previous_count, new_count, reason, api_key_id)
      values (${Ids.make("adj")}, ${tenant.siteId}, ${tenant.livemode}, ${adjustment.productId}, ${adjustment.variantId},
              ${adjustment.operation}, ${adjustment.quantity}, ${adjustment.previousCount}, ${adjustment.newCount},
              ${adjustment.reason}, ${adjustment.apiKeyId})`
  )

/** A stock item's display name: the product's, followed by the variant's for a variant. */
export const itemName = (productName: string, variantName: string | null): string =>
  variantName === null ? productName : `${productName} — ${variantName}`
