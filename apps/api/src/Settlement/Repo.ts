/**
 * SQL for the settlement setup (default currency, accounts, ordered rules), each order's recorded
 * settlement, and the report summing them per settlement currency and UTC day. Sums are computed
 * by PostgreSQL over `bigint` columns and read back as exact integers.
 */
import { Database, type Tenant, TenantSchema } from "@shopvo/kernel"
import { SqlClient, SqlSchema } from "@effect/sql"
import { Cause, Effect, Option, Schema } from "effect"

/** A `bigint` money column: `pg` hands it over as a string. */
const Amount = Schema.compose(Schema.NumberFromString, Schema.NonNegativeInt)

export class AccountRecord extends Schema.Class<AccountRecord>("AccountRecord")({
  currency: Schema.Literal("EUR", "USD", "GBP"),
  name: Schema.String,
  reference: Schema.String
}) {}

export class RuleRecord extends Schema.Class<RuleRecord>("RuleRecord")({
  presentmentCurrency: Schema.NullOr(Schema.String),
  country: Schema.NullOr(Schema.String),
  settlementCurrency: Schema.Literal("EUR", "USD", "GBP")
}) {}

export class OrderSettlementRecord extends Schema.Class<OrderSettlementRecord>("OrderSettlementRecord")({
  orderId: Schema.String,
  presentmentCurrency: Schema.String,
  presentmentTotal: Amount,
  presentmentRefunded: Amount,
  settlementCurrency: Schema.String,
  settlementTotal: Amount,
  settlementRefunded: Amount,
  rate: Schema.String,
  rateId: Schema.NullOr(Schema.String),
  placedAt: Schema.DateFromSelf
}) {}

export class ReportRow extends Schema.Class<ReportRow>("ReportRow")({
  date: Schema.String,
  settlementCurrency: Schema.String,
  orderCount: Schema.NumberFromString,
  grossAmount: Amount,
  refundedAmount: Amount
}) {}

export interface SettingsRecord {
  readonly defaultCurrency: Option.Option<"EUR" | "USD" | "GBP">
  readonly accounts: ReadonlyArray<AccountRecord>
  readonly rules: ReadonlyArray<RuleRecord>
}

export interface NewOrderSettlement {
  readonly orderId: string
  readonly presentmentCurrency: string
  readonly presentmentTotal: number
  readonly settlementCurrency: string
  readonly settlementTotal: number
  readonly rate: string
  readonly rateId: string | null
  readonly placedAt: Date
}

const OrderKey = Schema.Struct({ tenant: TenantSchema, orderId: Schema.String })

export class SettlementRepo extends Effect.Service<SettlementRepo>()("@shopvo/api/SettlementRepo", {
  accessors: true,
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const tenantIs = (tenant: Tenant) => sql`site_id = ${tenant.siteId} and livemode = ${tenant.livemode}`

    const defaultCurrency = SqlSchema.findOne({
      Request: TenantSchema,
      Result: Schema.Struct({ defaultCurrency: Schema.Literal("EUR", "USD", "GBP") }),
      execute: (tenant) =>
        sql`select default_currency as "defaultCurrency" from settlement_settings where ${tenantIs(tenant)}`
    })
    const accounts = SqlSchema.findAll({
      Request: TenantSchema,
      Result: AccountRecord,
      execute: (tenant) =>
        sql`select currency, name, reference from settlement_accounts where ${tenantIs(tenant)} order by currency`
    })
    const rules = SqlSchema.findAll({
      Request: TenantSchema,
      Result: RuleRecord,
      execute: (tenant) =>
        sql`select presentment_currency as "presentmentCurrency", country, settlement_currency as "settlementCurrency"
            from settlement_rules where ${tenantIs(tenant)} order by position`
    })

    // Everything routing an order needs, in one statement (it runs inside checkout's transaction).
    const routing = SqlSchema.single({
      Request: TenantSchema,
      Result: Schema.Struct({
        baseCurrency: Schema.String,
        defaultCurrency: Schema.NullOr(Schema.String),
        rules: Schema.Array(RuleRecord)
      }),
      execute: (tenant) =>
        sql`select s.currency as "baseCurrency", ss.default_currency as "defaultCurrency",
                   coalesce((select json_agg(json_build_object('presentmentCurrency', r.presentment_currency,
                                'country', r.country, 'settlementCurrency', r.settlement_currency) order by r.position)
                             from settlement_rules r where r.site_id = s.id and r.livemode = ${tenant.livemode}),
                            '[]'::json) as rules
            from sites s
            left join settlement_settings ss on ss.site_id = s.id and ss.livemode = ${tenant.livemode}
            where s.id = ${tenant.siteId}`
    })

    const columns = sql`order_id as "orderId", presentment_currency as "presentmentCurrency",
      presentment_total as "presentmentTotal", presentment_refunded as "presentmentRefunded",
      settlement_currency as "settlementCurrency", settlement_total as "settlementTotal",
      settlement_refunded as "settlementRefunded", rate, rate_id as "rateId", placed_at as "placedAt"`

    const insert = SqlSchema.single({
      Request: Schema.Struct({
        tenant: TenantSchema,
        orderId: Schema.String,
        presentmentCurrency: Schema.String,
        presentmentTotal: Schema.Number,
        settlementCurrency: Schema.String,
        settlementTotal: Schema.Number,
        rate: Schema.String,
        rateId: Schema.NullOr(Schema.String),
        placedAt: Schema.DateFromSelf
      }),
      Result: OrderSettlementRecord,
      execute: ({ tenant, ...s }) =>
        sql`insert into order_settlements (site_id, livemode, order_id, presentment_currency, presentment_total,
              settlement_currency, settlement_total, rate, rate_id, placed_at)
            values (${tenant.siteId}, ${tenant.livemode}, ${s.orderId}, ${s.presentmentCurrency}, ${s.presentmentTotal},
              ${s.settlementCurrency}, ${s.settlementTotal}, ${s.rate}, ${s.rateId}, ${s.placedAt})
            returning ${columns}`
    })

    const find = SqlSchema.findOne({
      Request: OrderKey,
      Result: OrderSettlementRecord,
      execute: ({ tenant, orderId }) =>
        sql`select ${columns} from order_settlements where ${tenantIs(tenant)} and order_id = ${orderId}`
    })

    const lock = SqlSchema.findOne({
      Request: OrderKey,
      Result: OrderSettlementRecord,
      execute: ({ tenant, orderId }) =>
        sql`select ${columns} from order_settlements where ${tenantIs(tenant)} and order_id = ${orderId} for update`
    })

    const addRefund = SqlSchema.single({
      Request: Schema.Struct({
        tenant: TenantSchema,
        orderId: Schema.String,
        presentment: Schema.Number,
        settlement: Schema.Number
      }),
      Result: OrderSettlementRecord,
      execute: ({ tenant, orderId, presentment, settlement }) =>
        sql`update order_settlements
            set presentment_refunded = presentment_refunded + ${presentment},
                settlement_refunded = settlement_refunded + ${settlement}
            where ${tenantIs(tenant)} and order_id = ${orderId}
            returning ${columns}`
    })

    const report = SqlSchema.findAll({
      Request: Schema.Struct({ tenant: TenantSchema, from: Schema.String, to: Schema.String }),
      Result: ReportRow,
      execute: ({ tenant, from, to }) =>
        sql`select to_char((placed_at at time zone 'UTC')::date, 'YYYY-MM-DD') as date,
                   settlement_currency as "settlementCurrency", count(*)::text as "orderCount",
                   sum(settlement_total)::text as "grossAmount", sum(settlement_refunded)::text as "refundedAmount"
            from order_settlements
            where ${tenantIs(tenant)}
              and placed_at >= (${from}::date)::timestamp at time zone 'UTC'
              and placed_at < ((${to}::date) + 1)::timestamp at time zone 'UTC'
            group by 1, 2
            order by 1, 2`
    })

    const orDieIfNone = <A, E, R>(self: Effect.Effect<A, E | Cause.NoSuchElementException, R>) =>
      Effect.catchIf(self, Cause.isNoSuchElementException, Effect.die)

    return {
      settings: (tenant: Tenant): Effect.Effect<SettingsRecord, Database.DatabaseUnavailable> =>
        Effect.map(
          Effect.all([
            Database.boundary(defaultCurrency(tenant)),
            Database.boundary(accounts(tenant)),
            Database.boundary(rules(tenant))
          ]),
          ([row, accounts, rules]) => ({
            defaultCurrency: Option.map(row, (r) => r.defaultCurrency),
            accounts,
            rules
          })
        ),
      /** The site's base currency, its default settlement currency if set, and its rules in order. */
      routing: (tenant: Tenant) => Database.boundary(routing(tenant)).pipe(orDieIfNone),
      /** Replaces the setup (inside the caller's transaction). */
      replace: (
        tenant: Tenant,
        settings: {
          readonly defaultCurrency: string
          readonly accounts: ReadonlyArray<{
            readonly currency: string
            readonly name: string
            readonly reference: string
          }>
          readonly rules: ReadonlyArray<{
            readonly presentmentCurrency: string | null
            readonly country: string | null
            readonly settlementCurrency: string
          }>
        }
      ) =>
        Database.boundary(
          Effect.gen(function* () {
            const site = { site_id: tenant.siteId, livemode: tenant.livemode }
            yield* sql`delete from settlement_rules where ${tenantIs(tenant)}`
            yield* sql`delete from settlement_accounts where ${tenantIs(tenant)}`
            yield* sql`insert into settlement_settings (site_id, livemode, default_currency)
                       values (${tenant.siteId}, ${tenant.livemode}, ${settings.defaultCurrency})
                       on conflict (site_id, livemode) do update set default_currency = excluded.default_currency`
            yield* sql`insert into settlement_accounts ${sql.insert(
              settings.accounts.map((account) => ({ ...site, ...account }))
            )}`
            if (settings.rules.length > 0) {
              yield* sql`insert into settlement_rules ${sql.insert(
                settings.rules.map((rule, position) => ({
                  ...site,
                  position,
                  presentment_currency: rule.presentmentCurrency,
                  country: rule.country,
                  settlement_currency: rule.settlementCurrency
                }))
              )}`
            }
          })
        ),
      insert: (tenant: Tenant, settlement: NewOrderSettlement) =>
        Database.boundary(insert({ tenant, ...settlement })).pipe(orDieIfNone),
      find: (tenant: Tenant, orderId: string) => Database.boundary(find({ tenant, orderId })),
      /** Like `find`, locking the row until the caller's transaction ends. */
      lock: (tenant: Tenant, orderId: string) => Database.boundary(lock({ tenant, orderId })),
      addRefund: (tenant: Tenant, orderId: string, presentment: number, settlement: number) =>
        Database.boundary(addRefund({ tenant, orderId, presentment, settlement })).pipe(orDieIfNone),
      report: (tenant: Tenant, from: string, to: string) => Database.boundary(report({ tenant, from, to }))
    }
  })
}) {}
