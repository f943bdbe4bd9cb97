/**
 * SQL for metafields. Every query is scoped by site, mode, resource type and resource id: a
 * metafield of another site, mode or resource does not exist for the caller.
 *
 * Creation holds the resource's row lock (`for no key update`) for its transaction, which does two
 * things at once: concurrent creates on one resource take turns, so the count checked against
 * `maxPerResource` is exact; and the resource cannot be deleted between the existence check and
 * the insert, so no metafield outlives its product (the 0005 trigger deletes them with it).
 * The lock level does not block foreign-key checks or readers of the row.
 */
import { SqlClient, type SqlError } from "@effect/sql"
import { Effect, type Either, Option } from "effect"
import { Ids } from "@shopvo/kernel"
import * as Resources from "./Resources.js"
import type { ValueType } from "./ValueType.js"

/** Most metafields one resource may have (per mode). */
export const maxPerResource = 250

export interface Metafield {
  readonly id: string
  readonly resourceType: Resources.ResourceType
  readonly resourceId: string
  readonly namespace: string
  readonly key: string
  readonly value: string
  readonly valueType: ValueType
  readonly createdAt: Date
  readonly updatedAt: Date
}

interface Row {
  readonly id: string
  readonly resource_type: Resources.ResourceType
  readonly resource_id: string
  readonly namespace: string
  readonly key: string
  readonly value: string
  readonly value_type: ValueType
  readonly created_at: Date
  readonly updated_at: Date
}

const columns = "id, resource_type, resource_id, namespace, key, value, value_type, created_at, updated_at"

const toMetafield = (row: Row): Metafield => ({
  id: row.id,
  resourceType: row.resource_type,
  resourceId: row.resource_id,
  namespace: row.namespace,
  key: row.key,
  value: row.value,
  valueType: row.value_type,
  createdAt: row.created_at,
  updatedAt: row.updated_at
})

const ofTarget = (sql: SqlClient.SqlClient, t: Resources.Target) =>
  sql`site_id = ${t.siteId} and livemode = ${t.livemode} and resource_type = ${t.resourceType} and resource_id = ${t.resourceId}`

/**
 * The resource's metafields ordered by namespace then key, optionally of one namespace;
 * `None` when the resource does not exist. One round trip: the existence test and the rows.
 */
export const list = (target: Resources.Target, namespace: string | undefined) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const resource = Resources.row(sql, target)
    if (Option.isNone(resource)) return Option.none<ReadonlyArray<Metafield>>()
    const rows = yield* sql<{ readonly found: boolean } & { readonly [K in keyof Row]: Row[K] | null }>`
      select r.found, m.id, m.resource_type, m.resource_id, m.namespace, m.key, m.value, m.value_type, m.created_at, m.updated_at
      from (select exists (${resource.value}) as found) r
      left join metafields m on r.found
        and m.site_id = ${target.siteId} and m.livemode = ${target.livemode}
        and m.resource_type = ${target.resourceType} and m.resource_id = ${target.resourceId}
        ${namespace === undefined ? sql`` : sql`and m.namespace = ${namespace}`}
      order by m.namespace, m.key`
    if (rows[0]?.found !== true) return Option.none<ReadonlyArray<Metafield>>()
    return Option.some(rows.filter((row) => row.id !== null).map((row) => toMetafield(row as Row)))
  })

export interface NewMetafield {
  readonly namespace: string
  readonly key: string
  readonly value: string
  readonly valueType: ValueType
}

export type CreateOutcome =
  | { readonly _tag: "Created"; readonly metafield: Metafield }
  | { readonly _tag: "ResourceNotFound" }
  | { readonly _tag: "Duplicate" }
  | { readonly _tag: "LimitReached" }

/**
 * Adds a metafield unless the resource is missing, already has one with this namespace and key,
 * or has `maxPerResource` already. The unique constraint is the arbiter of duplicates
 * (`on conflict … do nothing`), so a duplicate is an outcome, never a failed statement.
 */
export const create = (target: Resources.Target, input: NewMetafield) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const resource = Resources.row(sql, target)
    if (Option.isNone(resource)) return { _tag: "ResourceNotFound" } as CreateOutcome
    return yield* sql.withTransaction(
      Effect.gen(function* () {
        const locked = yield* sql`${resource.value} for no key update`
        if (locked.length === 0) return { _tag: "ResourceNotFound" } as CreateOutcome
        // A statement after the lock: its snapshot sees every create that committed before us.
        const rows = yield* sql<
          { readonly total: number; readonly same: number } & { readonly [K in keyof Row]: Row[K] | null }
        >`
          with existing as (
            select count(*)::int as total,
                   count(*) filter (where namespace = ${input.namespace} and key = ${input.key})::int as same
            from metafields where ${ofTarget(sql, target)}
          ), inserted as (
            insert into metafields (id, site_id, livemode, resource_type, resource_id, namespace, key, value, value_type)
            select ${Ids.make("mf")}, ${target.siteId}, ${target.livemode}, ${target.resourceType}, ${target.resourceId},
                   ${input.namespace}, ${input.key}, ${input.value}, ${input.valueType}
            from existing where same = 0 and total < ${maxPerResource}
            on conflict on constraint metafields_key_unique do nothing
            returning ${sql.literal(columns)}
          )
          select existing.total, existing.same, inserted.* from existing left join inserted on true`
        const row = rows[0]!
        if (row.id !== null) return { _tag: "Created", metafield: toMetafield(row as Row) } as CreateOutcome
        if (row.total >= maxPerResource && row.same === 0) return { _tag: "LimitReached" } as CreateOutcome
        return { _tag: "Duplicate" } as CreateOutcome
      })
    )
  })

/** Sets both halves of the pair (already checked together); `None` when there is no such metafield. */
export const replace = (target: Resources.Target, id: string, value: string, valueType: ValueType) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) =>
      sql<Row>`update metafields set value = ${value}, value_type = ${valueType}
             where id = ${id} and ${ofTarget(sql, target)}
             returning ${sql.literal(columns)}`
  ).pipe(Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toMetafield)))

/**
 * Changes one half of the pair: `change` sees the current metafield (locked, so a concurrent
 * update cannot slip between the check and the write) and returns the new pair or a refusal.
 */
export const modify = <E>(
  target: Resources.Target,
  id: string,
  change: (current: Metafield) => Either.Either<{ readonly value: string; readonly valueType: ValueType }, E>
): Effect.Effect<Option.Option<Metafield>, E | SqlError.SqlError, SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return yield* sql.withTransaction(
      Effect.gen(function* () {
        const current = yield* sql<Row>`select ${sql.literal(columns)} from metafields
                                        where id = ${id} and ${ofTarget(sql, target)} for update`
        if (current.length === 0) return Option.none<Metafield>()
        const next = yield* change(toMetafield(current[0]!))
        const rows = yield* sql<Row>`update metafields set value = ${next.value}, value_type = ${next.valueType}
                                     where id = ${id} returning ${sql.literal(columns)}`
        return Option.some(toMetafield(rows[0]!))
      })
    )
  })

/** Deletes a metafield; false when the resource has none with this id. */
export const remove = (target: Resources.Target, id: string) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) => sql`delete from metafields where id = ${id} and ${ofTarget(sql, target)} returning id`
  ).pipe(Effect.map((rows) => rows.length > 0))
