/**
 * The currency a site sells in, as `@shopvo/pricing` knows it: what gift cards default to and what
 * store credit and loyalty points are kept in. A site whose currency the pricing package does not
 * know is a configuration error (a defect), not something a request could fix.
 */
import { Database, type Tenant } from "@shopvo/kernel"
import { Currency } from "@shopvo/pricing"
import { SqlClient, SqlSchema } from "@effect/sql"
import { Effect, Option, Schema } from "effect"

export class SiteCurrency extends Effect.Service<SiteCurrency>()("@shopvo/api/SiteCurrency", {
  accessors: true,
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const find = SqlSchema.findOne({
      Request: Schema.String,
      Result: Schema.Struct({ currency: Currency.Code }),
      execute: (siteId) => sql`select currency from sites where id = ${siteId}`
    })
    return {
      /** The tenant's currency; the site exists (the request's key belongs to it). */
      get: (tenant: Tenant) =>
        Database.boundary(find(tenant.siteId)).pipe(
          Effect.flatMap(
            Option.match({
              onNone: () => Effect.dieMessage(`site ${tenant.siteId} not found`),
              onSome: (row) => Effect.succeed(row.currency)
            })
          )
        )
    }
  })
}) {}
