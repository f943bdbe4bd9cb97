/**
 * SQL for API keys. Only a key's SHA-256 is stored; the signing secret is stored as is because
 * the server must compute HMACs with it, and never read back here (a summary says only whether
 * there is one). Rows are decoded with `KeySummary` at this boundary; the functions run inside
 * whatever transaction their caller opened.
 */
import { Database } from "@shopvo/kernel"
import { SqlClient, SqlSchema } from "@effect/sql"
import { Effect, Option, Schema } from "effect"

export class KeySummary extends Schema.Class<KeySummary>("KeySummary")({
  id: Schema.String,
  siteId: Schema.String,
  mode: Schema.Literal("live", "test"),
  prefix: Schema.String,
  scopes: Schema.Array(Schema.String),
  signing: Schema.Boolean,
  revokedAt: Schema.NullOr(Schema.DateFromSelf),
  lastUsedAt: Schema.NullOr(Schema.DateFromSelf),
  createdAt: Schema.DateFromSelf
}) {}

const KeyRow = Schema.Struct({
  id: Schema.String,
  siteId: Schema.String,
  livemode: Schema.Boolean,
  keyHash: Schema.String,
  prefix: Schema.String,
  scopes: Schema.Array(Schema.String),
  signingSecret: Schema.NullOr(Schema.String)
})

export class KeysRepo extends Effect.Service<KeysRepo>()("@shopvo/api/KeysRepo", {
  accessors: true,
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const summary = sql`id, site_id as "siteId", case when livemode then 'live' else 'test' end as mode,
      key_prefix as prefix, scopes, signing_secret is not null as signing, revoked_at as "revokedAt",
      last_used_at as "lastUsedAt", created_at as "createdAt"`

    const insert = SqlSchema.single({
      Request: KeyRow,
      Result: KeySummary,
      execute: (key) =>
        sql`insert into api_keys (id, site_id, livemode, key_hash, key_prefix, scopes, signing_secret)
            values (${key.id}, ${key.siteId}, ${key.livemode}, ${key.keyHash}, ${key.prefix}, ${key.scopes}::text[],
                    ${key.signingSecret})
            returning ${summary}`
    })

    const list = SqlSchema.findAll({
      Request: Schema.UndefinedOr(Schema.String),
      Result: KeySummary,
      execute: (siteId) =>
        sql`select ${summary} from api_keys ${siteId === undefined ? sql`` : sql`where site_id = ${siteId}`}
            order by created_at`
    })

    const revoke = SqlSchema.findOne({
      Request: Schema.String,
      Result: Schema.Struct({ id: Schema.String }),
      execute: (id) => sql`update api_keys set revoked_at = now() where id = ${id} and revoked_at is null returning id`
    })

    return {
      insert: (key: typeof KeyRow.Type) =>
        Database.boundary(insert(key)).pipe(Effect.catchTag("NoSuchElementException", Effect.die)),
      /** Every key, or a site's, oldest first. */
      list: (siteId?: string) => Database.boundary(list(siteId)),
      /** Revokes a key; true when it existed and was active. */
      revoke: (id: string) => Database.boundary(revoke(id)).pipe(Effect.map(Option.isSome))
    }
  })
}) {}
