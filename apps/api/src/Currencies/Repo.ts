/**
 * SQL for the currencies a site sells in, its exchange rates and its per-currency product prices,
 * per site and mode. Rates are read and written as the decimal strings they were quoted as.
 */
import { Database, Ids, type Tenant, TenantSchema } from "@shopvo/kernel"
import { SqlClient, SqlSchema } from "@effect/sql"
import { Effect, type Option, Schema } from "effect"

/** A `bigint` money column: `pg` hands it over as a string. */
const Amount = Schema.compose(Schema.NumberFromString, Schema.NonNegativeInt)

export class RateRecord extends Schema.Class<RateRecord>("RateRecord")({
  id: Schema.String,
  from: Schema.String,
  to: Schema.String,
  rate: Schema.String,
  effectiveAt: Schema.DateFromSelf,
  createdAt: Schema.DateFromSelf
}) {}

export class PriceRecord extends Schema.Class<PriceRecord>("PriceRecord")({
  currency: Schema.String,
  amount: Amount,
  variantId: Schema.NullOr(Schema.String)
}) {}

export class PricedProduct extends Schema.Class<PricedProduct>("PricedProduct")({
  id: Schema.String,
  currency: Schema.String,
  price: Amount
}) {}

export interface NewRate {
  readonly from: string
  readonly to: string
  readonly rate: string
  readonly effectiveAt: Date | null
}

export class CurrenciesRepo extends Effect.Service<CurrenciesRepo>()("@shopvo/api/CurrenciesRepo", {
  accessors: true,
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const tenantIs = (tenant: Tenant) => sql`site_id = ${tenant.siteId} and livemode = ${tenant.livemode}`

    const baseCurrency = SqlSchema.findOne({
      Request: Schema.String,
      Result: Schema.Struct({ currency: Schema.String }),
      execute: (siteId) => sql`select currency from sites where id = ${siteId}`
    })

    const presentment = SqlSchema.findAll({
      Request: TenantSchema,
      Result: Schema.Struct({ currency: Schema.String }),
      execute: (tenant) => sql`select currency from site_currencies where ${tenantIs(tenant)} order by currency`
    })

    const rateColumns = sql`id, from_currency as "from", to_currency as "to", rate,
      effective_at as "effectiveAt", created_at as "createdAt"`

    const insertRate = SqlSchema.single({
      Request: Schema.Struct({
        tenant: TenantSchema,
        from: Schema.String,
        to: Schema.String,
        rate: Schema.String,
        effectiveAt: Schema.NullOr(Schema.DateFromSelf)
      }),
      Result: RateRecord,
      execute: ({ tenant, ...rate }) =>
        sql`insert into exchange_rates (id, site_id, livemode, from_currency, to_currency, rate, effective_at)
            values (${Ids.make("fxr")}, ${tenant.siteId}, ${tenant.livemode}, ${rate.from}, ${rate.to}, ${rate.rate},
                    coalesce(${rate.effectiveAt}, now()))
            returning ${rateColumns}`
    })

    const RateFilter = Schema.Struct({
      tenant: TenantSchema,
      from: Schema.NullOr(Schema.String),
      to: Schema.NullOr(Schema.String),
      limit: Schema.Int,
      offset: Schema.Int
    })
    const rateFilter = (filter: typeof RateFilter.Type) =>
      sql`${tenantIs(filter.tenant)}
          ${filter.from === null ? sql`` : sql`and from_currency = ${filter.from}`}
          ${filter.to === null ? sql`` : sql`and to_currency = ${filter.to}`}`

    const listRates = SqlSchema.findAll({
      Request: RateFilter,
      Result: RateRecord,
      execute: (filter) =>
        sql`select ${rateColumns} from exchange_rates where ${rateFilter(filter)}
            order by effective_at desc, created_at desc, id desc limit ${filter.limit} offset ${filter.offset}`
    })

    const countRates = SqlSchema.single({
      Request: RateFilter,
      Result: Schema.Struct({ total: Schema.NumberFromString }),
      execute: (filter) => sql`select count(*)::text as total from exchange_rates where ${rateFilter(filter)}`
    })

    // For each `from`, the rate into `to` with the latest effective_at not after now.
    const ratesInto = SqlSchema.findAll({
      Request: Schema.Struct({ tenant: TenantSchema, from: Schema.Array(Schema.String), to: Schema.String }),
      Result: RateRecord,
      execute: ({ tenant, from, to }) =>
        sql`select distinct on (from_currency) ${rateColumns} from exchange_rates
            where ${tenantIs(tenant)} and to_currency = ${to} and from_currency in ${sql.in(from)}
              and effective_at <= now()
            order by from_currency, effective_at desc, created_at desc, id desc`
    })

    const findProduct = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, productId: Schema.String }),
      Result: PricedProduct,
      execute: ({ tenant, productId }) =>
        sql`select id, currency, price from products where ${tenantIs(tenant)} and id = ${productId}`
    })

    const variantIds = SqlSchema.findAll({
      Request: Schema.Struct({ tenant: TenantSchema, productId: Schema.String }),
      Result: Schema.Struct({ id: Schema.String }),
      execute: ({ tenant, productId }) =>
        sql`select id from variants where ${tenantIs(tenant)} and product_id = ${productId}`
    })

    const prices = SqlSchema.findAll({
      Request: Schema.Struct({ tenant: TenantSchema, productId: Schema.String }),
      Result: PriceRecord,
      execute: ({ tenant, productId }) =>
        sql`select currency, amount, variant_id as "variantId" from product_prices
            where ${tenantIs(tenant)} and product_id = ${productId}
            order by currency, variant_id nulls first`
    })

    return {
      /** The site's base currency; `None` for an unknown site. */
      baseCurrency: (
        siteId: string
      ): Effect.Effect<Option.Option<{ readonly currency: string }>, Database.DatabaseUnavailable> =>
        Database.boundary(baseCurrency(siteId)),
      presentmentCurrencies: (tenant: Tenant) =>
        Effect.map(Database.boundary(presentment(tenant)), (rows) => rows.map((row) => row.currency)),
      /** Replaces the presentment currencies (inside the caller's transaction). */
      setPresentmentCurrencies: (tenant: Tenant, currencies: ReadonlyArray<string>) =>
        Database.boundary(
          Effect.gen(function* () {
            yield* sql`delete from site_currencies where ${tenantIs(tenant)}`
            if (currencies.length === 0) return
            yield* sql`insert into site_currencies ${sql.insert(
              currencies.map((currency) => ({ site_id: tenant.siteId, livemode: tenant.livemode, currency }))
            )}`
          })
        ),
      insertRate: (tenant: Tenant, rate: NewRate) =>
        Database.boundary(insertRate({ tenant, ...rate })).pipe(Effect.orDie),
      listRates: (tenant: Tenant, from: string | null, to: string | null, limit: number, offset: number) =>
        Effect.all({
          rows: Database.boundary(listRates({ tenant, from, to, limit, offset })),
          total: Effect.map(
            Database.boundary(countRates({ tenant, from, to, limit, offset })).pipe(Effect.orDie),
            (row) => row.total
          )
        }),
      /** The rates in effect now into `to`, from each of `from` that has one. */
      ratesInto: (tenant: Tenant, from: ReadonlyArray<string>, to: string) =>
        from.length === 0
          ? Effect.succeed<ReadonlyArray<RateRecord>>([])
          : Database.boundary(ratesInto({ tenant, from, to })),
      findProduct: (tenant: Tenant, productId: string) => Database.boundary(findProduct({ tenant, productId })),
      variantIds: (tenant: Tenant, productId: string) =>
        Effect.map(Database.boundary(variantIds({ tenant, productId })), (rows) => new Set(rows.map((row) => row.id))),
      prices: (tenant: Tenant, productId: string) => Database.boundary(prices({ tenant, productId })),
      /** Replaces every per-currency price of a product (inside the caller's transaction). */
      setPrices: (
        tenant: Tenant,
        productId: string,
        entries: ReadonlyArray<{
          readonly currency: string
          readonly amount: number
          readonly variantId: string | null
        }>
      ) =>
        Database.boundary(
          Effect.gen(function* () {
            yield* sql`delete from product_prices where ${tenantIs(tenant)} and product_id = ${productId}`
            if (entries.length === 0) return
            yield* sql`insert into product_prices ${sql.insert(
              entries.map((entry) => ({
                site_id: tenant.siteId,
                livemode: tenant.livemode,
                product_id: productId,
                variant_id: entry.variantId,
                currency: entry.currency,
                amount: entry.amount
              }))
            )}`
          })
        )
    }
  })
}) {}
