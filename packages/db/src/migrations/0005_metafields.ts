/**
 * Metafields: typed key-value metadata on a product, customer, order or the site itself.
 * `resource_id` is not a foreign key because it points into several tables; the API checks the
 * resource exists in the caller's site and mode, and deleting a product deletes its metafields.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  yield* sql`
    create table metafields (
      id text primary key constraint metafields_id_format check (id ~ '^mf_[A-Za-z0-9]{1,60}$'),
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      resource_type text not null constraint metafields_resource_type_known check (resource_type in ('product', 'customer', 'order', 'site')),
      resource_id text not null,
      namespace text not null,
      key text not null,
      value text not null,
      value_type text not null default 'string' constraint metafields_value_type_known check (value_type in ('string', 'integer', 'json', 'boolean')),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint metafields_key_unique unique (site_id, livemode, resource_type, resource_id, namespace, key)
    )`
  yield* sql`create trigger metafields_touch_updated_at before update on metafields
    for each row execute function shopvo_touch_updated_at()`

  yield* sql`
    create function shopvo_delete_product_metafields() returns trigger language plpgsql as $$
    begin
      delete from metafields
      where resource_type = 'product' and resource_id = old.id and site_id = old.site_id and livemode = old.livemode;
      return old;
    end
    $$`
  yield* sql`create trigger products_delete_metafields after delete on products
    for each row execute function shopvo_delete_product_metafields()`
})
