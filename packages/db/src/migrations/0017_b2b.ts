/**
 * B2B: price lists, wholesale accounts with their customer contacts, and the account and terms an
 * order was placed on.
 *
 * - B2B is a plan feature (`plans.b2b`): the growth and enterprise plans include it.
 * - A price list entry prices one variant in one currency: a fixed `price` (minor units) or a
 *   `percent_off` (0–100, at most two decimals, kept as sent so the API shows it back unchanged).
 *   Exactly one of the two; one entry per (list, variant, currency). A deleted variant takes its
 *   entries with it; a deleted list leaves its accounts without one (`set null`).
 * - A customer is a contact of at most one account of its site and mode (the unique index is the
 *   rule, so two concurrent creations naming the same customer cannot both win), and an account
 *   has at most one primary contact.
 * - Orders record the account whose contact placed them and, for orders on credit, the terms and
 *   the due date; `orders_b2b_idx` answers the list by account.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  yield* sql`alter table plans add column b2b boolean not null default false`
  yield* sql`update plans set b2b = true where name in ('growth', 'enterprise')`

  yield* sql`
    create table price_lists (
      id text not null constraint price_lists_id_format check (id ~ '^pl_[A-Za-z0-9]{1,61}$'),
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      name text not null constraint price_lists_name_length check (length(btrim(name)) between 1 and 200),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint price_lists_pkey primary key (site_id, id),
      constraint price_lists_tenant_unique unique (id, site_id, livemode)
    )`
  yield* sql`create index price_lists_list_idx on price_lists (site_id, livemode, created_at, id)`

  yield* sql`
    create table price_list_entries (
      site_id text not null,
      livemode boolean not null,
      price_list_id text not null,
      position integer not null,
      variant_id text not null,
      currency text not null constraint price_list_entries_currency_format check (currency ~ '^[A-Z]{3}$'),
      price bigint constraint price_list_entries_price_range check (price between 0 and 9007199254740991),
      percent_off numeric constraint price_list_entries_percent_off_range
        check (percent_off between 0 and 100 and scale(percent_off) <= 2),
      constraint price_list_entries_pkey primary key (site_id, price_list_id, variant_id, currency),
      constraint price_list_entries_one_rule check ((price is null) <> (percent_off is null)),
      constraint price_list_entries_list_fk foreign key (price_list_id, site_id, livemode)
        references price_lists (id, site_id, livemode) on delete cascade,
      constraint price_list_entries_variant_fk foreign key (variant_id, site_id, livemode)
        references variants (id, site_id, livemode) on delete cascade
    )`
  yield* sql`create index price_list_entries_variant_idx on price_list_entries (site_id, variant_id)`

  yield* sql`
    create table b2b_accounts (
      id text not null constraint b2b_accounts_id_format check (id ~ '^b2b_[A-Za-z0-9]{1,60}$'),
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      company_name text not null
        constraint b2b_accounts_company_name_length check (length(btrim(company_name)) between 1 and 200),
      tax_id text constraint b2b_accounts_tax_id_length check (length(tax_id) between 1 and 50),
      status text not null default 'ACTIVE'
        constraint b2b_accounts_status_known check (status in ('ACTIVE', 'SUSPENDED', 'PENDING')),
      payment_terms text not null default 'DUE_ON_RECEIPT' constraint b2b_accounts_payment_terms_known
        check (payment_terms in ('DUE_ON_RECEIPT', 'NET_15', 'NET_30', 'NET_60', 'NET_90')),
      price_list_id text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint b2b_accounts_pkey primary key (site_id, id),
      constraint b2b_accounts_tenant_unique unique (id, site_id, livemode),
      constraint b2b_accounts_price_list_fk foreign key (price_list_id, site_id, livemode)
        references price_lists (id, site_id, livemode) on delete set null (price_list_id)
    )`
  yield* sql`create index b2b_accounts_list_idx on b2b_accounts (site_id, livemode, created_at, id)`
  yield* sql`create index b2b_accounts_status_idx on b2b_accounts (site_id, livemode, status, created_at, id)`
  yield* sql`create index b2b_accounts_search_idx on b2b_accounts using gin (lower(company_name) gin_trgm_ops)`

  yield* sql`
    create table b2b_contacts (
      site_id text not null,
      livemode boolean not null,
      account_id text not null,
      customer_id text not null,
      position integer not null,
      is_primary boolean not null,
      constraint b2b_contacts_pkey primary key (site_id, account_id, customer_id),
      constraint b2b_contacts_account_fk foreign key (account_id, site_id, livemode)
        references b2b_accounts (id, site_id, livemode) on delete cascade,
      constraint b2b_contacts_customer_fk foreign key (customer_id, site_id, livemode)
        references customers (id, site_id, livemode) on delete cascade
    )`
  yield* sql`create unique index b2b_contacts_one_account on b2b_contacts (site_id, livemode, customer_id)`
  yield* sql`create unique index b2b_contacts_one_primary on b2b_contacts (site_id, account_id) where is_primary`

  yield* sql`
    alter table orders
      add column b2b_account_id text,
      add column payment_terms text constraint orders_payment_terms_known
        check (payment_terms in ('NET_15', 'NET_30', 'NET_60', 'NET_90')),
      add column due_date date,
      add constraint orders_terms_have_due_date check ((payment_terms is null) = (due_date is null)),
      add constraint orders_b2b_account_fk foreign key (b2b_account_id, site_id, livemode)
        references b2b_accounts (id, site_id, livemode) on delete set null (b2b_account_id)`
  yield* sql`create index orders_b2b_idx on orders (site_id, livemode, b2b_account_id, created_at desc, id desc)
    where b2b_account_id is not null`

  for (const table of ["price_lists", "b2b_accounts"]) {
    yield* sql`create trigger ${sql(`${table}_touch_updated_at`)} before update on ${sql(table)}
      for each row execute function shopvo_touch_updated_at()`
  }
})
