/**
 * Customers and customer groups, per site and mode.
 *
 * - An email belongs to at most one customer of a site and mode, ignoring case: the unique index
 *   on `lower(email)` is the rule, so concurrent checkouts with `Jane@x` and `jane@x` cannot both
 *   create one (`insert … on conflict do nothing` waits for the other and does nothing).
 * - `search_text` (the lowercased email, first and last name) carries the trigram index that
 *   answers the list's substring search; PostgreSQL keeps it.
 * - `total_orders` and `total_spent` only move by a single `update … set x = x + …`, so concurrent
 *   orders never lose one; `total_spent` stays a safe integer (the spec's `Money`).
 * - A group (`grp_…`) is named by `group_id`; deleting a group leaves its customers without one.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  yield* sql`
    create table customer_groups (
      id text not null constraint customer_groups_id_format check (id ~ '^grp_[A-Za-z0-9]{1,60}$'),
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      name text not null constraint customer_groups_name_length check (length(btrim(name)) between 1 and 100),
      created_at timestamptz not null default now(),
      constraint customer_groups_pkey primary key (site_id, id),
      constraint customer_groups_tenant_unique unique (id, site_id, livemode)
    )`

  yield* sql`
    create table customers (
      id text not null constraint customers_id_format check (id ~ '^cust_[A-Za-z0-9]{1,60}$'),
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      email text not null constraint customers_email_length check (length(email) between 3 and 254),
      first_name text,
      last_name text,
      phone text,
      group_id text,
      accepts_marketing boolean not null default false,
      tags text[] not null default '{}',
      default_address jsonb
        constraint customers_default_address_object check (default_address is null or jsonb_typeof(default_address) = 'object'),
      total_orders integer not null default 0 constraint customers_total_orders_nonnegative check (total_orders >= 0),
      total_spent bigint not null default 0
        constraint customers_total_spent_range check (total_spent between 0 and 9007199254740991),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      search_text text generated always as (
        lower(email || ' ' || coalesce(first_name, '') || ' ' || coalesce(last_name, ''))
      ) stored,
      constraint customers_pkey primary key (site_id, id),
      constraint customers_tenant_unique unique (id, site_id, livemode),
      constraint customers_group_fk foreign key (group_id, site_id, livemode)
        references customer_groups (id, site_id, livemode) on delete set null (group_id)
    )`
  yield* sql`create unique index customers_email_unique on customers (site_id, livemode, lower(email))`
  // Newest first, whole list or one group; keyset pages continue below (created_at, id).
  yield* sql`create index customers_list_idx on customers (site_id, livemode, created_at, id)`
  yield* sql`create index customers_group_idx on customers (site_id, livemode, group_id, created_at, id)`
  yield* sql`create extension if not exists pg_trgm`
  yield* sql`create index customers_search_idx on customers using gin (search_text gin_trgm_ops)`
})
