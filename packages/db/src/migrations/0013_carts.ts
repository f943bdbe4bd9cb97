/**
 * Carts and their lines. A line stores only what the shopper chose (product, variant, quantity);
 * its name and price are read from the catalogue whenever the cart is priced, so a client never
 * sets a price. One line per product and variant in a cart (`nulls not distinct`: a product
 * without variants has one line too).
 *
 * `customer_id` has no foreign key yet: customers get their table in a migration of their own,
 * after which a later migration can add the key. `last_activity_at` is what the abandoned-cart
 * sweep reads.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  yield* sql`
    create table carts (
      id text not null constraint carts_id_format check (id ~ '^cart_[A-Za-z0-9]{1,59}$'),
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      status text not null default 'ACTIVE'
        constraint carts_status_known check (status in ('ACTIVE', 'ABANDONED', 'CONVERTED')),
      session_id text constraint carts_session_id_length check (length(session_id) between 1 and 200),
      customer_id text constraint carts_customer_id_length check (length(customer_id) between 1 and 64),
      email text constraint carts_email_length check (length(email) <= 254),
      currency text not null constraint carts_currency_format check (currency ~ '^[A-Z]{3}$'),
      promotion_code text,
      order_id text,
      last_activity_at timestamptz not null default now(),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (site_id, id),
      constraint carts_tenant_unique unique (id, site_id, livemode),
      -- A converted cart names its order, and only a converted one does.
      constraint carts_converted_has_order check ((status = 'CONVERTED') = (order_id is not null))
    )`
  // The abandoned-cart sweep: active carts by last activity.
  yield* sql`create index carts_activity_idx on carts (site_id, livemode, status, last_activity_at)`
  yield* sql`create index carts_session_idx on carts (site_id, livemode, session_id) where session_id is not null`
  yield* sql`create index carts_customer_idx on carts (site_id, livemode, customer_id) where customer_id is not null`

  yield* sql`
    create table cart_lines (
      id text not null constraint cart_lines_id_format check (id ~ '^cli_[A-Za-z0-9]{1,60}$'),
      site_id text not null,
      livemode boolean not null,
      cart_id text not null,
      product_id text not null,
      variant_id text,
      quantity integer not null constraint cart_lines_quantity_range check (quantity between 1 and 9999),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (site_id, id),
      constraint cart_lines_item_unique unique nulls not distinct (site_id, cart_id, product_id, variant_id),
      foreign key (cart_id, site_id, livemode) references carts (id, site_id, livemode) on delete cascade,
      -- A product or variant deleted from the catalogue leaves the carts that held it.
      foreign key (product_id, site_id, livemode) references products (id, site_id, livemode) on delete cascade,
      foreign key (variant_id, site_id, livemode) references variants (id, site_id, livemode) on delete cascade
    )`
  // For the cascades from the catalogue.
  yield* sql`create index cart_lines_product_idx on cart_lines (site_id, product_id)`
  yield* sql`create index cart_lines_variant_idx on cart_lines (site_id, variant_id) where variant_id is not null`

  for (const table of ["carts", "cart_lines"]) {
    yield* sql`create trigger ${sql(`${table}_touch_updated_at`)} before update on ${sql(table)}
      for each row execute function shopvo_touch_updated_at()`
  }
})
