/**
 * SKUs are unique within a site and mode across products AND variants: a SKU names one sellable
 * thing, and inventory lookups by SKU must find exactly one.
 *
 * Two tables cannot share a unique index, so uniqueness is kept by a transaction-scoped advisory
 * lock on the SKU: whoever writes a SKU (product or variant) claims it first, inside its
 * transaction, so two racing writers of the same SKU are serialised and the second sees the
 * first's committed row. `claim` runs in its caller's transaction (a service opens it).
 */
import { SqlClient, SqlSchema } from "@effect/sql"
import { Database, type Tenant } from "@shopvo/kernel"
import { Data, Effect, Schema } from "effect"
import { expectRow } from "./Columns.js"

export class SkuTaken extends Data.TaggedError("SkuTaken")<{ readonly sku: string }> {}

/** Rows that may keep the SKU they already have (the product or variant being updated). */
export interface Except {
  readonly productId?: string
  readonly variantId?: string
}

export class Skus extends Effect.Service<Skus>()("@shopvo/api/Skus", {
  accessors: true,
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const lockAndCheck = SqlSchema.single({
      Request: Schema.Struct({
        siteId: Schema.String,
        livemode: Schema.Boolean,
        sku: Schema.String,
        productId: Schema.String,
        variantId: Schema.String
      }),
      Result: Schema.Struct({ taken: Schema.Boolean }),
      execute: (request) =>
        Effect.zipRight(
          sql`select pg_advisory_xact_lock(hashtextextended(${`sku:${request.siteId}:${request.livemode}:${request.sku}`}, 0))`,
          // A fresh statement after the lock: its snapshot includes whatever the previous holder committed.
          sql`select exists (
                       select 1 from products
                       where site_id = ${request.siteId} and livemode = ${request.livemode} and sku = ${request.sku}
                         and id <> ${request.productId})
                  or exists (
                       select 1 from variants
                       where site_id = ${request.siteId} and livemode = ${request.livemode} and sku = ${request.sku}
                         and id <> ${request.variantId}) as taken`
        )
    })

    return {
      /** Locks `sku` for the caller's transaction; fails when another product or variant uses it. */
      claim: (
        tenant: Tenant,
        sku: string,
        except: Except = {}
      ): Effect.Effect<void, SkuTaken | Database.DatabaseUnavailable> =>
        expectRow(
          Database.boundary(
            lockAndCheck({
              siteId: tenant.siteId,
              livemode: tenant.livemode,
              sku,
              productId: except.productId ?? "",
              variantId: except.variantId ?? ""
            })
          )
        ).pipe(Effect.flatMap(({ taken }) => (taken ? Effect.fail(new SkuTaken({ sku })) : Effect.void)))
    }
  })
}) {}
