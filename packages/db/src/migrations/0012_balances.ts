/**
 * Money and points held for customers: gift cards with their redemptions, store-credit accounts
 * with their ledgers, and loyalty programs, accounts and ledgers. The rules live in
 * `@shopvo/balances` and `@shopvo/loyalty`; the CHECK constraints here restate their invariants
 * only as a last line of defence (no balance below zero, a `REDEEMED` card holds nothing).
 *
 * - A gift card records `ACTIVE | REDEEMED | VOID`; `EXPIRED` is derived from `expires_at` and
 *   the clock, never stored. Codes are unique per site and mode.
 * - A store-credit or loyalty account is one row per customer (the row concurrent debits lock)
 *   holding the current balance; its transactions are the ledger. Ledger rows are stamped with
 *   `clock_timestamp()`, taken after the account's lock, so newest first is the order they applied.
 * - A loyalty program is one row per site and mode; a site without one has the default program.
 *   An account stores no tier: it is derived from lifetime points and the program when read.
 *
 * `customer_id` and `order_id` are plain references for now: the customers and orders tables
 * arrive in their own migrations, which add the foreign keys.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  yield* sql`
    create table gift_cards (
      id text not null constraint gift_cards_id_format check (id ~ '^gc_[A-Za-z0-9]{1,60}$'),
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      code text not null constraint gift_cards_code_format check (code ~ '^GIFT-[A-Z0-9]{4}-[A-Z0-9]{4}$'),
      currency text not null constraint gift_cards_currency_format check (currency ~ '^[A-Z]{3}$'),
      initial_balance bigint not null constraint gift_cards_initial_positive check (initial_balance > 0),
      remaining_balance bigint not null,
      status text not null constraint gift_cards_status_known check (status in ('ACTIVE', 'REDEEMED', 'VOID')),
      customer_id text constraint gift_cards_customer_length check (length(customer_id) between 1 and 64),
      note text constraint gift_cards_note_length check (length(note) between 1 and 500),
      expires_at timestamptz,
      -- When the card was issued.
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint gift_cards_pkey primary key (site_id, id),
      constraint gift_cards_tenant_unique unique (id, site_id, livemode),
      constraint gift_cards_code_unique unique (site_id, livemode, code),
      constraint gift_cards_remaining_range check (remaining_balance between 0 and initial_balance),
      constraint gift_cards_status_matches_balance check (
        (status <> 'ACTIVE' or remaining_balance > 0) and (status <> 'REDEEMED' or remaining_balance = 0)
      )
    )`
  yield* sql`create trigger gift_cards_touch_updated_at before update on gift_cards
    for each row execute function shopvo_touch_updated_at()`
  yield* sql`create index gift_cards_list_idx on gift_cards (site_id, livemode, created_at desc, id desc)`
  yield* sql`create index gift_cards_customer_idx on gift_cards (site_id, livemode, customer_id, created_at desc, id desc)
    where customer_id is not null`

  yield* sql`
    create table gift_card_redemptions (
      id text not null constraint gift_card_redemptions_id_format check (id ~ '^gcr_[A-Za-z0-9]{1,60}$'),
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      gift_card_id text not null,
      amount bigint not null constraint gift_card_redemptions_amount_positive check (amount > 0),
      order_id text constraint gift_card_redemptions_order_length check (length(order_id) between 1 and 64),
      created_at timestamptz not null default clock_timestamp(),
      constraint gift_card_redemptions_pkey primary key (site_id, id),
      constraint gift_card_redemptions_card_fk foreign key (gift_card_id, site_id, livemode)
        references gift_cards (id, site_id, livemode) on delete cascade
    )`
  yield* sql`create index gift_card_redemptions_card_idx on gift_card_redemptions (site_id, gift_card_id, created_at)`

  yield* sql`
    create table store_credit_accounts (
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      customer_id text not null constraint store_credit_accounts_customer_length check (length(customer_id) between 1 and 64),
      currency text not null constraint store_credit_accounts_currency_format check (currency ~ '^[A-Z]{3}$'),
      balance bigint not null constraint store_credit_accounts_balance_nonnegative check (balance >= 0),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint store_credit_accounts_pkey primary key (site_id, livemode, customer_id)
    )`
  yield* sql`create trigger store_credit_accounts_touch_updated_at before update on store_credit_accounts
    for each row execute function shopvo_touch_updated_at()`

  yield* sql`
    create table store_credit_transactions (
      id text not null constraint store_credit_transactions_id_format check (id ~ '^sct_[A-Za-z0-9]{1,60}$'),
      site_id text not null,
      livemode boolean not null,
      customer_id text not null,
      type text not null constraint store_credit_transactions_type_known check (type in ('CREDIT', 'DEBIT')),
      amount bigint not null constraint store_credit_transactions_amount_positive check (amount > 0),
      note text constraint store_credit_transactions_note_length check (length(note) between 1 and 500),
      order_id text constraint store_credit_transactions_order_length check (length(order_id) between 1 and 64),
      created_at timestamptz not null default clock_timestamp(),
      constraint store_credit_transactions_pkey primary key (site_id, id),
      constraint store_credit_transactions_account_fk foreign key (site_id, livemode, customer_id)
        references store_credit_accounts (site_id, livemode, customer_id) on delete cascade
    )`
  yield* sql`create index store_credit_transactions_account_idx
    on store_credit_transactions (site_id, livemode, customer_id, created_at desc, id desc)`

  yield* sql`
    create table loyalty_programs (
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      -- The program as @shopvo/loyalty encodes it (currency, rates as decimal strings, tiers).
      rules jsonb not null constraint loyalty_programs_rules_object check (jsonb_typeof(rules) = 'object'),
      updated_at timestamptz not null default now(),
      constraint loyalty_programs_pkey primary key (site_id, livemode)
    )`
  yield* sql`create trigger loyalty_programs_touch_updated_at before update on loyalty_programs
    for each row execute function shopvo_touch_updated_at()`

  yield* sql`
    create table loyalty_accounts (
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      customer_id text not null constraint loyalty_accounts_customer_length check (length(customer_id) between 1 and 64),
      points bigint not null constraint loyalty_accounts_points_nonnegative check (points >= 0),
      lifetime_points bigint not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint loyalty_accounts_pkey primary key (site_id, livemode, customer_id),
      constraint loyalty_accounts_lifetime_covers_points check (lifetime_points >= points)
    )`
  yield* sql`create trigger loyalty_accounts_touch_updated_at before update on loyalty_accounts
    for each row execute function shopvo_touch_updated_at()`

  yield* sql`
    create table loyalty_transactions (
      id text not null constraint loyalty_transactions_id_format check (id ~ '^lt_[A-Za-z0-9]{1,60}$'),
      site_id text not null,
      livemode boolean not null,
      customer_id text not null,
      type text not null
        constraint loyalty_transactions_type_known check (type in ('EARN', 'AWARD', 'REDEEM', 'DEDUCT', 'EXPIRE')),
      -- The size of the movement; its direction comes from the type.
      points bigint not null constraint loyalty_transactions_points_positive check (points > 0),
      order_id text constraint loyalty_transactions_order_length check (length(order_id) between 1 and 64),
      note text constraint loyalty_transactions_note_length check (length(note) between 1 and 500),
      created_at timestamptz not null default clock_timestamp(),
      constraint loyalty_transactions_pkey primary key (site_id, id),
      constraint loyalty_transactions_account_fk foreign key (site_id, livemode, customer_id)
        references loyalty_accounts (site_id, livemode, customer_id) on delete cascade
    )`
  yield* sql`create index loyalty_transactions_account_idx
    on loyalty_transactions (site_id, livemode, customer_id, created_at desc, id desc)`
  // Points are earned once per order and customer, however often checkout retries.
  yield* sql`create unique index loyalty_transactions_one_earn_per_order
    on loyalty_transactions (site_id, livemode, customer_id, order_id) where type = 'EARN'`
})
