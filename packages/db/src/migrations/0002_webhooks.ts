/**
 * Webhook subscriptions: an endpoint URL, the events it receives and the secret its deliveries
 * are signed with. Per site and mode, like every tenant row.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  // The secret is stored as is: deliveries are signed with it (HMAC needs the key itself).
  yield* sql`
    create table webhook_subscriptions (
      id text primary key constraint webhook_subscriptions_id_format check (id ~ '^wh_[A-Za-z0-9]{1,60}$'),
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      url text not null constraint webhook_subscriptions_url_format check (url ~ '^https?://' and length(url) <= 2048),
      events text[] not null constraint webhook_subscriptions_events_nonempty check (cardinality(events) > 0),
      description text constraint webhook_subscriptions_description_length check (length(description) between 1 and 500),
      secret text not null constraint webhook_subscriptions_secret_format check (secret ~ '^whsec_[0-9A-Za-z]+$'),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint webhook_subscriptions_tenant_unique unique (id, site_id, livemode)
    )`
  yield* sql`create index webhook_subscriptions_site_idx on webhook_subscriptions (site_id, livemode, created_at, id)`
  yield* sql`create trigger webhook_subscriptions_touch_updated_at before update on webhook_subscriptions
    for each row execute function shopvo_touch_updated_at()`
})
