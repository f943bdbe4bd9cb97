/**
 * The scope list has one home: the spec's `x-scopes` (plus `admin:*`), which the API and the CLI
 * check a key's scopes against. 0001's CHECK restated that list, so every new scope would have
 * needed a migration; a key still needs at least one scope (`api_keys_scopes_nonempty`).
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`alter table api_keys drop constraint api_keys_scopes_known`
})
