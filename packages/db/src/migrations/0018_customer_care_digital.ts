/**
 * Customer care and digital goods.
 *
 * - Products have a `type`: `physical` (shipped) or `digital`, which carries the file a buyer
 *   downloads (`download_file`); the CHECK keeps the file with digital products only.
 * - `customer_blacklist`: an entry names exactly one of an email (compared ignoring case) or a
 *   customer; one entry per email and per customer of a site and mode (the unique indexes). A
 *   blacklisted customer deleted later leaves no entry behind (`on delete cascade`).
 * - `customer_merges`: each merge leaves a row naming the customer that is gone (its id and email)
 *   and the one it became, so a checkout that still names the old customer or email is counted
 *   for the survivor. Not a foreign key on the source: that customer no longer exists.
 * - `download_keys`: the secret download links of a site and mode are signed with, made on first
 *   use.
 * - The product list's `sort` by price or name walks an index, like the default order does.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  yield* sql`alter table products
    add column type text not null default 'physical' constraint products_type_known check (type in ('physical', 'digital')),
    add column download_file text constraint products_download_file_length check (length(download_file) between 1 and 2048),
    add constraint products_download_file_digital check ((type = 'digital') = (download_file is not null))`
  yield* sql`create index products_price_idx on products (site_id, livemode, status, price, id)`
  yield* sql`create index products_name_idx on products (site_id, livemode, status, name, id)`

  yield* sql`
    create table customer_blacklist (
      id text not null constraint customer_blacklist_id_format check (id ~ '^bl_[A-Za-z0-9]{1,60}$'),
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      email text constraint customer_blacklist_email_length check (length(email) between 3 and 254),
      customer_id text,
      reason text not null constraint customer_blacklist_reason_length check (length(btrim(reason)) between 1 and 500),
      created_at timestamptz not null default now(),
      constraint customer_blacklist_pkey primary key (site_id, id),
      constraint customer_blacklist_one_target check ((email is null) <> (customer_id is null)),
      constraint customer_blacklist_customer_fk foreign key (customer_id, site_id, livemode)
        references customers (id, site_id, livemode) on delete cascade
    )`
  yield* sql`create unique index customer_blacklist_email_unique on customer_blacklist (site_id, livemode, lower(email))
    where email is not null`
  yield* sql`create unique index customer_blacklist_customer_unique on customer_blacklist (site_id, livemode, customer_id)
    where customer_id is not null`
  yield* sql`create index customer_blacklist_list_idx on customer_blacklist (site_id, livemode, created_at desc, id desc)`

  yield* sql`
    create table customer_merges (
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      source_id text not null,
      source_email text not null,
      target_id text not null,
      merged_at timestamptz not null default now(),
      constraint customer_merges_pkey primary key (site_id, livemode, source_id),
      constraint customer_merges_target_fk foreign key (target_id, site_id, livemode)
        references customers (id, site_id, livemode) on delete cascade
    )`
  yield* sql`create index customer_merges_email_idx on customer_merges (site_id, livemode, lower(source_email), merged_at desc)`
  yield* sql`create index customer_merges_target_idx on customer_merges (site_id, livemode, target_id)`

  yield* sql`
    create table download_keys (
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      secret text not null constraint download_keys_secret_length check (length(secret) >= 32),
      created_at timestamptz not null default now(),
      constraint download_keys_pkey primary key (site_id, livemode)
    )`
})
