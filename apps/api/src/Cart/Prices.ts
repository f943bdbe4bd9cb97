/**
 * The one place a cart's prices are looked up. `forCart` builds the input of `@shopvo/pricing`'s
 * `Totals.compute`: each line's catalogue prices (the variant's, else the product's) and, for the
 * cart of a B2B contact, the account's price list, which `PriceList.unitPrice` applies per line
 * (a fixed price for the cart's currency, else a percentage off the catalogue price).
 */
import type { Tenant } from "@shopvo/kernel"
import { Ids, type Money, type Cart as PricingCart, Rate } from "@shopvo/pricing"
import { Effect } from "effect"
import { B2B } from "../B2B/Service.js"
import type { CartLine, CartRecord } from "./Repo.js"

/** Amounts of a cart are before shipping and tax: every line is priced at a zero rate. */
const catalogue = (cart: CartRecord, lines: ReadonlyArray<CartLine>): PricingCart.Cart => {
  const money = (amount: number): Money.Money => ({ amount, currency: cart.currency })
  return {
    currency: cart.currency,
    taxMode: "EXCLUSIVE",
    lines: lines.map((line) => ({
      id: Ids.LineId.make(line.id),
      productId: Ids.ProductId.make(line.productId),
      variantId: line.variantId === null ? null : Ids.VariantId.make(line.variantId),
      quantity: line.quantity,
      productPrice: money(line.productPrice),
      variantPrice: line.variantPrice === null ? null : money(line.variantPrice),
      taxRate: Rate.zero
    }))
  }
}

export class Prices extends Effect.Service<Prices>()("@shopvo/api/Prices", {
  accessors: true,
  dependencies: [B2B.Default],
  effect: Effect.gen(function* () {
    const b2b = yield* B2B
    return {
      /** The pricing input of the cart's lines, with the customer's B2B price list when there is one. */
      forCart: (tenant: Tenant, cart: CartRecord, lines: ReadonlyArray<CartLine>) =>
        Effect.map(b2b.priceListFor(tenant, cart.customerId), (priceList) => ({
          ...catalogue(cart, lines),
          ...(priceList === undefined ? {} : { priceList })
        }))
    }
  })
}) {}
