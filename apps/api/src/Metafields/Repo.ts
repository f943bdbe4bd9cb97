/**
 * SQL for metafields. Every query is scoped by site, mode, resource type and resource id: a
 * metafield of another site, mode or resource does not exist for the caller. Rows are decoded with
 * `Metafield` at this boundary; the functions run inside whatever transaction their caller opened.
 */
import { Database, Ids } from "@shopvo/kernel"
import { SqlClient, SqlSchema } from "@effect/sql"
import { Effect, Option, Schema } from "effect"
import * as Resources from "./Resources.js"
import { ValueType } from "./ValueType.js"

const metafieldFields = {
  id: Schema.String,
  resourceType: Resources.ResourceType,
  resourceId: Schema.String,
  namespace: Schema.String,
  key: Schema.String,
  value: Schema.String,
  valueType: ValueType
}

export class Metafield extends Schema.Class<Metafield>("Metafield")({
  ...metafieldFields,
  createdAt: Schema.DateFromSelf,
  updatedAt: Schema.DateFromSelf
}) {}

/** A metafield as `json_agg`/`to_json` write it: the same, with its times as ISO text. */
const MetafieldJson = Schema.Struct({ ...metafieldFields, createdAt: Schema.Date, updatedAt: Schema.Date })

/** A value with its type: the two halves every write sets together. */
export interface Pair {
  readonly value: string
  readonly valueType: ValueType
}

export interface NewMetafield extends Pair {
  readonly namespace: string
  readonly key: string
}

/** What an insert found: the metafield it made, or why it made none. */
export interface Insertion {
  /** The resource's metafields before the insert, and those with the new namespace and key. */
  readonly total: number
  readonly same: number
  readonly inserted: Option.Option<Metafield>
}

const columns = `id, resource_type as "resourceType", resource_id as "resourceId", namespace, key, value,
  value_type as "valueType", created_at as "createdAt", updated_at as "updatedAt"`

export class MetafieldsRepo extends Effect.Service<MetafieldsRepo>()("@shopvo/api/MetafieldsRepo", {
  accessors: true,
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const ofTarget = (t: Resources.Target) =>
      sql`site_id = ${t.siteId} and livemode = ${t.livemode} and resource_type = ${t.resourceType} and resource_id = ${t.resourceId}`

    const list = SqlSchema.single({
      Request: Schema.Struct({ target: Resources.Target, namespace: Schema.optional(Schema.String) }),
      Result: Schema.Struct({ found: Schema.Boolean, items: Schema.Array(MetafieldJson) }),
      execute: ({ target, namespace }) =>
        Option.match(Resources.row(sql, target), {
          onNone: () => Effect.succeed([{ found: false, items: [] }]),
          onSome: (resource) =>
            sql`select r.found,
                       case when r.found
                         then coalesce((select json_agg(m order by m.namespace, m.key)
                                        from (select ${sql.literal(columns)} from metafields
                                              where ${ofTarget(target)}
                                                ${namespace === undefined ? sql`` : sql`and namespace = ${namespace}`}) m), '[]')
                         else '[]' end as items
                from (select exists (${resource}) as found) r`
        })
    })

    const lock = SqlSchema.findAll({
      Request: Resources.Target,
      Result: Schema.Struct({ id: Schema.String }),
      execute: (target) =>
        Option.match(Resources.row(sql, target), {
          onNone: () => Effect.succeed([]),
          onSome: (resource) => sql`${resource} for no key update`
        })
    })

    const insert = SqlSchema.single({
      Request: Schema.Struct({
        target: Resources.Target,
        namespace: Schema.String,
        key: Schema.String,
        value: Schema.String,
        valueType: ValueType,
        limit: Schema.Number
      }),
      Result: Schema.Struct({ total: Schema.Number, same: Schema.Number, inserted: Schema.NullOr(MetafieldJson) }),
      execute: ({ target, limit, ...metafield }) =>
        sql`with existing as (
              select count(*)::int as total,
                     count(*) filter (where namespace = ${metafield.namespace} and key = ${metafield.key})::int as same
              from metafields where ${ofTarget(target)}
            ), inserted as (
              insert into metafields (id, site_id, livemode, resource_type, resource_id, namespace, key, value, value_type)
              select ${Ids.make("mf")}, ${target.siteId}, ${target.livemode}, ${target.resourceType}, ${target.resourceId},
                     ${metafield.namespace}, ${metafield.key}, ${metafield.value}, ${metafield.valueType}
              from existing where same = 0 and total < ${limit}
              on conflict on constraint metafields_key_unique do nothing
              returning ${sql.literal(columns)}
            )
            select existing.total, existing.same, (select to_json(inserted) from inserted) as inserted from existing`
    })

    const ById = Schema.Struct({ target: Resources.Target, id: Schema.String })

    const findForUpdate = SqlSchema.findOne({
      Request: ById,
      Result: Metafield,
      execute: ({ target, id }) =>
        sql`select ${sql.literal(columns)} from metafields where id = ${id} and ${ofTarget(target)} for update`
    })

    const update = SqlSchema.findOne({
      Request: Schema.Struct({
        target: Resources.Target,
        id: Schema.String,
        value: Schema.String,
        valueType: ValueType
      }),
      Result: Metafield,
      execute: ({ target, id, value, valueType }) =>
        sql`update metafields set value = ${value}, value_type = ${valueType}
            where id = ${id} and ${ofTarget(target)}
            returning ${sql.literal(columns)}`
    })

    const remove = SqlSchema.findOne({
      Request: ById,
      Result: Schema.Struct({ id: Schema.String }),
      execute: ({ target, id }) => sql`delete from metafields where id = ${id} and ${ofTarget(target)} returning id`
    })

    return {
      /**
       * The resource's metafields ordered by namespace then key, optionally of one namespace;
       * `None` when the resource does not exist. One round trip: the existence test and the rows.
       */
      list: (target: Resources.Target, namespace: string | undefined) =>
        Database.boundary(list({ target, ...(namespace === undefined ? {} : { namespace }) })).pipe(
          Effect.map(
            (row): Option.Option<ReadonlyArray<Metafield>> => (row.found ? Option.some(row.items) : Option.none())
          ),
          Effect.catchTag("NoSuchElementException", Effect.die)
        ),
      /**
       * Locks the resource's row (`for no key update`) until the transaction ends; false when the
       * resource does not exist. The lock does not block foreign-key checks or readers of the row.
       */
      lock: (target: Resources.Target) => Database.boundary(lock(target)).pipe(Effect.map((rows) => rows.length > 0)),
      /**
       * Adds a metafield unless the resource already has one with this namespace and key, or has
       * `limit` already. The unique constraint is the arbiter of duplicates (`on conflict … do
       * nothing`), so a duplicate is an outcome, never a failed statement.
       */
      insert: (
        target: Resources.Target,
        metafield: NewMetafield,
        limit: number
      ): Effect.Effect<Insertion, Database.DatabaseUnavailable> =>
        Database.boundary(insert({ target, ...metafield, limit })).pipe(
          Effect.map((row) => ({ total: row.total, same: row.same, inserted: Option.fromNullable(row.inserted) })),
          Effect.catchTag("NoSuchElementException", Effect.die)
        ),
      /** The metafield, locked until the transaction ends; `None` when the resource has none with this id. */
      findForUpdate: (target: Resources.Target, id: string) => Database.boundary(findForUpdate({ target, id })),
      /** Sets both halves of the pair; `None` when the resource has no metafield with this id. */
      update: (target: Resources.Target, id: string, pair: Pair) => Database.boundary(update({ target, id, ...pair })),
      /** Deletes a metafield; false when the resource has none with this id. */
      remove: (target: Resources.Target, id: string) =>
        Database.boundary(remove({ target, id })).pipe(Effect.map(Option.isSome))
    }
  })
}) {}
