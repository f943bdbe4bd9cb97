/**
 * Running an order after the sale: fulfilments, refunds and the order's timeline.
 *
 * - `order_items` learn how much of each line shipped, was refunded by line, and went back into
 *   stock; each stays within the line's quantity (the lifecycle service checks first, these checks
 *   make a bug fail loudly instead of overshipping).
 * - `fulfilments`: one shipment of some quantities of an order's lines (`lines`, a JSON array of
 *   `{orderItemId, quantity}`), with carrier and tracking.
 * - `refunds`: one refund of an order, to the payment method (with the provider's reference) or as
 *   store credit. Their sum per order is `orders.refunded_total`, written in the same transaction
 *   that locks the order row, so concurrent refunds queue and never exceed what was captured.
 * - `order_timeline`: every change of an order, in the order it happened (`seq`), with the API key
 *   that made it (null for checkout).
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  yield* sql`
    alter table order_items
      add column fulfilled_quantity integer not null default 0,
      add column refunded_quantity integer not null default 0,
      add column restocked_quantity integer not null default 0,
      add constraint order_items_fulfilled_within check (fulfilled_quantity between 0 and quantity),
      add constraint order_items_refunded_within check (refunded_quantity between 0 and quantity),
      add constraint order_items_restocked_within check (restocked_quantity between 0 and quantity)`

  yield* sql`
    create table fulfilments (
      id text not null constraint fulfilments_id_format check (id ~ '^ful_[A-Za-z0-9]{1,60}$'),
      site_id text not null,
      livemode boolean not null,
      order_id text not null,
      lines jsonb not null constraint fulfilments_lines_array check (jsonb_typeof(lines) = 'array'),
      carrier text,
      tracking_number text,
      tracking_url text,
      api_key_id text,
      created_at timestamptz not null default clock_timestamp(),
      primary key (site_id, id),
      foreign key (order_id, site_id, livemode) references orders (id, site_id, livemode) on delete cascade
    )`
  yield* sql`create index fulfilments_order_idx on fulfilments (site_id, livemode, order_id, created_at)`

  yield* sql`
    create table refunds (
      id text not null constraint refunds_id_format check (id ~ '^rfnd_[A-Za-z0-9]{1,59}$'),
      site_id text not null,
      livemode boolean not null,
      order_id text not null,
      amount bigint not null constraint refunds_amount_positive check (amount > 0),
      currency text not null constraint refunds_currency_format check (currency ~ '^[A-Z]{3}$'),
      method text not null constraint refunds_method_known check (method in ('PAYMENT', 'STORE_CREDIT')),
      lines jsonb,
      restock boolean not null default false,
      reason text,
      provider_reference text,
      loyalty_points_taken_back integer not null default 0 check (loyalty_points_taken_back >= 0),
      api_key_id text,
      created_at timestamptz not null default clock_timestamp(),
      primary key (site_id, id),
      foreign key (order_id, site_id, livemode) references orders (id, site_id, livemode) on delete cascade
    )`
  yield* sql`create index refunds_order_idx on refunds (site_id, livemode, order_id, created_at)`

  yield* sql`
    create table order_timeline (
      seq bigint generated always as identity,
      id text not null constraint order_timeline_id_format check (id ~ '^otl_[A-Za-z0-9]{1,60}$'),
      site_id text not null,
      livemode boolean not null,
      order_id text not null,
      type text not null constraint order_timeline_type_known
        check (type in ('placed', 'status_changed', 'fulfilled', 'cancelled', 'refunded')),
      message text not null,
      from_status text,
      to_status text not null,
      payment_status text not null,
      amount bigint,
      api_key_id text,
      created_at timestamptz not null default clock_timestamp(),
      primary key (site_id, id),
      foreign key (order_id, site_id, livemode) references orders (id, site_id, livemode) on delete cascade
    )`
  yield* sql`create index order_timeline_order_idx on order_timeline (site_id, livemode, order_id, seq)`

  // The order list's filters by contact email and by product.
  yield* sql`create index orders_email_idx on orders (site_id, livemode, lower(email), created_at desc, id desc)`
  yield* sql`create index order_items_product_idx on order_items (site_id, livemode, product_id, order_id)`
})
