/**
 * SQL for loyalty: the program of a site and mode (stored as `@shopvo/loyalty` encodes it), one
 * account row per customer holding points and lifetime points, and its ledger. The functions run
 * inside whatever transaction their caller opened.
 */
import { LoyaltyProgram, LoyaltyTransaction } from "@shopvo/loyalty"
import { Database, Ids, type Tenant, TenantSchema } from "@shopvo/kernel"
import { SqlClient, SqlSchema } from "@effect/sql"
import { Effect, Schema } from "effect"

// `bigint` columns arrive as decimal strings (pg's default); points are safe integers by the package's rules.
const Count = Schema.compose(Schema.NumberFromString, Schema.NonNegativeInt)

/** An account's points, as stored (its tier is derived from the program when read). */
export class Balance extends Schema.Class<Balance>("LoyaltyBalanceRow")({
  points: Count,
  lifetimePoints: Count
}) {}

/** One ledger entry, as stored: the size of the movement, its direction given by `type`. */
export class Transaction extends Schema.Class<Transaction>("LoyaltyTransactionRow")({
  id: Schema.String,
  type: LoyaltyTransaction.TransactionType,
  points: Count,
  orderId: Schema.NullOr(Schema.String),
  note: Schema.NullOr(Schema.String),
  createdAt: Schema.DateTimeUtcFromDate
}) {}

/** How many ledger entries an account shows (the spec's "50 most recent"). */
export const recentTransactions = 50

const AccountKey = Schema.Struct({ tenant: TenantSchema, customerId: Schema.String })

const transactionColumns = `id, type, points, order_id as "orderId", note, created_at as "createdAt"`

export class LoyaltyRepo extends Effect.Service<LoyaltyRepo>()("@shopvo/api/LoyaltyRepo", {
  accessors: true,
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const scope = (tenant: Tenant) => sql`site_id = ${tenant.siteId} and livemode = ${tenant.livemode}`
    const account = (tenant: Tenant, customerId: string) => sql`${scope(tenant)} and customer_id = ${customerId}`

    const findProgram = SqlSchema.findOne({
      Request: TenantSchema,
      Result: Schema.Struct({ rules: LoyaltyProgram.LoyaltyProgram }),
      execute: (tenant) => sql`select rules from loyalty_programs where ${scope(tenant)}`
    })

    const saveProgram = SqlSchema.void({
      Request: Schema.Struct({ tenant: TenantSchema, rules: LoyaltyProgram.LoyaltyProgram }),
      execute: ({ tenant, rules }) =>
        sql`insert into loyalty_programs (site_id, livemode, rules)
            values (${tenant.siteId}, ${tenant.livemode}, ${JSON.stringify(rules)}::jsonb)
            on conflict (site_id, livemode) do update set rules = excluded.rules`
    })

    const find = SqlSchema.findOne({
      Request: AccountKey,
      Result: Balance,
      execute: ({ tenant, customerId }) =>
        sql`select points, lifetime_points as "lifetimePoints" from loyalty_accounts where ${account(tenant, customerId)}`
    })

    const recent = SqlSchema.findAll({
      Request: AccountKey,
      Result: Transaction,
      execute: ({ tenant, customerId }) =>
        sql`select ${sql.literal(transactionColumns)} from loyalty_transactions where ${account(tenant, customerId)}
            order by created_at desc, id desc limit ${recentTransactions}`
    })

    // Opens the account when it has none, and locks its row either way, in one statement: a
    // conflicting insert that updates takes the row lock, as `select … for update` would.
    const lock = SqlSchema.findAll({
      Request: AccountKey,
      Result: Balance,
      execute: ({ tenant, customerId }) =>
        sql`insert into loyalty_accounts as a (site_id, livemode, customer_id, points, lifetime_points)
            values (${tenant.siteId}, ${tenant.livemode}, ${customerId}, 0, 0)
            on conflict (site_id, livemode, customer_id) do update set points = a.points
            returning points, lifetime_points as "lifetimePoints"`
    })

    const earnedFor = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, customerId: Schema.String, orderId: Schema.String }),
      Result: Transaction,
      execute: ({ tenant, customerId, orderId }) =>
        sql`select ${sql.literal(transactionColumns)} from loyalty_transactions
            where ${account(tenant, customerId)} and type = 'EARN' and order_id = ${orderId}`
    })

    const record = SqlSchema.findAll({
      Request: Schema.Struct({
        tenant: TenantSchema,
        customerId: Schema.String,
        balance: Balance,
        type: Schema.String,
        points: Schema.Number,
        orderId: Schema.NullOr(Schema.String),
        note: Schema.NullOr(Schema.String)
      }),
      Result: Transaction,
      execute: (r) =>
        sql`with account as (
              update loyalty_accounts set points = ${r.balance.points}, lifetime_points = ${r.balance.lifetimePoints}
              where ${account(r.tenant, r.customerId)}
            )
            insert into loyalty_transactions (id, site_id, livemode, customer_id, type, points, order_id, note)
            values (${Ids.make("lt")}, ${r.tenant.siteId}, ${r.tenant.livemode}, ${r.customerId}, ${r.type},
                    ${r.points}, ${r.orderId}, ${r.note})
            returning ${sql.literal(transactionColumns)}`
    })

    const first = <A>(rows: ReadonlyArray<A>) =>
      rows[0] === undefined ? Effect.dieMessage("loyalty statement returned no row") : Effect.succeed(rows[0])

    return {
      /** The program the site set for this mode, if it set one. */
      program: (tenant: Tenant) => Database.boundary(findProgram(tenant)),
      saveProgram: (tenant: Tenant, rules: LoyaltyProgram.LoyaltyProgram) =>
        Database.boundary(saveProgram({ tenant, rules })),
      /** The customer's points, if an account was ever opened. */
      find: (tenant: Tenant, customerId: string) => Database.boundary(find({ tenant, customerId })),
      /** The account's most recent ledger entries, newest first. */
      recent: (tenant: Tenant, customerId: string) => Database.boundary(recent({ tenant, customerId })),
      /** The account, opened with no points if new, locked until the caller's transaction ends. */
      lock: (tenant: Tenant, customerId: string) =>
        Database.boundary(Effect.flatMap(lock({ tenant, customerId }), first)),
      /** The EARN entry of an order, if its points were already earned. */
      earnedFor: (tenant: Tenant, customerId: string, orderId: string) =>
        Database.boundary(earnedFor({ tenant, customerId, orderId })),
      /** Stores a locked account's new points and the transaction that made them. */
      record: (
        tenant: Tenant,
        customerId: string,
        balance: Balance,
        tx: LoyaltyTransaction.LoyaltyTransaction & { readonly orderId: string | null; readonly note: string | null }
      ) =>
        Database.boundary(
          Effect.flatMap(
            record({
              tenant,
              customerId,
              balance,
              type: tx.type,
              points: tx.points,
              orderId: tx.orderId,
              note: tx.note
            }),
            first
          )
        )
    }
  })
}) {}
