/**
 * The demo store's cart: a guest cart holding one unit of each given product (its default
 * variant), made through the cart service like any storefront's, so its prices are the
 * catalogue's. Deterministic for the same products.
 */
import type { Tenant } from "@shopvo/kernel"
import { Effect } from "effect"
import { Cart } from "./Service.js"

export const seedDemoCart = (tenant: Tenant, productIds: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const cart = yield* Cart.create(tenant, { sessionId: "sess_demo" })
    yield* Effect.forEach(productIds, (productId) => Cart.add(tenant, cart.cart.id, { productId, quantity: 1 }), {
      discard: true
    })
    return yield* Cart.get(tenant, cart.cart.id)
  })
