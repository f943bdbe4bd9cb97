/**
 * The catalogue: brands, categories, products, their variants, reviews, and the audit trail of
 * stock adjustments. Every row carries `site_id` and `livemode`; links between rows use
 * composite keys `(id, site_id, livemode)`, so the database refuses a link across sites or modes.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  yield* sql`
    create table brands (
      id text primary key constraint brands_id_format check (id ~ '^br_[A-Za-z0-9]{1,60}$'),
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      name text not null constraint brands_name_length check (length(btrim(name)) between 1 and 200),
      slug text not null constraint brands_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
      description text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint brands_slug_unique unique (site_id, livemode, slug),
      constraint brands_tenant_unique unique (id, site_id, livemode)
    )`

  yield* sql`
    create table categories (
      id text primary key constraint categories_id_format check (id ~ '^cat_[A-Za-z0-9]{1,60}$'),
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      parent_id text,
      name text not null constraint categories_name_length check (length(btrim(name)) between 1 and 200),
      slug text not null constraint categories_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
      description text,
      position integer not null default 0,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint categories_slug_unique unique (site_id, livemode, slug),
      constraint categories_tenant_unique unique (id, site_id, livemode),
      constraint categories_parent_fk foreign key (parent_id, site_id, livemode)
        references categories (id, site_id, livemode) on delete set null (parent_id),
      constraint categories_not_own_parent check (parent_id is null or parent_id <> id)
    )`
  yield* sql`create index categories_parent_idx on categories (site_id, livemode, parent_id)`

  // A product's own stock (inventory_count/status) applies only while it has no variants.
  // search_vector is maintained by PostgreSQL: weighted name (A), sku (A) and description (C).
  yield* sql`
    create table products (
      id text primary key constraint products_id_format check (id ~ '^prd_[A-Za-z0-9]{1,60}$'),
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      name text not null constraint products_name_length check (length(btrim(name)) between 1 and 200),
      slug text not null constraint products_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 200),
      description text,
      sku text,
      status text not null default 'ACTIVE' constraint products_status_known check (status in ('ACTIVE', 'DRAFT', 'ARCHIVED')),
      featured boolean not null default false,
      price bigint not null constraint products_price_nonnegative check (price >= 0),
      compare_at_price bigint constraint products_compare_at_nonnegative check (compare_at_price >= 0),
      currency text not null constraint products_currency_format check (currency ~ '^[A-Z]{3}$'),
      images text[] not null default '{}',
      brand_id text,
      inventory_count integer not null default 0 constraint products_inventory_nonnegative check (inventory_count >= 0),
      inventory_status text not null default 'OUT_OF_STOCK'
        constraint products_inventory_status_known check (inventory_status in ('IN_STOCK', 'LOW_STOCK', 'OUT_OF_STOCK')),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      search_vector tsvector generated always as (
        setweight(to_tsvector('simple', coalesce(name, '')), 'A') ||
        setweight(to_tsvector('simple', coalesce(sku, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(description, '')), 'C')
      ) stored,
      constraint products_slug_unique unique (site_id, livemode, slug),
      constraint products_tenant_unique unique (id, site_id, livemode),
      constraint products_brand_fk foreign key (brand_id, site_id, livemode)
        references brands (id, site_id, livemode) on delete set null (brand_id)
    )`
  // Lists filter by status and page by (created_at, id); search uses the GIN index, and the
  // trigram index catches partial words and SKUs the full-text parser splits.
  yield* sql`create index products_list_idx on products (site_id, livemode, status, created_at, id)`
  yield* sql`create index products_brand_idx on products (site_id, livemode, brand_id)`
  yield* sql`create index products_featured_idx on products (site_id, livemode, created_at, id) where featured`
  yield* sql`create index products_search_idx on products using gin (search_vector)`
  yield* sql`create extension if not exists pg_trgm`
  yield* sql`create index products_name_trgm_idx on products using gin (name gin_trgm_ops)`
  yield* sql`create index products_sku_idx on products (site_id, livemode, sku)`

  yield* sql`
    create table product_categories (
      product_id text not null,
      category_id text not null,
      site_id text not null,
      livemode boolean not null,
      position integer not null default 0,
      primary key (product_id, category_id),
      foreign key (product_id, site_id, livemode) references products (id, site_id, livemode) on delete cascade,
      foreign key (category_id, site_id, livemode) references categories (id, site_id, livemode) on delete cascade
    )`
  yield* sql`create index product_categories_category_idx on product_categories (category_id, product_id)`

  // Exactly one default per product with variants: the partial unique index makes a second
  // default impossible, whatever the concurrency.
  yield* sql`
    create table variants (
      id text primary key constraint variants_id_format check (id ~ '^var_[A-Za-z0-9]{1,60}$'),
      site_id text not null,
      livemode boolean not null,
      product_id text not null,
      name text not null constraint variants_name_length check (length(btrim(name)) between 1 and 200),
      sku text,
      price bigint constraint variants_price_nonnegative check (price >= 0),
      compare_at_price bigint constraint variants_compare_at_nonnegative check (compare_at_price >= 0),
      inventory_count integer not null default 0 constraint variants_inventory_nonnegative check (inventory_count >= 0),
      inventory_status text not null
        constraint variants_inventory_status_known check (inventory_status in ('IN_STOCK', 'LOW_STOCK', 'OUT_OF_STOCK')),
      options jsonb not null default '{}' constraint variants_options_object check (jsonb_typeof(options) = 'object'),
      is_default boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint variants_tenant_unique unique (id, site_id, livemode),
      foreign key (product_id, site_id, livemode) references products (id, site_id, livemode) on delete cascade
    )`
  yield* sql`create unique index variants_one_default_idx on variants (product_id) where is_default`
  yield* sql`create index variants_product_idx on variants (product_id, created_at, id)`
  yield* sql`create index variants_sku_idx on variants (site_id, livemode, sku)`

  yield* sql`
    create table reviews (
      id text primary key constraint reviews_id_format check (id ~ '^rev_[A-Za-z0-9]{1,60}$'),
      site_id text not null,
      livemode boolean not null,
      product_id text not null,
      rating smallint not null constraint reviews_rating_range check (rating between 1 and 5),
      title text,
      content text,
      reviewer_name text not null,
      reviewer_email text not null,
      status text not null default 'PENDING' constraint reviews_status_known check (status in ('PENDING', 'PUBLISHED', 'ARCHIVED', 'SPAM')),
      is_verified_purchase boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      foreign key (product_id, site_id, livemode) references products (id, site_id, livemode) on delete cascade
    )`
  yield* sql`create index reviews_product_idx on reviews (product_id, status, created_at, id)`

  // Every stock change, kept for audit: who (API key), what (before/after), why (reason).
  yield* sql`
    create table inventory_adjustments (
      id text primary key constraint inventory_adjustments_id_format check (id ~ '^adj_[A-Za-z0-9]{1,60}$'),
      site_id text not null,
      livemode boolean not null,
      product_id text not null,
      variant_id text,
      operation text not null constraint inventory_adjustments_operation_known check (operation in ('set', 'increment', 'decrement')),
      quantity integer not null constraint inventory_adjustments_quantity_nonnegative check (quantity >= 0),
      previous_count integer not null,
      new_count integer not null constraint inventory_adjustments_new_count_nonnegative check (new_count >= 0),
      reason text,
      api_key_id text,
      created_at timestamptz not null default now(),
      foreign key (product_id, site_id, livemode) references products (id, site_id, livemode) on delete cascade
    )`
  yield* sql`create index inventory_adjustments_item_idx on inventory_adjustments (product_id, variant_id, created_at)`

  for (const table of ["brands", "categories", "products", "variants", "reviews"]) {
    yield* sql`create trigger ${sql(`${table}_touch_updated_at`)} before update on ${sql(table)}
      for each row execute function shopvo_touch_updated_at()`
  }
})
