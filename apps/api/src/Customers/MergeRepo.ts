/**
 * SQL of a customer merge and of the redirects it leaves. Every function runs inside the caller's
 * transaction (the merge's, or a checkout's); none opens one.
 *
 * Lock order, the same for a merge and a checkout: customer rows first (a merge locks both in id
 * order), then the orders, carts and gift cards that move, then the store-credit and loyalty
 * accounts (in customer-id order). Store credit adds up as is: every account of a site is in the
 * site's currency. A checkout holds its customer's row before it touches that
 * customer's accounts, so the two never wait on each other in opposite orders.
 */
import { Database, type Tenant, TenantSchema } from "@shopvo/kernel"
import { SqlClient, SqlSchema } from "@effect/sql"
import { Effect, Option, Schema } from "effect"

/** What moved from the merged customer to the survivor. */
export interface Moved {
  readonly orders: number
  readonly giftCards: number
  readonly storeCredit: number
  readonly loyaltyPoints: number
}

const Count = Schema.Struct({ count: Schema.NumberFromString })

export class CustomerMergeRepo extends Effect.Service<CustomerMergeRepo>()("@shopvo/api/CustomerMergeRepo", {
  accessors: true,
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const scope = (tenant: Tenant) => sql`site_id = ${tenant.siteId} and livemode = ${tenant.livemode}`

    const lockAll = SqlSchema.findAll({
      Request: Schema.Struct({ tenant: TenantSchema, ids: Schema.Array(Schema.String) }),
      Result: Schema.Struct({ id: Schema.String }),
      execute: ({ tenant, ids }) =>
        sql`select id from customers where ${scope(tenant)} and id = any(${ids}) order by id for no key update`
    })

    const redirectById = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, id: Schema.String }),
      Result: Schema.Struct({ targetId: Schema.String }),
      execute: ({ tenant, id }) =>
        sql`select target_id as "targetId" from customer_merges where ${scope(tenant)} and source_id = ${id}`
    })

    // A checkout's email: its customer, locked. Waiting on a merge that holds the row returns no
    // row once the merge commits, so where it went is read by the next statement (`redirectByEmail`):
    // a subquery of this one would read the snapshot taken before the wait and miss the redirect.
    const lockByEmail = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, email: Schema.String }),
      Result: Schema.Struct({ id: Schema.String }),
      execute: ({ tenant, email }) =>
        sql`select id from customers where ${scope(tenant)} and lower(email) = lower(${email}) for no key update`
    })

    const redirectByEmail = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, email: Schema.String }),
      Result: Schema.Struct({ targetId: Schema.String }),
      execute: ({ tenant, email }) =>
        sql`select target_id as "targetId" from customer_merges
            where ${scope(tenant)} and lower(source_email) = lower(${email}) order by merged_at desc limit 1`
    })

    /** Moves the rows naming `from` to `to` in `table`; how many moved. */
    const reassign = (tenant: Tenant, table: string, from: string, to: string) =>
      Effect.map(
        sql`with moved as (update ${sql(table)} set customer_id = ${to}
                           where ${scope(tenant)} and customer_id = ${from} returning 1)
            select count(*)::text as count from moved`,
        (rows) => Schema.decodeUnknownSync(Count)(rows[0]).count
      )

    /**
     * Adds `from`'s store-credit account to `to`'s (opened in the same currency when `to` has
     * none), moves its ledger, and closes it; the amount moved.
     */
    const mergeStoreCredit = (tenant: Tenant, from: string, to: string) =>
      Effect.gen(function* () {
        const rows = yield* sql`select customer_id as "customerId", currency, balance::text as balance
          from store_credit_accounts where ${scope(tenant)} and customer_id = any(${[from, to]})
          order by customer_id for update`
        const accounts = Schema.decodeUnknownSync(
          Schema.Array(
            Schema.Struct({ customerId: Schema.String, currency: Schema.String, balance: Schema.NumberFromString })
          )
        )(rows)
        const source = accounts.find((a) => a.customerId === from)
        if (source === undefined) return 0
        yield* sql`insert into store_credit_accounts (site_id, livemode, customer_id, currency, balance)
          values (${tenant.siteId}, ${tenant.livemode}, ${to}, ${source.currency}, 0)
          on conflict (site_id, livemode, customer_id) do nothing`
        yield* sql`update store_credit_transactions set customer_id = ${to} where ${scope(tenant)} and customer_id = ${from}`
        yield* sql`update store_credit_accounts set balance = balance + ${source.balance}
          where ${scope(tenant)} and customer_id = ${to}`
        yield* sql`delete from store_credit_accounts where ${scope(tenant)} and customer_id = ${from}`
        return source.balance
      })

    /** The same for loyalty: points and lifetime points add up, the ledger moves; the points moved. */
    const mergeLoyalty = (tenant: Tenant, from: string, to: string) =>
      Effect.gen(function* () {
        const rows = yield* sql`select customer_id as "customerId", points::text as points,
            lifetime_points::text as "lifetimePoints"
          from loyalty_accounts where ${scope(tenant)} and customer_id = any(${[from, to]})
          order by customer_id for update`
        const accounts = Schema.decodeUnknownSync(
          Schema.Array(
            Schema.Struct({
              customerId: Schema.String,
              points: Schema.NumberFromString,
              lifetimePoints: Schema.NumberFromString
            })
          )
        )(rows)
        const source = accounts.find((a) => a.customerId === from)
        if (source === undefined) return 0
        yield* sql`insert into loyalty_accounts (site_id, livemode, customer_id, points, lifetime_points)
          values (${tenant.siteId}, ${tenant.livemode}, ${to}, 0, 0)
          on conflict (site_id, livemode, customer_id) do nothing`
        yield* sql`update loyalty_transactions set customer_id = ${to} where ${scope(tenant)} and customer_id = ${from}`
        yield* sql`update loyalty_accounts
          set points = points + ${source.points}, lifetime_points = lifetime_points + ${source.lifetimePoints}
          where ${scope(tenant)} and customer_id = ${to}`
        yield* sql`delete from loyalty_accounts where ${scope(tenant)} and customer_id = ${from}`
        return source.points
      })

    /** `to` takes `from`'s totals and tags, and its profile fields and address where `to` has none. */
    const absorbProfile = (tenant: Tenant, from: string, to: string) =>
      sql`update customers c set
            total_orders = c.total_orders + s.total_orders,
            total_spent = c.total_spent + s.total_spent,
            tags = array(select distinct t from unnest(c.tags || s.tags) as t order by t),
            first_name = coalesce(c.first_name, s.first_name),
            last_name = coalesce(c.last_name, s.last_name),
            phone = coalesce(c.phone, s.phone),
            group_id = coalesce(c.group_id, s.group_id),
            default_address = coalesce(c.default_address, s.default_address),
            updated_at = now()
          from customers s
          where c.site_id = ${tenant.siteId} and c.livemode = ${tenant.livemode} and c.id = ${to}
            and s.site_id = ${tenant.siteId} and s.livemode = ${tenant.livemode} and s.id = ${from}`

    const merge = (tenant: Tenant, from: string, to: string) =>
      Effect.gen(function* () {
        const orders = yield* reassign(tenant, "orders", from, to)
        yield* reassign(tenant, "carts", from, to)
        // Checkout sessions are not touched: a completing checkout holds its session's row while it
        // waits for the customer's, so updating sessions here could deadlock with it. A session
        // naming `from` is read as the survivor's (`Customers.survivorOf`).
        const giftCards = yield* reassign(tenant, "gift_cards", from, to)
        // One entry per customer: the survivor keeps its own when both were blacklisted.
        yield* sql`update customer_blacklist set customer_id = ${to}
          where ${scope(tenant)} and customer_id = ${from}
            and not exists (select 1 from customer_blacklist where ${scope(tenant)} and customer_id = ${to})`
        const storeCredit = yield* mergeStoreCredit(tenant, from, to)
        const loyaltyPoints = yield* mergeLoyalty(tenant, from, to)
        yield* absorbProfile(tenant, from, to)
        // Earlier merges into `from` now lead to `to`; then `from` itself does.
        yield* sql`update customer_merges set target_id = ${to} where ${scope(tenant)} and target_id = ${from}`
        yield* sql`insert into customer_merges (site_id, livemode, source_id, source_email, target_id)
          select site_id, livemode, id, email, ${to} from customers where ${scope(tenant)} and id = ${from}`
        yield* sql`delete from customers where ${scope(tenant)} and id = ${from}`
        return { orders, giftCards, storeCredit, loyaltyPoints } satisfies Moved
      })

    return {
      /** Locks the customers among `ids` that exist (in id order, until the transaction ends); their ids. */
      lock: (tenant: Tenant, ids: ReadonlyArray<string>) =>
        Database.boundary(Effect.map(lockAll({ tenant, ids }), (rows) => rows.map((row) => row.id))),
      /** The customer `id` was merged into, if it was. */
      redirectById: (tenant: Tenant, id: string) =>
        Database.boundary(
          Effect.map(
            redirectById({ tenant, id }),
            Option.map((row) => row.targetId)
          )
        ),
      /**
       * The customer with this email (ignoring case), locked until the transaction ends, or else
       * the customer the last merged customer with this email went into; either may be null.
       */
      byEmail: (tenant: Tenant, email: string) =>
        Database.boundary(
          Effect.gen(function* () {
            const customer = yield* lockByEmail({ tenant, email })
            if (Option.isSome(customer)) return { customerId: customer.value.id, redirectId: null }
            const redirect = yield* redirectByEmail({ tenant, email })
            return { customerId: null, redirectId: Option.getOrNull(Option.map(redirect, (row) => row.targetId)) }
          })
        ),
      /** Moves everything of `from` to `to` and deletes `from`; both must be locked by the caller. */
      merge: (tenant: Tenant, from: string, to: string): Effect.Effect<Moved, Database.DatabaseUnavailable> =>
        Database.boundary(merge(tenant, from, to))
    }
  })
}) {}
