/**
 * The schema can be distributed by `site_id` (Citus) as it is: read from the catalog, so that
 * every later migration is held to it too.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestDatabase } from "../src/testing.js"

/** Tables that are not split by site: reference tables and bookkeeping. A new one is a decision. */
const nonTenantTables = ["effect_sql_migrations", "plans", "signature_replays", "sites"]

/**
 * Unique indexes (primary keys and unique constraints included) and foreign keys of tables with
 * a `site_id` column that a shard could not enforce on its own: a unique index without
 * `site_id`, or a foreign key whose `site_id` is missing or not matched to the referenced
 * table's `site_id` (a table without one, like `sites`, is a reference table).
 */
const violations = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const rows = yield* sql<{ violation: string }>`
    with tenant as (
      select c.oid, c.relname, a.attnum as site_attnum
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
      join pg_attribute a on a.attrelid = c.oid and a.attname = 'site_id' and not a.attisdropped
      where c.relkind in ('r', 'p')
    )
    select t.relname || ': unique index ' || i.indexrelid::regclass::text as violation
    from tenant t join pg_index i on i.indrelid = t.oid
    where i.indisunique and not (t.site_attnum = any (i.indkey::int2[]))
    union all
    select t.relname || ': foreign key ' || con.conname
    from tenant t join pg_constraint con on con.conrelid = t.oid and con.contype = 'f'
    where not exists (
      select 1 from unnest(con.conkey, con.confkey) as k (local, referenced)
      left join pg_attribute r on r.attrelid = con.confrelid and r.attname = 'site_id' and not r.attisdropped
      where k.local = t.site_attnum and (r.attnum is null or k.referenced = r.attnum)
    )
    order by 1`
  return rows.map((row) => row.violation)
})

describe("Distribution by site_id", () => {
  it.layer(TestDatabase.layer)((it) => {
    it.effect("every table carries site_id, but for the declared reference and bookkeeping tables", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const rows = yield* sql<{ table_name: string }>`
          select table_name from information_schema.tables t
          where table_schema = 'public' and table_type = 'BASE TABLE' and not exists (
            select 1 from information_schema.columns c
            where c.table_schema = 'public' and c.table_name = t.table_name and c.column_name = 'site_id'
          )
          order by table_name`
        expect(rows.map((row) => row.table_name)).toEqual(nonTenantTables)
      })
    )

    it.effect("every primary key, unique key and foreign key of a tenant table includes site_id", () =>
      Effect.gen(function* () {
        expect(yield* violations).toEqual([])
      })
    )

    it.effect("the check sees keys without site_id, and foreign keys pairing it with another column", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        yield* Effect.acquireRelease(
          sql`create table distribution_probe (
            id text primary key,
            site_id text not null references sites (id),
            other_site text not null,
            product_id text not null,
            livemode boolean not null,
            slug text constraint distribution_probe_slug_unique unique,
            constraint distribution_probe_tenant_unique unique (site_id, id),
            constraint distribution_probe_product_fk foreign key (product_id, other_site, livemode)
              references products (id, site_id, livemode)
          )`,
          () => sql`drop table distribution_probe`.pipe(Effect.orDie)
        )
        yield* sql`create unique index distribution_probe_slug_idx on distribution_probe (lower(slug))`
        expect(yield* violations).toEqual([
          "distribution_probe: foreign key distribution_probe_product_fk",
          "distribution_probe: unique index distribution_probe_pkey",
          "distribution_probe: unique index distribution_probe_slug_idx",
          "distribution_probe: unique index distribution_probe_slug_unique"
        ])
      }).pipe(Effect.scoped)
    )
  })
})
