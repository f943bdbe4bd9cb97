/**
 * The transactional outbox: a state change records its webhook event in the same transaction, so
 * an event exists exactly when its change committed. The webhook worker delivers from here.
 *
 * Event names are the spec's catalogue (`EventType`, generated from its `webhooks:` section): a
 * name the spec lacks does not compile.
 */
import type { EventType } from "@shopvo/contract"
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import * as Ids from "./Ids.js"
import type { Tenant } from "./Tenant.js"

/** Records `type` with its `data` and returns the event id; call it inside the transaction that makes the change. */
export const emit = (tenant: Tenant, type: EventType, data: Readonly<Record<string, unknown>>) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => {
    const id = Ids.make("evt")
    return sql`insert into events (id, site_id, livemode, type, payload)
               values (${id}, ${tenant.siteId}, ${tenant.livemode}, ${type}, ${JSON.stringify(data)}::jsonb)`.pipe(
      Effect.as(id)
    )
  })
