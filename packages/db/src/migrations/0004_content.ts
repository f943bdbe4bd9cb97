/**
 * Content: pages (published when `published_at` is set and past) and navigation menus.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  yield* sql`
    create table pages (
      id text primary key constraint pages_id_format check (id ~ '^pg_[A-Za-z0-9]{1,60}$'),
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      title text not null constraint pages_title_length check (length(btrim(title)) between 1 and 200),
      slug text not null constraint pages_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
      content text not null default '',
      seo_title text,
      seo_description text,
      published_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint pages_slug_unique unique (site_id, livemode, slug)
    )`
  yield* sql`create index pages_published_idx on pages (site_id, livemode, published_at, id) where published_at is not null`

  // Items are a tree stored as JSON: menus are read whole and edited whole.
  yield* sql`
    create table menus (
      id text primary key constraint menus_id_format check (id ~ '^menu_[A-Za-z0-9]{1,60}$'),
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      handle text not null constraint menus_handle_format check (handle ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
      title text not null,
      items jsonb not null default '[]' constraint menus_items_array check (jsonb_typeof(items) = 'array'),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint menus_handle_unique unique (site_id, livemode, handle)
    )`

  for (const table of ["pages", "menus"]) {
    yield* sql`create trigger ${sql(`${table}_touch_updated_at`)} before update on ${sql(table)}
      for each row execute function shopvo_touch_updated_at()`
  }
})
