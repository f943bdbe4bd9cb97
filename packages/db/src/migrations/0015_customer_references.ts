/**
 * Customers referenced by carts, gift cards and store-credit accounts now exist: each reference
 * is a foreign key to `customers` on `(id, site_id, livemode)`, like every other mode-safe key, so
 * a row can only name a customer of its own site and mode.
 *
 * A deleted customer leaves their carts and gift cards without an owner (`set null`); their
 * store-credit account (keyed by the customer) goes with them.
 *
 * Checkout sessions also keep, once complete, the totals their order was placed with
 * (`totals`), so a completed session reads the same after the balances it spent change.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  yield* sql`alter table carts add constraint carts_customer_fk foreign key (customer_id, site_id, livemode)
    references customers (id, site_id, livemode) on delete set null (customer_id)`
  yield* sql`alter table gift_cards add constraint gift_cards_customer_fk foreign key (customer_id, site_id, livemode)
    references customers (id, site_id, livemode) on delete set null (customer_id)`
  yield* sql`alter table store_credit_accounts add constraint store_credit_accounts_customer_fk
    foreign key (customer_id, site_id, livemode) references customers (id, site_id, livemode) on delete cascade`

  yield* sql`alter table checkout_sessions add column totals jsonb
    constraint checkout_sessions_totals_object check (totals is null or jsonb_typeof(totals) = 'object')`
})
