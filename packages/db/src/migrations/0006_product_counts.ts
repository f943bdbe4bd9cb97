/**
 * Product counts per site, mode and status, kept by triggers, so the unfiltered product list
 * (a storefront's catalogue page) reads its `pagination.total` from one row instead of counting
 * the catalogue on every request (an index-only scan over every product: on a 10,000-product
 * catalogue that count was three quarters of the list's database time).
 *
 * Exact, not an estimate: the counts change in the transaction that inserts, deletes or
 * re-statuses a product. Concurrent writers of one site and status queue on its counter row
 * for the rest of their (short) transaction. A change of status adjusts both rows in one
 * UPDATE, which locks them in index order, so two opposite changes cannot deadlock.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  yield* sql`
    create table product_counts (
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      status text not null constraint product_counts_status_known check (status in ('ACTIVE', 'DRAFT', 'ARCHIVED')),
      count integer not null constraint product_counts_nonnegative check (count >= 0),
      primary key (site_id, livemode, status)
    )`

  yield* sql`
    create function shopvo_count_products() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        insert into product_counts (site_id, livemode, status, count) values (new.site_id, new.livemode, new.status, 1)
        on conflict (site_id, livemode, status) do update set count = product_counts.count + 1;
      elsif tg_op = 'DELETE' then
        update product_counts set count = count - 1
        where site_id = old.site_id and livemode = old.livemode and status = old.status;
      elsif old.site_id = new.site_id and old.livemode = new.livemode then
        -- The destination row must exist before the single UPDATE that moves one product.
        insert into product_counts (site_id, livemode, status, count) values (new.site_id, new.livemode, new.status, 0)
        on conflict (site_id, livemode, status) do nothing;
        update product_counts set count = count + case when status = new.status then 1 else -1 end
        where site_id = new.site_id and livemode = new.livemode and status in (old.status, new.status);
      else
        -- A product moved between sites or modes: the API never does this; kept exact anyway.
        update product_counts set count = count - 1
        where site_id = old.site_id and livemode = old.livemode and status = old.status;
        insert into product_counts (site_id, livemode, status, count) values (new.site_id, new.livemode, new.status, 1)
        on conflict (site_id, livemode, status) do update set count = product_counts.count + 1;
      end if;
      return null;
    end
    $$`
  yield* sql`create trigger products_count_insert_delete after insert or delete on products
    for each row execute function shopvo_count_products()`
  yield* sql`create trigger products_count_move after update of status, site_id, livemode on products
    for each row when ((old.status, old.site_id, old.livemode) is distinct from (new.status, new.site_id, new.livemode))
    execute function shopvo_count_products()`

  yield* sql`
    insert into product_counts (site_id, livemode, status, count)
    select site_id, livemode, status, count(*) from products group by site_id, livemode, status`
})
