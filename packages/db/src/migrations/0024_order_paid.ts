/**
 * An order's payment recorded after the sale (`orders.markPaid`: a B2B order on terms, paid by
 * bank transfer) goes on its timeline as `paid`.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`alter table order_timeline drop constraint order_timeline_type_known`
  yield* sql`alter table order_timeline add constraint order_timeline_type_known
    check (type in ('placed', 'status_changed', 'fulfilled', 'cancelled', 'refunded', 'paid'))`
})
