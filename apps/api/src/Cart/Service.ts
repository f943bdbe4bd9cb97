/**
 * Carts: a shopper's lines before checkout, for a guest session or a customer, in the one currency
 * the site sells in.
 *
 * - Lines are priced by the server whenever the cart is read, from the catalogue's current
 *   prices in the cart's currency (`inCurrency`) and, for a B2B contact, the account's price list
 *   (`Prices.forCart`); `@shopvo/pricing` computes every amount (the unit price × quantity, and the
 *   cart's totals). A client never sends a price that is used.
 * - A cart is in one of the currencies the site sells in. Only an `ACTIVE` product that can be
 *   priced in it (a price set in that currency, else one converted at the rate in effect) can be
 *   added; a line holds 1 to `maxQuantity` units and no more than the stock available.
 * - Every change locks the cart row first, so concurrent changes to one cart apply one after the
 *   other, each to the cart the previous one left; a refused change rolls back whole.
 * - Every change records `last_activity_at` (and reactivates an `ABANDONED` cart); a `CONVERTED`
 *   cart no longer changes.
 *
 * For checkout, `snapshot` and `convert` run inside the caller's transaction (as a savepoint), so
 * creating an order and converting its cart commit or roll back together.
 */
import { Database, type Tenant } from "@shopvo/kernel"
import { Conversion, Currency, type Money, type Cart as PricingCart, Totals } from "@shopvo/pricing"
import { Data, Effect, Either, Option } from "effect"
import {
  AmountOutOfRange,
  CartConverted,
  CartEmpty,
  CartNotFound,
  CurrencyNotSupported,
  InsufficientStock,
  LineNotFound,
  ProductNotFound,
  ProductUnavailable,
  QuantityLimitExceeded,
  VariantNotFound
} from "./Errors.js"
import { Currencies, type RateRecord } from "../Currencies/Service.js"
import { Customers } from "../Customers/Service.js"
import { Prices } from "./Prices.js"
import { type CartLine, type CartRecord, CartRepo, type LinePrices, type LineSelector } from "./Repo.js"

export type { CartLine, CartRecord, LineSelector } from "./Repo.js"

/** The most units one line holds (the spec's bound on `quantity`). */
export const maxQuantity = 9999

/** A line with its unit price and `unitPrice × quantity`, as `@shopvo/pricing` computed them. */
export interface PricedLine extends CartLine {
  readonly unitPrice: Money.Money
  readonly total: Money.Money
}

export interface PricedCart {
  readonly cart: CartRecord
  readonly lines: ReadonlyArray<PricedLine>
  /** The input of the totals: checkout adds its discounts, shipping, tax and reductions to it. */
  readonly pricing: PricingCart.Cart
  readonly totals: Totals.Totals
}

export interface NewCart {
  readonly sessionId?: string | undefined
  readonly customerId?: string | undefined
  readonly email?: string | undefined
  /** Defaults to the site's currency. */
  readonly currency?: string | undefined
}

export interface AddItem {
  readonly productId: string
  /** The product's default variant when omitted (for a product with variants). */
  readonly variantId?: string | undefined
  readonly quantity: number
}

/** A line as the API names it: by line id, else variant, else product (a line without a variant). */
export interface LineReference {
  readonly lineId?: string | undefined
  readonly variantId?: string | undefined
  readonly productId?: string | undefined
}

const selectorOf = (reference: LineReference): Option.Option<LineSelector> =>
  reference.lineId !== undefined
    ? Option.some({ _tag: "Line", lineId: reference.lineId })
    : reference.variantId !== undefined
      ? Option.some({ _tag: "Variant", variantId: reference.variantId })
      : reference.productId !== undefined
        ? Option.some({ _tag: "Product", productId: reference.productId })
        : Option.none()

const describe = (reference: LineReference) =>
  reference.lineId ?? reference.variantId ?? reference.productId ?? "an unnamed item"

/** A product priced in a currency `@shopvo/pricing` does not know: it converts into no other. */
class UnknownCurrency extends Data.TaggedError("UnknownCurrency")<{ readonly currency: string }> {}

/**
 * The one place an item's catalogue prices are read in a cart's currency: the price set in that
 * currency, else the catalogue price converted at the rate in effect (`Conversion.priceIn`, exact,
 * rounded half-even). A variant without a price of its own keeps the product's. Fails when the
 * item cannot be priced in `currency` (no price set there and no rate).
 */
const inCurrency = (
  currency: Currency.Code,
  item: LinePrices & { readonly productPrice: number; readonly variantPrice: number | null },
  rates: ReadonlyMap<string, RateRecord>
): Either.Either<
  { readonly productPrice: number; readonly variantPrice: number | null },
  UnknownCurrency | Conversion.MissingRate | Money.InvalidRate | Money.AmountOutOfRange
> => {
  const base = item.productCurrency
  if (!Currency.isCode(base)) return Either.left(new UnknownCurrency({ currency: base }))
  const rate = rates.get(base)?.rate
  const productPrice = Conversion.priceIn({
    explicit: item.productPriceInCurrency,
    base: { amount: item.productPrice, currency: base },
    to: currency,
    rate
  })
  const variantPrice =
    item.variantPriceInCurrency === null && item.variantPrice === null
      ? Either.right(null)
      : Either.map(
          Conversion.priceIn({
            explicit: item.variantPriceInCurrency,
            base: { amount: item.variantPrice ?? item.productPrice, currency: base },
            to: currency,
            rate
          }),
          (money) => money.amount
        )
  return Either.all({ productPrice: Either.map(productPrice, (money) => money.amount), variantPrice })
}

/** Totals the cart; only a total beyond the safe range can fail (lines are in its currency, prices ≥ 0). */
const price = (
  pricing: PricingCart.Cart,
  cart: CartRecord,
  lines: ReadonlyArray<CartLine>
): Effect.Effect<PricedCart, AmountOutOfRange> =>
  Totals.compute(pricing).pipe(
    Effect.catchAll((error) =>
      error._tag === "AmountOutOfRange"
        ? Effect.fail(new AmountOutOfRange({ detail: error.message }))
        : Effect.die(error)
    ),
    Effect.map((totals) => ({
      cart,
      pricing,
      totals,
      lines: lines.map((line, i) => ({
        ...line,
        unitPrice: totals.lines[i]!.unitPrice,
        total: totals.lines[i]!.subtotal
      }))
    }))
  )

export class Cart extends Effect.Service<Cart>()("@shopvo/api/Cart", {
  accessors: true,
  dependencies: [CartRepo.Default, Customers.Default, Currencies.Default, Prices.Default],
  effect: Effect.gen(function* () {
    const repo = yield* CartRepo
    const customers = yield* Customers
    const currencies = yield* Currencies
    const prices = yield* Prices

    /** The rates in effect into the cart's currency from its products' currencies. */
    const ratesFor = (tenant: Tenant, cart: CartRecord, items: ReadonlyArray<LinePrices>) =>
      currencies.ratesInto(
        tenant,
        items.map((item) => item.productCurrency),
        cart.currency
      )

    /** The lines with their prices in the cart's currency; a line that cannot be priced in it is left out. */
    const linesInCurrency = (tenant: Tenant, cart: CartRecord, lines: ReadonlyArray<CartLine>) =>
      Effect.map(ratesFor(tenant, cart, lines), (rates) =>
        lines.flatMap((line) =>
          Either.match(inCurrency(cart.currency, line, rates), {
            onLeft: () => [],
            onRight: (prices) => [{ ...line, ...prices }]
          })
        )
      )

    /** Every line in the cart's currency, then `Prices.forCart` (a B2B contact's price list), then the totals. */
    const priceLines = (tenant: Tenant, cart: CartRecord, lines: ReadonlyArray<CartLine>) =>
      Effect.flatMap(linesInCurrency(tenant, cart, lines), (inCart) =>
        Effect.flatMap(prices.forCart(tenant, cart, inCart), (pricing) => price(pricing, cart, inCart))
      )

    const priced = (tenant: Tenant, cart: CartRecord) =>
      Effect.flatMap(repo.lines(tenant, cart.id), (lines) => priceLines(tenant, cart, lines))

    const found = <A, E, R>(cartId: string, effect: Effect.Effect<Option.Option<A>, E, R>) =>
      Effect.flatMap(
        effect,
        Option.match({ onNone: () => Effect.fail(new CartNotFound({ cartId })), onSome: Effect.succeed })
      )

    /** The cart locked for the rest of the transaction, refused when already converted. */
    const lockOpen = (tenant: Tenant, cartId: string) =>
      Effect.flatMap(found(cartId, repo.lock(tenant, cartId)), (cart) =>
        cart.status === "CONVERTED" ? Effect.fail(new CartConverted({ cartId })) : Effect.succeed(cart)
      )

    /** Applies one change to the locked cart, records the activity, and returns the cart priced. */
    const change = <E, R>(tenant: Tenant, cartId: string, apply: (cart: CartRecord) => Effect.Effect<void, E, R>) =>
      Database.transaction(
        Effect.gen(function* () {
          yield* apply(yield* lockOpen(tenant, cartId))
          return yield* priced(tenant, yield* repo.touch(tenant, cartId))
        })
      )

    /** What a line of `productId` (and `variantId`, else the default variant) is: its id and stock. */
    const findItem = (tenant: Tenant, productId: string, variantId: string | undefined) =>
      Effect.gen(function* () {
        const product = yield* Effect.flatMap(
          repo.findProduct(tenant, productId),
          Option.match({ onNone: () => Effect.fail(new ProductNotFound({ productId })), onSome: Effect.succeed })
        )
        if (product.status !== "ACTIVE") return yield* new ProductUnavailable({ productId, status: product.status })
        if (!product.hasVariants) {
          if (variantId !== undefined) return yield* new VariantNotFound({ productId, variantId })
          return { productId, variantId: null, item: product.sku ?? product.name, stock: product.stock }
        }
        const variant = yield* Effect.flatMap(
          repo.findVariant(tenant, productId, variantId),
          Option.match({
            onNone: () => Effect.fail(new VariantNotFound({ productId, variantId })),
            onSome: Effect.succeed
          })
        )
        return { productId, variantId: variant.id, item: variant.sku ?? variant.name, stock: variant.stock }
      })

    /** `findItem`, refused unless the item can be priced in the cart's currency, as the cart will price it. */
    const resolve = (tenant: Tenant, cart: CartRecord, productId: string, variantId: string | undefined) =>
      Effect.gen(function* () {
        const target = yield* findItem(tenant, productId, variantId)
        const prices = yield* Effect.flatMap(
          repo.linePrices(tenant, productId, target.variantId, cart.currency),
          Option.match({ onNone: () => Effect.fail(new ProductNotFound({ productId })), onSome: Effect.succeed })
        )
        const rates = yield* ratesFor(tenant, cart, [prices])
        if (Either.isLeft(inCurrency(cart.currency, prices, rates))) {
          return yield* new CurrencyNotSupported({
            currency: prices.productCurrency,
            productId,
            cartCurrency: cart.currency
          })
        }
        return target
      })

    const checkQuantity = (target: { readonly item: string; readonly stock: number }, quantity: number) =>
      quantity > maxQuantity
        ? Effect.fail(new QuantityLimitExceeded({ item: target.item, quantity, max: maxQuantity }))
        : quantity > target.stock
          ? Effect.fail(new InsufficientStock({ item: target.item, available: target.stock, requested: quantity }))
          : Effect.void

    const findLine = (tenant: Tenant, cartId: string, reference: LineReference) =>
      Effect.flatMap(
        Option.match(selectorOf(reference), {
          onNone: () => Effect.succeedNone,
          onSome: (selector) => repo.findLine(tenant, cartId, selector)
        }),
        Option.match({
          onNone: () => Effect.fail(new LineNotFound({ cartId, line: describe(reference) })),
          onSome: Effect.succeed
        })
      )

    return {
      /** Creates an empty `ACTIVE` cart in one of the currencies the site sells in (its base one by default), for a known customer if any. */
      create: (tenant: Tenant, input: NewCart) =>
        Effect.gen(function* () {
          const settings = yield* currencies.get(tenant)
          const currency = input.currency ?? settings.baseCurrency
          if (!settings.currencies.some((code) => code === currency)) {
            return yield* new CurrencyNotSupported({ currency })
          }
          if (input.customerId !== undefined) yield* customers.get(tenant, input.customerId)
          const cart = yield* repo.insert(tenant, {
            sessionId: input.sessionId ?? null,
            customerId: input.customerId ?? null,
            email: input.email ?? null,
            currency
          })
          return yield* priceLines(tenant, cart, [])
        }),

      get: (tenant: Tenant, cartId: string) =>
        Effect.flatMap(found(cartId, repo.find(tenant, cartId)), (cart) => priced(tenant, cart)),

      /** Adds `quantity` of an item; a line the cart already has for it grows instead. */
      add: (tenant: Tenant, cartId: string, item: AddItem) =>
        change(tenant, cartId, (cart) =>
          Effect.gen(function* () {
            const target = yield* resolve(tenant, cart, item.productId, item.variantId)
            const existing = yield* repo.findLine(
              tenant,
              cartId,
              target.variantId === null
                ? { _tag: "Product", productId: target.productId }
                : { _tag: "Variant", variantId: target.variantId }
            )
            const quantity =
              item.quantity + Option.match(existing, { onNone: () => 0, onSome: (line) => line.quantity })
            yield* checkQuantity(target, quantity)
            yield* Option.match(existing, {
              onNone: () =>
                repo.insertLine(tenant, {
                  cartId,
                  productId: target.productId,
                  variantId: target.variantId,
                  quantity
                }),
              onSome: (line) => repo.setQuantity(tenant, line.id, quantity)
            })
          })
        ),

      /** Sets a line's quantity; 0 removes it. */
      setQuantity: (tenant: Tenant, cartId: string, reference: LineReference, quantity: number) =>
        change(tenant, cartId, (cart) =>
          Effect.gen(function* () {
            const line = yield* findLine(tenant, cartId, reference)
            if (quantity === 0) return yield* repo.deleteLine(tenant, line.id)
            const target = yield* resolve(tenant, cart, line.productId, line.variantId ?? undefined)
            yield* checkQuantity(target, quantity)
            yield* repo.setQuantity(tenant, line.id, quantity)
          })
        ),

      remove: (tenant: Tenant, cartId: string, reference: LineReference) =>
        change(tenant, cartId, () =>
          Effect.flatMap(findLine(tenant, cartId, reference), (line) => repo.deleteLine(tenant, line.id))
        ),

      /** Deletes the cart and its lines, whatever its status (orders placed from it keep their own copy). */
      delete: (tenant: Tenant, cartId: string) => Effect.asVoid(found(cartId, repo.delete(tenant, cartId))),

      /**
       * For checkout, inside its transaction: the cart priced, locked until that transaction ends
       * so no line changes under it. Refused when the cart is missing, converted, empty, or holds a
       * product that is no longer `ACTIVE` (named in the error).
       */
      snapshot: (tenant: Tenant, cartId: string) =>
        Database.transaction(
          Effect.gen(function* () {
            const cart = yield* lockOpen(tenant, cartId)
            const lines = yield* repo.lines(tenant, cartId)
            if (lines.length === 0) return yield* new CartEmpty({ cartId })
            const inactive = lines.find((line) => line.productStatus !== "ACTIVE")
            if (inactive !== undefined) {
              return yield* new ProductUnavailable({ productId: inactive.productId, status: inactive.productStatus })
            }
            return yield* priceLines(tenant, cart, lines)
          })
        ),

      /**
       * For checkout, inside its transaction: marks the cart `CONVERTED` into order `orderId`
       * (which no later change may alter); refused when the cart is missing or already converted.
       */
      convert: (tenant: Tenant, cartId: string, orderId: string) =>
        Database.transaction(Effect.flatMap(lockOpen(tenant, cartId), () => repo.convert(tenant, cartId, orderId)))
    }
  })
}) {}
