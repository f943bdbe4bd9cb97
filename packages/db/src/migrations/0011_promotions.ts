/**
 * Promotions (coupon codes) and how often each customer email used one.
 *
 * - `code` is stored as `@shopvo/promotions` normalises it (upper case), so the plain unique
 *   `(site_id, livemode, code)` makes codes unique per site and mode case-insensitively.
 * - `status` is not stored: it depends on the time of the request and is derived from the dates
 *   and `used_count` each time a promotion is read.
 * - `applies_to_products` is a list, not a foreign key: a product deleted later only stops
 *   matching cart lines, and never turns a restricted promotion into one for the whole cart.
 * - `promotion_customer_uses` counts the uses of one promotion by one email (lower case); a row
 *   goes with its promotion.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  yield* sql`
    create table promotions (
      id text not null constraint promotions_id_format check (id ~ '^promo_[A-Za-z0-9]{1,60}$'),
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      code text not null constraint promotions_code_format check (code ~ '^[A-Z0-9_-]{3,32}$'),
      type text not null constraint promotions_type_known check (type in ('PERCENTAGE', 'FIXED_AMOUNT', 'FREE_SHIPPING')),
      value integer not null constraint promotions_value_nonnegative check (value >= 0),
      min_order_amount bigint constraint promotions_min_order_nonnegative check (min_order_amount >= 0),
      max_uses integer constraint promotions_max_uses_positive check (max_uses >= 1),
      used_count integer not null default 0 constraint promotions_used_count_nonnegative check (used_count >= 0),
      per_customer_limit integer constraint promotions_per_customer_positive check (per_customer_limit >= 1),
      applies_to_products text[] not null default '{}',
      starts_at timestamptz,
      expires_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint promotions_pkey primary key (site_id, id),
      constraint promotions_code_unique unique (site_id, livemode, code),
      constraint promotions_tenant_unique unique (id, site_id, livemode),
      constraint promotions_dates_ordered check (expires_at > starts_at)
    )`
  yield* sql`create index promotions_list_idx on promotions (site_id, livemode, created_at desc, id desc)`

  yield* sql`
    create table promotion_customer_uses (
      site_id text not null,
      livemode boolean not null,
      promotion_id text not null,
      email text not null constraint promotion_customer_uses_email_lower check (email = lower(email)),
      uses integer not null constraint promotion_customer_uses_nonnegative check (uses >= 0),
      constraint promotion_customer_uses_pkey primary key (site_id, promotion_id, email),
      constraint promotion_customer_uses_promotion_fk foreign key (promotion_id, site_id, livemode)
        references promotions (id, site_id, livemode) on delete cascade
    )`
})
