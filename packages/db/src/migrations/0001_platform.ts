/**
 * The platform tables: sites, their API keys, Idempotency-Key records, the
 * request-signature replay cache and the events outbox.
 *
 * Conventions every later migration follows:
 * - Ids are prefixed text (`site_…`, `key_…`, `evt_…`), checked at the door.
 * - Every tenant table carries `site_id` and `livemode`; a row referring to
 *   another tenant row references `(id, site_id, livemode)`, so the database
 *   itself refuses a link across sites or between test and live data.
 * - Closed vocabularies and ranges are CHECK constraints; times are
 *   `timestamptz`.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  yield* sql`
    create function shopvo_touch_updated_at() returns trigger language plpgsql as $$
    begin
      new.updated_at := now();
      return new;
    end
    $$`

  // The tenant root: one store. Not itself split by mode: a site's settings
  // apply to its test and live data alike.
  // `plan` is the commercial tier; `rate_limit_rpm` is the enforced per-key
  // limit, stored separately so a site can be given a custom limit.
  yield* sql`
    create table sites (
      id text primary key constraint sites_id_format check (id ~ '^site_[A-Za-z0-9]{1,59}$'),
      name text not null constraint sites_name_length check (length(btrim(name)) between 1 and 200),
      currency text not null constraint sites_currency_format check (currency ~ '^[A-Z]{3}$'),
      locale text not null default 'en'
        constraint sites_locale_format check (locale ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$'),
      primary_domain text,
      domains text[] not null default '{}',
      theme jsonb not null default '{}',
      plan text not null default 'free'
        constraint sites_plan_known check (plan in ('free', 'starter', 'growth', 'enterprise')),
      rate_limit_rpm integer not null default 60
        constraint sites_rate_limit_range check (rate_limit_rpm between 30 and 1000),
      review_auto_approve boolean not null default false,
      low_stock_threshold integer not null default 5
        constraint sites_low_stock_threshold_range check (low_stock_threshold >= 0),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint sites_domains_lowercase check (array_position(domains, null) is null and domains::text = lower(domains::text)),
      constraint sites_primary_domain_listed check (primary_domain is null or primary_domain = any (domains)),
      -- Design tokens: CSS custom properties to string values.
      constraint sites_theme_tokens check (
        jsonb_typeof(theme) = 'object' and not jsonb_path_exists(theme, '$.* ? (@.type() != "string")')
      )
    )`
  yield* sql`create trigger sites_touch_updated_at before update on sites
    for each row execute function shopvo_touch_updated_at()`
  // Storefront host routing looks sites up by domain.
  yield* sql`create index sites_domains_idx on sites using gin (domains)`

  // Secret keys are stored as SHA-256 hex of the key (see @shopvo/signing
  // ApiKey.hash) and never recoverable; `key_prefix` (e.g. `sk_test_4eC3`)
  // tells keys apart in listings.
  // `signing_secret` is stored in the clear on purpose: verifying an
  // X-Shopvo-Signature needs the secret itself as the HMAC key, so it cannot be
  // hashed. Encrypting it at rest is a later concern.
  yield* sql`
    create table api_keys (
      id text primary key constraint api_keys_id_format check (id ~ '^key_[A-Za-z0-9]{1,60}$'),
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      key_hash text not null constraint api_keys_key_hash_format check (key_hash ~ '^[0-9a-f]{64}$'),
      key_prefix text not null,
      scopes text[] not null,
      signing_secret text constraint api_keys_signing_secret_format check (signing_secret ~ '^sks_[0-9A-Za-z]+$'),
      revoked_at timestamptz,
      last_used_at timestamptz,
      created_at timestamptz not null default now(),
      constraint api_keys_key_hash_unique unique (key_hash),
      -- Target of tenant-safe composite foreign keys.
      constraint api_keys_tenant_unique unique (id, site_id, livemode),
      constraint api_keys_prefix_matches_mode check (
        key_prefix ~ ((case when livemode then '^sk_live_' else '^sk_test_' end) || '[0-9A-Za-z]{1,8}$')
      ),
      constraint api_keys_scopes_nonempty check (cardinality(scopes) > 0),
      -- The reference's scope table; admin:* grants all the others.
      constraint api_keys_scopes_known check (scopes <@ array[
        'read:catalog', 'write:catalog', 'read:content',
        'read:orders', 'read:customers', 'write:customers',
        'read:cart', 'write:cart', 'read:checkout', 'write:checkout',
        'read:inventory', 'write:inventory', 'read:promotions', 'write:promotions',
        'read:gift-cards', 'write:gift-cards', 'read:store-credit', 'write:store-credit',
        'read:loyalty', 'write:loyalty', 'read:b2b', 'write:b2b',
        'webhooks:read', 'webhooks:write', 'metafields:read', 'metafields:write',
        'admin:*'
      ]::text[]),
      constraint api_keys_revoked_after_created check (revoked_at is null or revoked_at >= created_at)
    )`
  yield* sql`create index api_keys_site_idx on api_keys (site_id, livemode, created_at)`

  // Stripe-style Idempotency-Key records: the first response to (key, Idempotency-Key)
  // is kept until expires_at and replayed byte for byte (hence bytea).
  yield* sql`
    create table idempotency_keys (
      api_key_id text not null,
      key text not null constraint idempotency_keys_key_length check (length(key) between 1 and 255),
      site_id text not null,
      livemode boolean not null,
      request_hash text not null constraint idempotency_keys_request_hash_present check (request_hash <> ''),
      status text not null default 'in_progress'
        constraint idempotency_keys_status_known check (status in ('in_progress', 'completed')),
      response_status integer constraint idempotency_keys_response_status_range check (response_status between 100 and 599),
      response_headers jsonb constraint idempotency_keys_response_headers_object check (jsonb_typeof(response_headers) = 'object'),
      response_body bytea,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      primary key (api_key_id, key),
      foreign key (api_key_id, site_id, livemode) references api_keys (id, site_id, livemode) on delete cascade,
      -- A completed record carries the whole response; an in-progress one none of it.
      constraint idempotency_keys_response_matches_status check (
        case status
          when 'completed' then response_status is not null and response_headers is not null and response_body is not null
          else response_status is null and response_headers is null and response_body is null
        end
      ),
      constraint idempotency_keys_expiry_after_creation check (expires_at > created_at)
    )`
  yield* sql`create index idempotency_keys_expires_idx on idempotency_keys (expires_at)`

  // Signatures seen within the 300 s window, to refuse replays. Not tenant
  // data: the key is a SHA-256 of the signature, already unique per secret.
  // A logged (not UNLOGGED) table, so a crash cannot reopen the window.
  yield* sql`
    create table signature_replays (
      signature_hash text primary key
        constraint signature_replays_hash_format check (signature_hash ~ '^[0-9a-f]{64}$'),
      expires_at timestamptz not null
    )`
  yield* sql`create index signature_replays_expires_idx on signature_replays (expires_at)`

  // The transactional outbox: written in the same transaction as the change it
  // reports; the webhook worker delivers from it. Event ids are receivers'
  // idempotency keys.
  yield* sql`
    create table events (
      id text primary key constraint events_id_format check (id ~ '^evt_[A-Za-z0-9]{1,60}$'),
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      type text not null constraint events_type_format check (type ~ '^[a-z][a-z_]*([.][a-z][a-z_]*)+$'),
      payload jsonb not null constraint events_payload_object check (jsonb_typeof(payload) = 'object'),
      created_at timestamptz not null default now()
    )`
  yield* sql`create index events_site_created_idx on events (site_id, livemode, created_at, id)`
})
