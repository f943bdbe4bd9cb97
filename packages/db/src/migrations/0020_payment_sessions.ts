/**
 * Payment sessions: one attempt to be paid for a checkout session or an order, through the
 * payment provider, and the provider operations made for it.
 *
 * - `payment_sessions` keeps `0 ≤ refunded_amount ≤ captured_amount ≤ amount` and, like the
 *   lifecycle in @shopvo/checkout, captures nothing before `succeeded`; refunds of one session
 *   are serialized by locking its row, so together they can never pass the capture.
 * - `provider_reference` is the provider's id of the session (unique per site and mode), which
 *   its signed callbacks name.
 * - `payment_session_operations` records every capture, void and refund with the idempotency key
 *   sent to the provider: one row per (session, kind, key), so an operation retried with the same
 *   key is found here and never reaches the provider twice.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  yield* sql`
    create table payment_sessions (
      id text not null constraint payment_sessions_id_format check (id ~ '^pay_[A-Za-z0-9]{1,60}$'),
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      checkout_session_id text,
      order_id text,
      customer_id text,
      method text not null constraint payment_sessions_method_known
        check (method in ('card', 'wallet', 'bank_transfer', 'on_account')),
      status text not null default 'requires_confirmation' constraint payment_sessions_status_known
        check (status in ('requires_confirmation', 'requires_action', 'authorized', 'succeeded',
                          'partially_refunded', 'refunded', 'failed', 'canceled')),
      currency text not null constraint payment_sessions_currency_format check (currency ~ '^[A-Z]{3}$'),
      amount bigint not null constraint payment_sessions_amount_positive check (amount > 0),
      captured_amount bigint not null default 0,
      refunded_amount bigint not null default 0,
      provider_reference text,
      next_action jsonb,
      failure_code text,
      failure_message text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (site_id, id),
      constraint payment_sessions_tenant_unique unique (id, site_id, livemode),
      constraint payment_sessions_reference_unique unique (site_id, livemode, provider_reference),
      constraint payment_sessions_pays_something check (checkout_session_id is not null or order_id is not null),
      constraint payment_sessions_amounts_bounded
        check (0 <= refunded_amount and refunded_amount <= captured_amount and captured_amount <= amount),
      constraint payment_sessions_captured_when_succeeded
        check ((status in ('succeeded', 'partially_refunded', 'refunded')) = (captured_amount > 0)),
      foreign key (checkout_session_id, site_id, livemode)
        references checkout_sessions (id, site_id, livemode) on delete cascade,
      foreign key (order_id, site_id, livemode) references orders (id, site_id, livemode) on delete cascade,
      foreign key (customer_id, site_id, livemode)
        references customers (id, site_id, livemode) on delete set null (customer_id)
    )`
  yield* sql`create index payment_sessions_checkout_idx on payment_sessions (site_id, livemode, checkout_session_id)
    where checkout_session_id is not null`
  yield* sql`create index payment_sessions_order_idx on payment_sessions (site_id, livemode, order_id)
    where order_id is not null`

  yield* sql`
    create table payment_session_operations (
      id text not null constraint payment_session_operations_id_format check (id ~ '^payop_[A-Za-z0-9]{1,58}$'),
      site_id text not null,
      livemode boolean not null,
      payment_session_id text not null,
      kind text not null constraint payment_session_operations_kind_known
        check (kind in ('capture', 'void', 'refund')),
      amount bigint not null constraint payment_session_operations_amount_nonnegative check (amount >= 0),
      idempotency_key text not null,
      provider_reference text,
      reason text,
      created_at timestamptz not null default now(),
      primary key (site_id, id),
      constraint payment_session_operations_once unique (site_id, payment_session_id, kind, idempotency_key),
      foreign key (payment_session_id, site_id, livemode)
        references payment_sessions (id, site_id, livemode) on delete cascade
    )`

  yield* sql`create trigger payment_sessions_touch_updated_at before update on payment_sessions
    for each row execute function shopvo_touch_updated_at()`
})
