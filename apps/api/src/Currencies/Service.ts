/**
 * Currencies: which currencies a site sells in (its base currency and its presentment
 * currencies), its exchange rates (never edited; a later `effectiveAt` supersedes), and prices
 * set per currency on products and variants. Carts read prices in their currency through
 * `ratesInto` and `@shopvo/pricing`'s `Conversion.priceIn`; checkout settles orders through
 * `rateBetween`.
 */
import { Database, type Tenant } from "@shopvo/kernel"
import { Conversion, Currency, type Money } from "@shopvo/pricing"
import { Data, Effect, Option } from "effect"
import { CurrenciesRepo, type NewRate, type PriceRecord, type RateRecord } from "./Repo.js"

export type { PriceRecord, RateRecord } from "./Repo.js"

/** A currency code `@shopvo/pricing` does not know, or one a request may not use where it is. */
export class CurrencyRefused extends Data.TaggedError("CurrencyRefused")<{ readonly reason: string }> {}

/** A malformed or zero exchange rate. */
export class RateInvalid extends Data.TaggedError("RateInvalid")<{ readonly reason: string }> {}

export class ProductNotFound extends Data.TaggedError("ProductNotFound")<{ readonly productId: string }> {}

export class PriceVariantNotFound extends Data.TaggedError("PriceVariantNotFound")<{
  readonly productId: string
  readonly variantId: string
}> {}

/** Two entries of one price update name the same currency and variant. */
export class DuplicatePrice extends Data.TaggedError("DuplicatePrice")<{ readonly index: number }> {}

export interface CurrencySettings {
  readonly baseCurrency: Currency.Code
  /** The base currency first, then the presentment currencies. */
  readonly currencies: ReadonlyArray<Currency.Code>
}

export interface ProductPrices {
  readonly productId: string
  readonly currency: string
  readonly price: number
  readonly prices: ReadonlyArray<PriceRecord>
}

/** The rate used to convert: `rate` units of `to` per unit of `from`; `id` null for the identity. */
export interface RateInEffect {
  readonly id: string | null
  readonly rate: string
}

const known = (currency: string): Effect.Effect<Currency.Code, CurrencyRefused> =>
  Currency.isCode(currency)
    ? Effect.succeed(currency)
    : Effect.fail(new CurrencyRefused({ reason: `Shopvo does not know the currency ${currency}` }))

export class Currencies extends Effect.Service<Currencies>()("@shopvo/api/Currencies", {
  accessors: true,
  dependencies: [CurrenciesRepo.Default],
  effect: Effect.gen(function* () {
    const repo = yield* CurrenciesRepo

    /** The site's base currency; the site exists (the request's key belongs to it). */
    const baseOf = (tenant: Tenant) =>
      Effect.flatMap(
        repo.baseCurrency(tenant.siteId),
        Option.match({
          onNone: () => Effect.dieMessage(`site ${tenant.siteId} not found`),
          onSome: (row) =>
            Currency.isCode(row.currency)
              ? Effect.succeed(row.currency)
              : Effect.dieMessage(`site ${tenant.siteId} sells in unknown ${row.currency}`)
        })
      )

    const settings = (tenant: Tenant) =>
      Effect.gen(function* () {
        const base = yield* baseOf(tenant)
        const others = (yield* repo.presentmentCurrencies(tenant)).filter(
          (currency): currency is Currency.Code => Currency.isCode(currency) && currency !== base
        )
        return { baseCurrency: base, currencies: [base, ...others] } satisfies CurrencySettings
      })

    const findProduct = (tenant: Tenant, productId: string) =>
      Effect.flatMap(
        repo.findProduct(tenant, productId),
        Option.match({ onNone: () => Effect.fail(new ProductNotFound({ productId })), onSome: Effect.succeed })
      )

    const productPrices = (tenant: Tenant, productId: string) =>
      Effect.gen(function* () {
        const product = yield* findProduct(tenant, productId)
        const prices = yield* repo.prices(tenant, productId)
        return { productId, currency: product.currency, price: product.price, prices } satisfies ProductPrices
      })

    return {
      get: settings,

      /** Replaces the presentment currencies; every one must be known to `@shopvo/pricing`. */
      update: (tenant: Tenant, currencies: ReadonlyArray<string>) =>
        Database.transaction(
          Effect.gen(function* () {
            const codes = yield* Effect.forEach(currencies, known)
            const { baseCurrency } = yield* settings(tenant)
            yield* repo.setPresentmentCurrencies(
              tenant,
              codes.filter((code) => code !== baseCurrency)
            )
            return yield* settings(tenant)
          })
        ),

      /** Whether a cart may be created in `currency`. */
      sells: (tenant: Tenant, currency: string) =>
        Effect.map(settings(tenant), (s) => s.currencies.some((code) => code === currency)),

      /** Records a rate after checking it exactly (a positive decimal, between two known, distinct currencies). */
      createRate: (tenant: Tenant, rate: NewRate) =>
        Effect.gen(function* () {
          yield* known(rate.from)
          yield* known(rate.to)
          if (rate.from === rate.to) {
            return yield* new CurrencyRefused({
              reason: `A currency converts to itself at 1: ${rate.from} to ${rate.to}`
            })
          }
          yield* Effect.mapError(Conversion.parseRate(rate.rate), (error) => new RateInvalid({ reason: error.reason }))
          return yield* repo.insertRate(tenant, rate)
        }),

      listRates: repo.listRates,

      /** The rates in effect now into `to`, keyed by source currency. */
      ratesInto: (tenant: Tenant, from: ReadonlyArray<string>, to: string) =>
        Effect.map(
          repo.ratesInto(
            tenant,
            [...new Set(from)].filter((currency) => currency !== to),
            to
          ),
          (rows) => new Map<string, RateRecord>(rows.map((row) => [row.from, row]))
        ),

      /** The rate in effect now from `from` to `to`: the identity for one currency, `None` when no rate is set. */
      rateBetween: (
        tenant: Tenant,
        from: string,
        to: string
      ): Effect.Effect<Option.Option<RateInEffect>, Database.DatabaseUnavailable> =>
        from === to
          ? Effect.succeedSome({ id: null, rate: "1" })
          : Effect.map(repo.ratesInto(tenant, [from], to), (rows) =>
              Option.map(Option.fromNullable(rows[0]), (row) => ({ id: row.id, rate: row.rate }))
            ),

      /**
       * `money` in the site's base currency, converted at the rate in effect (exact, half-even):
       * what customer totals and loyalty points are kept in. Fails when no rate is in effect.
       */
      inBaseCurrency: (tenant: Tenant, money: Money.Money) =>
        Effect.gen(function* () {
          const baseCurrency = yield* baseOf(tenant)
          const rate = yield* repo.ratesInto(
            tenant,
            money.currency === baseCurrency ? [] : [money.currency],
            baseCurrency
          )
          return yield* Conversion.priceIn({ explicit: null, base: money, to: baseCurrency, rate: rate[0]?.rate }).pipe(
            Effect.catchTag("InvalidRate", "AmountOutOfRange", Effect.die)
          )
        }),

      getProductPrices: productPrices,

      /**
       * Replaces a product's per-currency prices: each in a known currency other than the
       * product's own, for the product or one of its variants, at most one per (currency, variant).
       */
      setProductPrices: (
        tenant: Tenant,
        productId: string,
        entries: ReadonlyArray<{
          readonly currency: string
          readonly amount: number
          readonly variantId?: string | undefined
        }>
      ) =>
        Database.transaction(
          Effect.gen(function* () {
            const product = yield* findProduct(tenant, productId)
            const variants = yield* repo.variantIds(tenant, productId)
            const seen = new Set<string>()
            for (const [index, entry] of entries.entries()) {
              yield* known(entry.currency)
              if (entry.currency === product.currency) {
                return yield* new CurrencyRefused({
                  reason: `${product.currency} is the product's own currency: its price is set on the product`
                })
              }
              if (entry.variantId !== undefined && !variants.has(entry.variantId)) {
                return yield* new PriceVariantNotFound({ productId, variantId: entry.variantId })
              }
              const key = `${entry.currency}:${entry.variantId ?? ""}`
              if (seen.has(key)) return yield* new DuplicatePrice({ index })
              seen.add(key)
            }
            yield* repo.setPrices(
              tenant,
              productId,
              entries.map((entry) => ({
                currency: entry.currency,
                amount: entry.amount,
                variantId: entry.variantId ?? null
              }))
            )
            return yield* productPrices(tenant, productId)
          })
        )
    }
  })
}) {}
