/**
 * Orders, their lines, checkout sessions, the per-site order number counter and a simple per-site
 * list of shipping options.
 *
 * - An order is written once by the checkout that places it (`checkout_session_id` and `cart_id`
 *   are unique: completing a session, or a cart through another session, cannot make a second order). Its lines are frozen copies of the
 *   cart's lines (name, SKU, unit price), so they keep no foreign key to the catalogue.
 * - `ORD-<n>`: `order_counters` holds the last number given per site (test and live orders share
 *   it, so a number names one order of the site); the checkout takes the next one with one
 *   `insert … on conflict do update … returning`, which locks the site's row until its transaction
 *   ends, so numbers are unique and increase in commit order.
 * - A checkout session keeps a snapshot of its cart's lines (`lines`, priced when it was created)
 *   and what its steps collected. `cart_id` has no foreign key here: carts arrive in their own
 *   migration.
 * - Shipping options: a flat `amount`, free when the lines' subtotal reaches `free_over`; a site
 *   without rows is offered the built-in defaults (see the Checkout service). The shipping issue
 *   replaces this table.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  yield* sql`
    create table order_counters (
      site_id text not null references sites (id) on delete cascade,
      last_number bigint not null constraint order_counters_positive check (last_number > 0),
      primary key (site_id)
    )`

  yield* sql`
    create table orders (
      id text not null constraint orders_id_format check (id ~ '^order_[A-Za-z0-9]{1,58}$'),
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      number text not null constraint orders_number_format check (number ~ '^ORD-[0-9]+$'),
      status text not null constraint orders_status_known
        check (status in ('PENDING', 'CONFIRMED', 'PROCESSING', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'REFUNDED')),
      payment_status text not null constraint orders_payment_status_known
        check (payment_status in ('PENDING', 'PAID', 'FAILED', 'REFUNDED', 'PARTIALLY_REFUNDED')),
      customer_id text,
      email text not null constraint orders_email_length check (length(email) between 3 and 254),
      currency text not null constraint orders_currency_format check (currency ~ '^[A-Z]{3}$'),
      subtotal bigint not null check (subtotal >= 0),
      discount_total bigint not null check (discount_total >= 0),
      shipping_total bigint not null check (shipping_total >= 0),
      tax_total bigint not null check (tax_total >= 0),
      gift_card_total bigint not null check (gift_card_total >= 0),
      store_credit_total bigint not null check (store_credit_total >= 0),
      total bigint not null check (total >= 0),
      refunded_total bigint not null default 0 constraint orders_refund_bounded check (refunded_total between 0 and total),
      shipping_address jsonb,
      billing_address jsonb,
      promotion_code text,
      checkout_session_id text not null,
      cart_id text not null,
      payment_method text,
      payment_reference text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (site_id, id),
      constraint orders_tenant_unique unique (id, site_id, livemode),
      constraint orders_number_unique unique (site_id, number),
      constraint orders_checkout_session_unique unique (site_id, checkout_session_id),
      -- One order per cart: of two sessions of one cart, the second to complete is refused.
      constraint orders_cart_unique unique (site_id, cart_id),
      constraint orders_total_balanced check (total = subtotal - discount_total + shipping_total + tax_total),
      constraint orders_paid_within_total check (gift_card_total + store_credit_total <= total)
    )`
  // The list: newest first, optionally by status, payment status or customer.
  yield* sql`create index orders_list_idx on orders (site_id, livemode, created_at desc, id desc)`
  yield* sql`create index orders_status_idx on orders (site_id, livemode, status, created_at desc, id desc)`
  yield* sql`create index orders_payment_status_idx on orders (site_id, livemode, payment_status, created_at desc, id desc)`
  yield* sql`create index orders_customer_idx on orders (site_id, livemode, customer_id, created_at desc, id desc)
    where customer_id is not null`

  yield* sql`
    create table order_items (
      id text not null constraint order_items_id_format check (id ~ '^oli_[A-Za-z0-9]{1,60}$'),
      site_id text not null,
      livemode boolean not null,
      order_id text not null,
      position integer not null,
      product_id text not null,
      variant_id text,
      name text not null,
      sku text,
      quantity integer not null constraint order_items_quantity_positive check (quantity >= 1),
      unit_price bigint not null constraint order_items_unit_price_nonnegative check (unit_price >= 0),
      total bigint not null constraint order_items_total_product check (total = unit_price * quantity),
      primary key (site_id, id),
      constraint order_items_position_unique unique (site_id, order_id, position),
      foreign key (order_id, site_id, livemode) references orders (id, site_id, livemode) on delete cascade
    )`

  yield* sql`
    create table checkout_sessions (
      id text not null constraint checkout_sessions_id_format check (id ~ '^cs_[A-Za-z0-9]{1,61}$'),
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      cart_id text not null,
      customer_id text,
      state text not null default 'init' constraint checkout_sessions_state_known
        check (state in ('init', 'contact', 'shipping', 'payment', 'review', 'complete')),
      currency text not null constraint checkout_sessions_currency_format check (currency ~ '^[A-Z]{3}$'),
      lines jsonb not null constraint checkout_sessions_lines_array check (jsonb_typeof(lines) = 'array'),
      email text,
      shipping_address jsonb,
      billing_address jsonb,
      shipping_option_id text,
      payment jsonb,
      promotion_code text,
      gift_card_codes text[] not null default '{}',
      store_credit_amount bigint not null default 0 check (store_credit_amount >= 0),
      loyalty_points integer not null default 0 check (loyalty_points >= 0),
      order_id text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (site_id, id),
      constraint checkout_sessions_tenant_unique unique (id, site_id, livemode),
      -- A complete session names its order, and only a complete one does.
      constraint checkout_sessions_complete_has_order check ((state = 'complete') = (order_id is not null))
    )`
  yield* sql`create index checkout_sessions_cart_idx on checkout_sessions (site_id, cart_id)`

  yield* sql`
    create table shipping_options (
      id text not null constraint shipping_options_id_format check (id ~ '^ship_[A-Za-z0-9_]{1,59}$'),
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      name text not null constraint shipping_options_name_length check (length(btrim(name)) between 1 and 200),
      currency text not null constraint shipping_options_currency_format check (currency ~ '^[A-Z]{3}$'),
      amount bigint not null constraint shipping_options_amount_nonnegative check (amount >= 0),
      free_over bigint constraint shipping_options_free_over_nonnegative check (free_over >= 0),
      position integer not null default 0,
      primary key (site_id, livemode, id)
    )`

  for (const table of ["orders", "checkout_sessions"]) {
    yield* sql`create trigger ${sql(`${table}_touch_updated_at`)} before update on ${sql(table)}
      for each row execute function shopvo_touch_updated_at()`
  }
})
