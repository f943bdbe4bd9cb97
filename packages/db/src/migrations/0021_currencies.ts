/**
 * Multi-currency selling and settlement.
 *
 * - `site_currencies`: the presentment currencies a site sells in besides its base currency.
 * - `exchange_rates`: one `from` is worth `rate` of `to` from `effective_at` on. The rate is kept as
 *   the decimal string it was quoted as (never a float), and rows are never updated: a newer
 *   `effective_at` supersedes, so an order's recorded rate can always be traced.
 * - `product_prices`: a product's (variant null) or a variant's price in another currency.
 * - `settlement_settings`, `settlement_accounts`, `settlement_rules`: where orders settle; rules
 *   apply in `position` order.
 * - `order_settlements`: each order's presentment and settlement amounts and the rate used, fixed
 *   when it was placed; refunds add to the `*_refunded` columns, bounded by the totals.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  yield* sql`
    create table site_currencies (
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      currency text not null constraint site_currencies_currency_format check (currency ~ '^[A-Z]{3}$'),
      primary key (site_id, livemode, currency)
    )`

  yield* sql`
    create table exchange_rates (
      id text not null constraint exchange_rates_id_format check (id ~ '^fxr_[A-Za-z0-9]{1,60}$'),
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      from_currency text not null constraint exchange_rates_from_format check (from_currency ~ '^[A-Z]{3}$'),
      to_currency text not null constraint exchange_rates_to_format check (to_currency ~ '^[A-Z]{3}$'),
      rate text not null constraint exchange_rates_rate_positive_decimal
        check (rate ~ '^[0-9]{1,12}(\\.[0-9]{1,12})?$' and rate ~ '[1-9]'),
      effective_at timestamptz not null default now(),
      created_at timestamptz not null default now(),
      primary key (site_id, id),
      constraint exchange_rates_pair_distinct check (from_currency <> to_currency)
    )`
  // The rate in effect for a pair: the latest effective_at not after now.
  yield* sql`create index exchange_rates_pair_idx
    on exchange_rates (site_id, livemode, from_currency, to_currency, effective_at desc, created_at desc)`

  yield* sql`
    create table product_prices (
      site_id text not null,
      livemode boolean not null,
      product_id text not null,
      variant_id text,
      currency text not null constraint product_prices_currency_format check (currency ~ '^[A-Z]{3}$'),
      amount bigint not null constraint product_prices_amount_nonnegative check (amount >= 0),
      constraint product_prices_unique unique nulls not distinct (site_id, livemode, product_id, variant_id, currency),
      foreign key (product_id, site_id, livemode) references products (id, site_id, livemode) on delete cascade,
      foreign key (variant_id, site_id, livemode) references variants (id, site_id, livemode) on delete cascade
    )`
  yield* sql`create index product_prices_variant_idx on product_prices (site_id, variant_id) where variant_id is not null`

  yield* sql`
    create table settlement_settings (
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      default_currency text not null constraint settlement_settings_default_known
        check (default_currency in ('EUR', 'USD', 'GBP')),
      primary key (site_id, livemode)
    )`

  yield* sql`
    create table settlement_accounts (
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      currency text not null constraint settlement_accounts_currency_known check (currency in ('EUR', 'USD', 'GBP')),
      name text not null constraint settlement_accounts_name_length check (length(name) between 1 and 100),
      reference text not null constraint settlement_accounts_reference_length check (length(reference) between 1 and 100),
      primary key (site_id, livemode, currency)
    )`

  yield* sql`
    create table settlement_rules (
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      position integer not null constraint settlement_rules_position_nonnegative check (position >= 0),
      presentment_currency text constraint settlement_rules_presentment_format
        check (presentment_currency ~ '^[A-Z]{3}$'),
      country text constraint settlement_rules_country_format check (country ~ '^[A-Z]{2}$'),
      settlement_currency text not null,
      primary key (site_id, livemode, position),
      constraint settlement_rules_has_condition check (presentment_currency is not null or country is not null),
      -- A rule routes to an account the site has.
      foreign key (site_id, livemode, settlement_currency)
        references settlement_accounts (site_id, livemode, currency) on delete cascade
    )`

  yield* sql`
    create table order_settlements (
      site_id text not null,
      livemode boolean not null,
      order_id text not null,
      presentment_currency text not null,
      presentment_total bigint not null check (presentment_total >= 0),
      presentment_refunded bigint not null default 0,
      settlement_currency text not null constraint order_settlements_currency_format
        check (settlement_currency ~ '^[A-Z]{3}$'),
      settlement_total bigint not null check (settlement_total >= 0),
      settlement_refunded bigint not null default 0,
      rate text not null,
      rate_id text,
      placed_at timestamptz not null,
      primary key (site_id, order_id),
      foreign key (order_id, site_id, livemode) references orders (id, site_id, livemode) on delete cascade,
      constraint order_settlements_refund_bounded check (
        presentment_refunded between 0 and presentment_total and settlement_refunded between 0 and settlement_total
      ),
      -- Paid in the settlement currency means rate 1 and the same amounts.
      constraint order_settlements_same_currency check (
        presentment_currency <> settlement_currency
        or (rate = '1' and rate_id is null and presentment_total = settlement_total)
      )
    )`
  // The settlement report: per day of placement.
  yield* sql`create index order_settlements_report_idx on order_settlements (site_id, livemode, placed_at)`
})
