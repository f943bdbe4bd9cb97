/**
 * The transactional outbox: a state change records its webhook event in the same transaction,
 * so an event exists exactly when its change committed. The webhook worker delivers from here.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import * as Ids from "../Ids.js"
import type { Tenant } from "./Tenant.js"

export type { Tenant } from "./Tenant.js"

/** Records `type` with its `data`; call it inside the transaction that makes the change. */
export const emit = (tenant: Tenant, type: string, data: Readonly<Record<string, unknown>>) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => {
    const id = Ids.make("evt")
    return sql`insert into events (id, site_id, livemode, type, payload)
               values (${id}, ${tenant.siteId}, ${tenant.livemode}, ${type}, ${JSON.stringify(data)}::jsonb)`.pipe(
      Effect.as(id)
    )
  })
