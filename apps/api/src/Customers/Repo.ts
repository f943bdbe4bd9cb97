/**
 * SQL for customers and customer groups, per site and mode. Rows are decoded with `Customer` at
 * this boundary; every function runs inside whatever transaction its caller opened (none opens
 * one), so a checkout can find or create a customer and record its order in its own.
 *
 * Emails compare ignoring case everywhere (`lower(email)`, the unique index's expression).
 */
import { Database, Ids, type Tenant, TenantSchema } from "@shopvo/kernel"
import { SqlClient, type SqlError, SqlSchema } from "@effect/sql"
import { Cause, Effect, type Option, Schema } from "effect"
import * as Pagination from "../Platform/Pagination.js"
import { CustomerGroupNotFound, EmailTaken } from "./Errors.js"

const nullableString = Schema.NullOr(Schema.String)

import { Address } from "../Address.js"

export { Address } from "../Address.js"

/** `bigint` columns arrive as strings; money stays a safe integer. */
const MinorUnits = Schema.compose(Schema.NumberFromString, Schema.Int)

export class Customer extends Schema.Class<Customer>("Customer")({
  id: Schema.String,
  email: Schema.String,
  firstName: nullableString,
  lastName: nullableString,
  phone: nullableString,
  groupId: nullableString,
  acceptsMarketing: Schema.Boolean,
  tags: Schema.Array(Schema.String),
  defaultAddress: Schema.NullOr(Address),
  totalOrders: Schema.Int,
  totalSpent: MinorUnits,
  createdAt: Schema.DateFromSelf,
  updatedAt: Schema.DateFromSelf
}) {}

/** A customer of a cursor page, with where it sits in the list's order. */
const ListedCustomer = Schema.Struct({ ...Customer.fields, sortKey: Schema.String })
export type ListedCustomer = typeof ListedCustomer.Type

export class CustomerGroup extends Schema.Class<CustomerGroup>("CustomerGroup")({
  id: Schema.String,
  name: Schema.String
}) {}

const columns = `id, email, first_name as "firstName", last_name as "lastName", phone, group_id as "groupId",
  accepts_marketing as "acceptsMarketing", tags, default_address as "defaultAddress",
  total_orders as "totalOrders", total_spent as "totalSpent", created_at as "createdAt", updated_at as "updatedAt"`

const Filters = Schema.Struct({
  search: Schema.optionalWith(Schema.String, { exact: true }),
  groupId: Schema.optionalWith(Schema.String, { exact: true })
})
export type Filters = typeof Filters.Type

const exactOptional = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { exact: true })

/** The columns an update may change; a field left out keeps its value. */
const Patch = Schema.Struct({
  email: exactOptional(Schema.String),
  firstName: exactOptional(nullableString),
  lastName: exactOptional(nullableString),
  phone: exactOptional(nullableString),
  acceptsMarketing: exactOptional(Schema.Boolean),
  tags: exactOptional(Schema.Array(Schema.String)),
  groupId: exactOptional(nullableString),
  defaultAddress: exactOptional(Schema.NullOr(Address))
})
export type Patch = typeof Patch.Type

const NewCustomer = Schema.Struct({
  email: Schema.String,
  firstName: nullableString,
  lastName: nullableString,
  phone: nullableString
})
export type NewCustomer = typeof NewCustomer.Type

/** `%`, `_` and `\` stand for themselves in a search term. */
const likeLiteral = (term: string) => term.replace(/[\\%_]/g, (char) => `\\${char}`)

/** For statements that always return a row (a count, an insert's `returning`): none is a bug. */
const oneRow = <A, E, R>(effect: Effect.Effect<A, E | Cause.NoSuchElementException, R>): Effect.Effect<A, E, R> =>
  Effect.catchIf(effect, Cause.isNoSuchElementException, Effect.die)

const violates = (code: string, constraint: string) => (error: SqlError.SqlError) => {
  const cause: unknown = error.cause
  return (
    typeof cause === "object" &&
    cause !== null &&
    Reflect.get(cause, "code") === code &&
    Reflect.get(cause, "constraint") === constraint
  )
}
const isEmailTaken = violates("23505", "customers_email_unique")
const isUnknownGroup = violates("23503", "customers_group_fk")

export class CustomersRepo extends Effect.Service<CustomersRepo>()("@shopvo/api/CustomersRepo", {
  accessors: true,
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const scope = (tenant: Tenant) => sql`site_id = ${tenant.siteId} and livemode = ${tenant.livemode}`

    // `search_text like` is answered by the trigram index (`customers_search_idx`), the group by
    // `customers_group_idx`, the bare list by `customers_list_idx`.
    const matching = (tenant: Tenant, filters: Filters) =>
      sql.and([
        scope(tenant),
        ...(filters.search === undefined
          ? []
          : [sql`search_text like '%' || lower(${likeLiteral(filters.search)}) || '%'`]),
        ...(filters.groupId === undefined ? [] : [sql`group_id = ${filters.groupId}`])
      ])

    const page = SqlSchema.findAll({
      Request: Schema.Struct({ tenant: TenantSchema, filters: Filters, limit: Schema.Int, offset: Schema.Int }),
      Result: Customer,
      execute: ({ tenant, filters, limit, offset }) =>
        sql`select ${sql.literal(columns)} from customers where ${matching(tenant, filters)}
            order by created_at desc, id desc limit ${limit} offset ${offset}`
    })

    const count = SqlSchema.single({
      Request: Schema.Struct({ tenant: TenantSchema, filters: Filters }),
      Result: Schema.Struct({ total: Schema.Int }),
      execute: ({ tenant, filters }) =>
        sql`select count(*)::int as total from customers where ${matching(tenant, filters)}`
    })

    const after = SqlSchema.findAll({
      Request: Schema.Struct({
        tenant: TenantSchema,
        filters: Filters,
        limit: Schema.Int,
        after: Schema.optionalWith(Schema.Struct({ sortKey: Schema.String, id: Schema.String }), { exact: true })
      }),
      Result: ListedCustomer,
      execute: ({ tenant, filters, limit, after }) =>
        sql`select ${sql.literal(columns)}, ${sql.literal(Pagination.createdAtSortKey)} as "sortKey"
            from customers
            where ${matching(tenant, filters)}
              ${after === undefined ? sql`` : sql`and (created_at, id) < (${after.sortKey}::timestamptz, ${after.id})`}
            order by created_at desc, id desc limit ${limit}`
    })

    const find = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, id: Schema.String }),
      Result: Customer,
      execute: ({ tenant, id }) =>
        sql`select ${sql.literal(columns)} from customers where ${scope(tenant)} and id = ${id}`
    })

    const position = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, id: Schema.String }),
      Result: Schema.Struct({ sortKey: Schema.String, id: Schema.String }),
      execute: ({ tenant, id }) =>
        sql`select ${sql.literal(Pagination.createdAtSortKey)} as "sortKey", id from customers
            where ${scope(tenant)} and id = ${id}`
    })

    const findByEmail = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, email: Schema.String }),
      Result: Customer,
      execute: ({ tenant, email }) =>
        sql`select ${sql.literal(columns)} from customers where ${scope(tenant)} and lower(email) = lower(${email})`
    })

    const insertIfAbsent = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, customer: NewCustomer }),
      Result: Customer,
      execute: ({ tenant, customer }) =>
        sql`insert into customers (id, site_id, livemode, email, first_name, last_name, phone)
            values (${Ids.make("cust")}, ${tenant.siteId}, ${tenant.livemode}, ${customer.email},
                    ${customer.firstName}, ${customer.lastName}, ${customer.phone})
            on conflict (site_id, livemode, lower(email)) do nothing
            returning ${sql.literal(columns)}`
    })

    const update = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, id: Schema.String, patch: Patch }),
      Result: Customer,
      execute: ({ tenant, id, patch }) => {
        const sets = [
          ...(patch.email === undefined ? [] : [sql`email = ${patch.email}`]),
          ...(patch.firstName === undefined ? [] : [sql`first_name = ${patch.firstName}`]),
          ...(patch.lastName === undefined ? [] : [sql`last_name = ${patch.lastName}`]),
          ...(patch.phone === undefined ? [] : [sql`phone = ${patch.phone}`]),
          ...(patch.acceptsMarketing === undefined ? [] : [sql`accepts_marketing = ${patch.acceptsMarketing}`]),
          ...(patch.tags === undefined ? [] : [sql`tags = ${patch.tags}::text[]`]),
          ...(patch.groupId === undefined ? [] : [sql`group_id = ${patch.groupId}`]),
          ...(patch.defaultAddress === undefined
            ? []
            : [
                sql`default_address = ${patch.defaultAddress === null ? null : JSON.stringify(patch.defaultAddress)}::jsonb`
              ]),
          sql`updated_at = now()`
        ]
        return sql`update customers set ${sql.csv(sets)} where ${scope(tenant)} and id = ${id}
                   returning ${sql.literal(columns)}`
      }
    })

    // One statement, so concurrent orders of one customer add up exactly (the row lock orders them).
    const addOrder = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, id: Schema.String, totalMinor: Schema.NonNegativeInt }),
      Result: Customer,
      execute: ({ tenant, id, totalMinor }) =>
        sql`update customers
            set total_orders = total_orders + 1, total_spent = total_spent + ${totalMinor}, updated_at = now()
            where ${scope(tenant)} and id = ${id}
            returning ${sql.literal(columns)}`
    })

    const insertGroup = SqlSchema.single({
      Request: Schema.Struct({ tenant: TenantSchema, name: Schema.String }),
      Result: CustomerGroup,
      execute: ({ tenant, name }) =>
        sql`insert into customer_groups (id, site_id, livemode, name)
            values (${Ids.make("grp")}, ${tenant.siteId}, ${tenant.livemode}, ${name})
            returning id, name`
    })

    return {
      /** An offset page of the customers matching `filters`, newest first, and how many match. */
      page: (tenant: Tenant, filters: Filters, limit: number, offset: number) =>
        Database.boundary(
          Effect.all(
            { items: page({ tenant, filters, limit, offset }), total: oneRow(count({ tenant, filters })) },
            { concurrency: "unbounded" }
          ).pipe(Effect.map(({ items, total }) => ({ items, total: total.total })))
        ),
      /** Up to `limit` matching customers after `position` (newest first), each with its sort key. */
      after: (
        tenant: Tenant,
        filters: Filters,
        limit: number,
        position: Pagination.Position | undefined
      ): Effect.Effect<ReadonlyArray<ListedCustomer>, Database.DatabaseUnavailable> =>
        Database.boundary(after({ tenant, filters, limit, ...(position === undefined ? {} : { after: position }) })),
      find: (tenant: Tenant, id: string): Effect.Effect<Option.Option<Customer>, Database.DatabaseUnavailable> =>
        Database.boundary(find({ tenant, id })),
      /** Where the customer sits in the list's order (a cursor naming it continues after it). */
      position: (
        tenant: Tenant,
        id: string
      ): Effect.Effect<Option.Option<Pagination.Position>, Database.DatabaseUnavailable> =>
        Database.boundary(position({ tenant, id })),
      findByEmail: (
        tenant: Tenant,
        email: string
      ): Effect.Effect<Option.Option<Customer>, Database.DatabaseUnavailable> =>
        Database.boundary(findByEmail({ tenant, email })),
      /**
       * Inserts a customer; `None` when the site and mode already have one with this email (a
       * concurrent insert of it is waited for first, so a committed one is never missed).
       */
      insertIfAbsent: (
        tenant: Tenant,
        customer: NewCustomer
      ): Effect.Effect<Option.Option<Customer>, Database.DatabaseUnavailable> =>
        Database.boundary(insertIfAbsent({ tenant, customer })),
      /** Changes the fields of `patch`; `None` when there is no such customer. */
      update: (
        tenant: Tenant,
        id: string,
        patch: Patch
      ): Effect.Effect<Option.Option<Customer>, EmailTaken | CustomerGroupNotFound | Database.DatabaseUnavailable> =>
        Database.boundary(
          update({ tenant, id, patch }).pipe(
            Effect.catchTag(
              "SqlError",
              (error): Effect.Effect<never, EmailTaken | CustomerGroupNotFound | SqlError.SqlError> =>
                isEmailTaken(error)
                  ? Effect.fail(new EmailTaken({ email: patch.email ?? "" }))
                  : isUnknownGroup(error)
                    ? Effect.fail(new CustomerGroupNotFound({ groupId: patch.groupId ?? "" }))
                    : Effect.fail(error)
            )
          )
        ),
      /** Counts one more order of `totalMinor` for the customer; `None` when there is no such customer. */
      addOrder: (
        tenant: Tenant,
        id: string,
        totalMinor: number
      ): Effect.Effect<Option.Option<Customer>, Database.DatabaseUnavailable> =>
        Database.boundary(addOrder({ tenant, id, totalMinor })),
      insertGroup: (tenant: Tenant, name: string): Effect.Effect<CustomerGroup, Database.DatabaseUnavailable> =>
        Database.boundary(oneRow(insertGroup({ tenant, name })))
    }
  })
}) {}
