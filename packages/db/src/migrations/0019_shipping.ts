/**
 * Shipping zones, rated shipping options, pickup points, tax per zone and the site's tax mode.
 *
 * - A zone lists countries, optionally narrowed by postal-code prefixes (stored normalised: upper
 *   case, no spaces or dashes), and the tax rate of its addresses in basis points.
 * - `shipping_options` (0014) grows instead of being duplicated: each option may belong to a zone
 *   (none: offered to addresses in no zone), names its carrier and service, its delivery estimate,
 *   whether it delivers to the carrier's pickup points, and its rate as @shopvo/pricing's
 *   `Shipping.Rate` (jsonb). The old flat `amount` / `free_over` rows become FLAT / FREE_OVER rates.
 * - Pickup points belong to a carrier; coordinates are millionths of a degree (integers). A point is
 *   deactivated, never deleted, since orders may have shipped to it; `code` is the carrier's own id.
 * - Variants carry their shipping weight (grams) and box (millimetres), for label-ready parcels.
 * - A checkout session may ship to a pickup point instead of an address.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  yield* sql`
    create table shipping_zones (
      id text not null constraint shipping_zones_id_format check (id ~ '^zone_[A-Za-z0-9]{1,59}$'),
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      name text not null constraint shipping_zones_name_length check (length(btrim(name)) between 1 and 200),
      countries text[] not null constraint shipping_zones_countries_nonempty check (cardinality(countries) between 1 and 300),
      postal_prefixes text[] not null default '{}',
      tax_rate integer not null default 0 constraint shipping_zones_tax_rate_range check (tax_rate between 0 and 10000),
      created_at timestamptz not null default now(),
      primary key (site_id, livemode, id)
    )`

  yield* sql`alter table shipping_options
    add column zone_id text,
    add column carrier text not null default 'Shopvo'
      constraint shipping_options_carrier_length check (length(btrim(carrier)) between 1 and 100),
    add column service text not null default 'Standard'
      constraint shipping_options_service_length check (length(btrim(service)) between 1 and 100),
    add column min_days integer not null default 3 constraint shipping_options_min_days_range check (min_days between 0 and 365),
    add column max_days integer not null default 5,
    add column to_pickup_point boolean not null default false,
    add column rate jsonb,
    add column created_at timestamptz not null default now(),
    add constraint shipping_options_days_ordered check (max_days between min_days and 365),
    add constraint shipping_options_zone_fk foreign key (site_id, livemode, zone_id)
      references shipping_zones (site_id, livemode, id) on delete cascade`
  yield* sql`update shipping_options set rate = case
      when free_over is null then jsonb_build_object('_tag', 'FLAT', 'amount', amount)
      else jsonb_build_object('_tag', 'FREE_OVER', 'amount', amount, 'threshold', free_over) end`
  yield* sql`alter table shipping_options
    alter column rate set not null,
    add constraint shipping_options_rate_tagged check (rate ->> '_tag' in ('FLAT', 'WEIGHT_BANDS', 'ORDER_VALUE_BANDS', 'FREE_OVER')),
    drop column amount,
    drop column free_over`
  yield* sql`create index shipping_options_zone_idx on shipping_options (site_id, livemode, zone_id)`

  yield* sql`
    create table pickup_points (
      id text not null constraint pickup_points_id_format check (id ~ '^pup_[A-Za-z0-9]{1,60}$'),
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      carrier text not null constraint pickup_points_carrier_length check (length(btrim(carrier)) between 1 and 100),
      code text not null constraint pickup_points_code_length check (length(btrim(code)) between 1 and 100),
      name text not null constraint pickup_points_name_length check (length(btrim(name)) between 1 and 200),
      line1 text not null,
      city text not null,
      postal_code text not null,
      country text not null constraint pickup_points_country_format check (country ~ '^[A-Z]{2}$'),
      latitude_e6 integer not null constraint pickup_points_latitude_range check (latitude_e6 between -90000000 and 90000000),
      longitude_e6 integer not null
        constraint pickup_points_longitude_range check (longitude_e6 between -180000000 and 180000000),
      active boolean not null default true,
      created_at timestamptz not null default now(),
      primary key (site_id, livemode, id),
      constraint pickup_points_code_unique unique (site_id, livemode, carrier, code)
    )`
  yield* sql`create index pickup_points_active_idx on pickup_points (site_id, livemode, active, postal_code)`

  yield* sql`
    create table tax_settings (
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      prices_include_tax boolean not null,
      primary key (site_id, livemode)
    )`

  yield* sql`alter table variants
    add column weight_grams integer constraint variants_weight_range check (weight_grams between 0 and 1000000),
    add column length_mm integer constraint variants_length_range check (length_mm between 1 and 10000),
    add column width_mm integer constraint variants_width_range check (width_mm between 1 and 10000),
    add column height_mm integer constraint variants_height_range check (height_mm between 1 and 100000),
    add constraint variants_dimensions_whole check (
      (length_mm is null) = (width_mm is null) and (width_mm is null) = (height_mm is null))`

  yield* sql`alter table checkout_sessions add column pickup_point_id text`
})
