/**
 * Keys ready for distribution by `site_id` (Citus): every primary key, unique key and foreign key
 * of a tenant table includes `site_id`, so each constraint can be enforced inside one shard and
 * the tables can be distributed by `site_id` without further change. `sites` stays keyed by `id`
 * (it would be a reference table, copied to every node).
 *
 * - Primary keys become `(site_id, id)`; the tenant uniques `(id, site_id, livemode)` already
 *   include `site_id` and stay, as the targets of the mode-safe foreign keys and the index of
 *   lookups by id.
 * - An API key's hash is unique within its site (the key lookup names the site of the path).
 * - At most one default variant per product, now per `(site_id, product_id)`; same index name,
 *   which the Variants repository recognises.
 *
 * Slug, handle and metafield uniques already start with `site_id`; the `on conflict` clauses
 * naming them are unchanged. `idempotency_keys`' conflict target gains `site_id`.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { Effect } from "effect"

const keyedById = [
  "api_keys",
  "events",
  "webhook_subscriptions",
  "brands",
  "categories",
  "products",
  "variants",
  "reviews",
  "inventory_adjustments",
  "pages",
  "menus",
  "metafields"
]

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  for (const table of keyedById) {
    const pkey = sql(`${table}_pkey`)
    yield* sql`alter table ${sql(table)} drop constraint ${pkey}, add constraint ${pkey} primary key (site_id, id)`
  }

  yield* sql`alter table product_categories drop constraint product_categories_pkey,
    add constraint product_categories_pkey primary key (site_id, product_id, category_id)`
  yield* sql`alter table idempotency_keys drop constraint idempotency_keys_pkey,
    add constraint idempotency_keys_pkey primary key (site_id, api_key_id, key)`

  yield* sql`alter table api_keys drop constraint api_keys_key_hash_unique,
    add constraint api_keys_key_hash_unique unique (site_id, key_hash)`

  yield* sql`drop index variants_one_default_idx`
  yield* sql`create unique index variants_one_default_idx on variants (site_id, product_id) where is_default`
})
