/**
 * The data vault: records of a class (built-in `names`, `photos`, `video`, or one a site defines)
 * about a customer or an order, their content encrypted with AES-256-GCM by the application (the
 * database never sees the key or the plaintext). A class's TTL lives in `vault_classes`; a
 * built-in class without a row keeps its records until deleted. Erasure receipts record what a
 * customer's erasure removed.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  yield* sql`
    create table vault_classes (
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      name text not null constraint vault_classes_name_format check (name ~ '^[a-z][a-z0-9_]{0,39}$'),
      ttl_seconds integer constraint vault_classes_ttl_range check (ttl_seconds > 0),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (site_id, livemode, name)
    )`
  yield* sql`create trigger vault_classes_touch_updated_at before update on vault_classes
    for each row execute function shopvo_touch_updated_at()`

  yield* sql`
    create table vault_records (
      id text not null constraint vault_records_id_format check (id ~ '^vrec_[A-Za-z0-9]{1,59}$'),
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      class text not null constraint vault_records_class_format check (class ~ '^[a-z][a-z0-9_]{0,39}$'),
      subject_type text not null constraint vault_records_subject_type_known check (subject_type in ('customer', 'order')),
      subject_id text not null constraint vault_records_subject_id_length check (length(subject_id) between 1 and 64),
      content_type text not null,
      size integer not null constraint vault_records_size_range check (size >= 0),
      -- iv (12 bytes) || GCM tag (16 bytes) || ciphertext
      sealed bytea not null constraint vault_records_sealed_length check (length(sealed) >= 28),
      created_at timestamptz not null default now(),
      primary key (site_id, id)
    )`
  yield* sql`create index vault_records_subject_idx on vault_records (site_id, livemode, subject_type, subject_id, created_at)`
  yield* sql`create index vault_records_class_idx on vault_records (site_id, livemode, class, created_at)`

  yield* sql`
    create table erasure_receipts (
      id text not null constraint erasure_receipts_id_format check (id ~ '^era_[A-Za-z0-9]{1,60}$'),
      site_id text not null references sites (id) on delete cascade,
      livemode boolean not null,
      customer_id text not null,
      vault_records_deleted integer not null,
      addresses_cleared integer not null,
      orders_anonymised integer not null,
      erased_at timestamptz not null default now(),
      primary key (site_id, id)
    )`
})
