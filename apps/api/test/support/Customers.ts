/** Test-mode customers with given ids, for tests of aggregates that reference them (carts, gift cards, store credit). */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import type { TestApi } from "./TestApi.js"

export const addCustomers = (api: TestApi, siteId: string, ids: ReadonlyArray<string>) =>
  api.run(
    Effect.flatMap(SqlClient.SqlClient, (sql) =>
      Effect.forEach(
        ids,
        (id) =>
          sql`insert into customers (id, site_id, livemode, email)
              values (${id}, ${siteId}, false, ${`${id}@example.com`}) on conflict do nothing`,
        { discard: true }
      )
    )
  )
