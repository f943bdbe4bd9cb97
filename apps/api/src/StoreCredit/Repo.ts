/**
 * SQL for store credit: one account row per customer (site and mode) holding the balance, and its
 * ledger of transactions. The functions run inside whatever transaction their caller opened.
 */
import type { StoreCredit } from "@shopvo/balances"
import { Database, Ids, type Tenant, TenantSchema } from "@shopvo/kernel"
import { Currency } from "@shopvo/pricing"
import { SqlClient, SqlSchema } from "@effect/sql"
import { Effect, Schema } from "effect"

// `bigint` columns arrive as decimal strings (pg's default), within the safe range by the spec's bounds.
const MinorUnits = Schema.compose(Schema.NumberFromString, Schema.Int)

/** An account's balance in its currency (minor units). */
export class Account extends Schema.Class<Account>("StoreCreditAccountRow")({
  currency: Currency.Code,
  balance: MinorUnits
}) {}

/** One ledger entry, as stored. */
export class Transaction extends Schema.Class<Transaction>("StoreCreditTransactionRow")({
  id: Schema.String,
  type: Schema.Literal("CREDIT", "DEBIT"),
  amount: MinorUnits,
  note: Schema.NullOr(Schema.String),
  orderId: Schema.NullOr(Schema.String),
  createdAt: Schema.DateTimeUtcFromDate
}) {}

/** How many ledger entries an account shows (the spec's "50 most recent"). */
export const recentTransactions = 50

const AccountKey = Schema.Struct({ tenant: TenantSchema, customerId: Schema.String })

const transactionColumns = `id, type, amount, note, order_id as "orderId", created_at as "createdAt"`

export class StoreCreditRepo extends Effect.Service<StoreCreditRepo>()("@shopvo/api/StoreCreditRepo", {
  accessors: true,
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const account = (tenant: Tenant, customerId: string) =>
      sql`site_id = ${tenant.siteId} and livemode = ${tenant.livemode} and customer_id = ${customerId}`

    const find = SqlSchema.findOne({
      Request: AccountKey,
      Result: Account,
      execute: ({ tenant, customerId }) =>
        sql`select currency, balance from store_credit_accounts where ${account(tenant, customerId)}`
    })

    const recent = SqlSchema.findAll({
      Request: AccountKey,
      Result: Transaction,
      execute: ({ tenant, customerId }) =>
        sql`select ${sql.literal(transactionColumns)} from store_credit_transactions
            where ${account(tenant, customerId)}
            order by created_at desc, id desc limit ${recentTransactions}`
    })

    // Opens the account when it has none, and locks its row either way, in one statement: a
    // conflicting insert that updates takes the row lock, as `select … for update` would.
    const lock = SqlSchema.findAll({
      Request: Schema.Struct({ tenant: TenantSchema, customerId: Schema.String, currency: Schema.String }),
      Result: Account,
      execute: ({ tenant, customerId, currency }) =>
        sql`insert into store_credit_accounts as a (site_id, livemode, customer_id, currency, balance)
            values (${tenant.siteId}, ${tenant.livemode}, ${customerId}, ${currency}, 0)
            on conflict (site_id, livemode, customer_id) do update set balance = a.balance
            returning currency, balance`
    })

    const record = SqlSchema.findAll({
      Request: Schema.Struct({
        tenant: TenantSchema,
        customerId: Schema.String,
        balance: Schema.Number,
        type: Schema.String,
        amount: Schema.Number,
        note: Schema.NullOr(Schema.String),
        orderId: Schema.NullOr(Schema.String)
      }),
      Result: Transaction,
      execute: (r) =>
        sql`with account as (
              update store_credit_accounts set balance = ${r.balance} where ${account(r.tenant, r.customerId)}
            )
            insert into store_credit_transactions (id, site_id, livemode, customer_id, type, amount, note, order_id)
            values (${Ids.make("sct")}, ${r.tenant.siteId}, ${r.tenant.livemode}, ${r.customerId}, ${r.type},
                    ${r.amount}, ${r.note}, ${r.orderId})
            returning ${sql.literal(transactionColumns)}`
    })

    const first = <A>(rows: ReadonlyArray<A>) =>
      rows[0] === undefined ? Effect.dieMessage("store credit statement returned no row") : Effect.succeed(rows[0])

    return {
      /** The customer's account, if one was ever opened. */
      find: (tenant: Tenant, customerId: string) => Database.boundary(find({ tenant, customerId })),
      /** The account's most recent ledger entries, newest first. */
      recent: (tenant: Tenant, customerId: string) => Database.boundary(recent({ tenant, customerId })),
      /** The account, opened in `currency` with nothing if new, locked until the caller's transaction ends. */
      lock: (tenant: Tenant, customerId: string, currency: Currency.Code) =>
        Database.boundary(Effect.flatMap(lock({ tenant, customerId, currency }), first)),
      /** Stores a locked account's new balance and the transaction that made it. */
      record: (
        tenant: Tenant,
        customerId: string,
        balance: number,
        tx: StoreCredit.Transaction & { readonly note: string | null; readonly orderId: string | null }
      ) =>
        Database.boundary(
          Effect.flatMap(
            record({
              tenant,
              customerId,
              balance,
              type: tx.type,
              amount: tx.amount.amount,
              note: tx.note,
              orderId: tx.orderId
            }),
            first
          )
        )
    }
  })
}) {}
