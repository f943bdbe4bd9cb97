/**
 * SQL for API keys. A key is shown once, at creation; only its SHA-256 is stored.
 * The signing secret is stored as is because the server must compute HMACs with it.
 * Scopes are checked by the caller against `Auth.scopes` (the spec's); the database only
 * requires at least one.
 */
import { ApiKey, RandomBytes, SigningSecret } from "@shopvo/signing"
import { SqlClient } from "@effect/sql"
import { randomBytes } from "node:crypto"
import { Effect } from "effect"
import { Ids } from "@shopvo/kernel"

export interface KeySummary {
  readonly id: string
  readonly siteId: string
  readonly mode: "live" | "test"
  readonly prefix: string
  readonly scopes: ReadonlyArray<string>
  readonly signing: boolean
  readonly revokedAt: Date | null
  readonly lastUsedAt: Date | null
  readonly createdAt: Date
}

export interface CreatedKey extends KeySummary {
  /** The key itself: shown once, never retrievable again. */
  readonly key: string
  readonly signingSecret: string | null
}

const entropy = RandomBytes.layer((size) => new Uint8Array(randomBytes(size)))

export const create = (input: {
  readonly siteId: string
  readonly scopes: ReadonlyArray<string>
  readonly mode: "live" | "test"
  readonly signing: boolean
}) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const key = yield* ApiKey.generate(input.mode)
    const secret = input.signing ? yield* SigningSecret.generate : null
    const id = Ids.make("key")
    const rows = yield* sql<{ created_at: Date }>`
      insert into api_keys (id, site_id, livemode, key_hash, key_prefix, scopes, signing_secret)
      values (${id}, ${input.siteId}, ${input.mode === "live"}, ${ApiKey.hash(key)}, ${ApiKey.displayPrefix(key)},
              ${[...input.scopes]}::text[], ${secret})
      returning created_at`
    return {
      id,
      siteId: input.siteId,
      mode: input.mode,
      prefix: ApiKey.displayPrefix(key),
      scopes: input.scopes,
      signing: secret !== null,
      revokedAt: null,
      lastUsedAt: null,
      createdAt: rows[0]!.created_at,
      key: key as string,
      signingSecret: secret
    } satisfies CreatedKey
  }).pipe(Effect.provide(entropy))

export const list = (siteId?: string) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) =>
      sql<{
        id: string
        site_id: string
        livemode: boolean
        key_prefix: string
        scopes: Array<string>
        signing_secret: string | null
        revoked_at: Date | null
        last_used_at: Date | null
        created_at: Date
      }>`select id, site_id, livemode, key_prefix, scopes, signing_secret, revoked_at, last_used_at, created_at
       from api_keys ${siteId ? sql`where site_id = ${siteId}` : sql``} order by created_at`
  ).pipe(
    Effect.map((rows) =>
      rows.map(
        (r): KeySummary => ({
          id: r.id,
          siteId: r.site_id,
          mode: r.livemode ? "live" : "test",
          prefix: r.key_prefix,
          scopes: r.scopes,
          signing: r.signing_secret !== null,
          revokedAt: r.revoked_at,
          lastUsedAt: r.last_used_at,
          createdAt: r.created_at
        })
      )
    )
  )

/** Revokes a key; true when it existed and was active. */
export const revoke = (id: string) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) => sql`update api_keys set revoked_at = now() where id = ${id} and revoked_at is null returning id`
  ).pipe(Effect.map((rows) => rows.length > 0))
