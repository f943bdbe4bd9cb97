/**
 * Webhook delivery: one row per (subscription, event) with its retry state, and the log of every
 * attempt. The webhook worker fans each event out once (`events.dispatched_at`), claims due
 * deliveries with `FOR UPDATE SKIP LOCKED` and a lease (`claimed_until`: a worker that dies
 * mid-attempt loses nothing, its claim simply lapses), and is woken by `pg_notify` on the
 * `shopvo_webhooks` channel when events are written.
 *
 * Subscriptions gain what delivery needs: being disabled after failing for a whole retry window
 * (`failing_since` is when the current run of failures began), and the previous secret during a
 * rotation's overlap. Sites gain their event retention.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  yield* sql`
    alter table webhook_subscriptions
      add column disabled_at timestamptz,
      add column failing_since timestamptz,
      add column previous_secret text
        constraint webhook_subscriptions_previous_secret_format check (previous_secret ~ '^whsec_[0-9A-Za-z]+$'),
      add column previous_secret_expires_at timestamptz,
      add constraint webhook_subscriptions_previous_secret_expiry
        check ((previous_secret is null) = (previous_secret_expires_at is null))`

  yield* sql`
    alter table sites add column event_retention_days integer not null default 30
      constraint sites_event_retention_days_range check (event_retention_days between 1 and 90)`

  // Fan-out bookkeeping: an event is dispatched once, when its deliveries are created.
  yield* sql`alter table events add column dispatched_at timestamptz`
  yield* sql`create index events_undispatched_idx on events (created_at, id) where dispatched_at is null`

  yield* sql`
    create table webhook_deliveries (
      id text not null constraint webhook_deliveries_id_format check (id ~ '^whd_[A-Za-z0-9]{1,60}$'),
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      subscription_id text not null,
      event_id text not null,
      event_type text not null,
      status text not null default 'pending'
        constraint webhook_deliveries_status_known check (status in ('pending', 'succeeded', 'failed')),
      attempts integer not null default 0 constraint webhook_deliveries_attempts_range check (attempts >= 0),
      last_status_code integer,
      last_error text,
      last_attempt_at timestamptz,
      next_attempt_at timestamptz,
      -- Retries stop here: 24 h after the event, or after a manual redelivery or replay.
      window_ends_at timestamptz not null,
      -- A worker's lease on an attempt in progress; due again once it lapses.
      claimed_until timestamptz,
      created_at timestamptz not null default now(),
      -- Keys lead with site_id, ready for distribution by site like every tenant table (0007).
      primary key (site_id, id),
      foreign key (subscription_id, site_id, livemode)
        references webhook_subscriptions (id, site_id, livemode) on delete cascade,
      foreign key (site_id, event_id) references events (site_id, id) on delete cascade,
      constraint webhook_deliveries_once unique (site_id, subscription_id, event_id),
      constraint webhook_deliveries_tenant_unique unique (id, site_id, livemode),
      constraint webhook_deliveries_pending_has_next check ((status = 'pending') = (next_attempt_at is not null))
    )`
  yield* sql`create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at) where status = 'pending'`
  yield* sql`create index webhook_deliveries_subscription_idx on webhook_deliveries (subscription_id, created_at, id)`
  yield* sql`create index webhook_deliveries_event_idx on webhook_deliveries (site_id, event_id)`

  yield* sql`
    create table webhook_delivery_attempts (
      id text not null constraint webhook_delivery_attempts_id_format check (id ~ '^wha_[A-Za-z0-9]{1,60}$'),
      site_id text not null,
      livemode boolean not null,
      delivery_id text not null,
      attempted_at timestamptz not null,
      status_code integer constraint webhook_delivery_attempts_status_range check (status_code between 100 and 599),
      error text,
      duration_ms integer not null constraint webhook_delivery_attempts_duration_range check (duration_ms >= 0),
      response_excerpt text constraint webhook_delivery_attempts_excerpt_length check (length(response_excerpt) <= 1024),
      primary key (site_id, id),
      foreign key (delivery_id, site_id, livemode)
        references webhook_deliveries (id, site_id, livemode) on delete cascade
    )`
  yield* sql`create index webhook_delivery_attempts_delivery_idx on webhook_delivery_attempts (delivery_id, attempted_at, id)`

  // Wakes the workers when events are written (once per statement; NOTIFY dedupes per transaction).
  yield* sql`
    create function shopvo_notify_webhooks() returns trigger language plpgsql as $$
    begin
      perform pg_notify('shopvo_webhooks', '');
      return null;
    end
    $$`
  yield* sql`create trigger events_notify_webhooks after insert on events
    for each statement execute function shopvo_notify_webhooks()`
})
