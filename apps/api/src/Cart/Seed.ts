/**
 * The demo store's cart: a cart (a guest's unless `owner` says otherwise) holding one unit of the
 * first `lines` given products whose default variant is in stock, made through the cart service
 * like any storefront's, so its prices are the catalogue's. Deterministic for the same products
 * and stock.
 */
import type { Tenant } from "@shopvo/kernel"
import { Effect } from "effect"
import { Cart, type NewCart } from "./Service.js"

export const seedDemoCart = (
  tenant: Tenant,
  productIds: ReadonlyArray<string>,
  lines = productIds.length,
  owner: NewCart = { sessionId: "sess_demo" }
) =>
  Effect.gen(function* () {
    const cart = yield* Cart.create(tenant, owner)
    let added = 0
    for (const productId of productIds) {
      if (added === lines) break
      const line = yield* Cart.add(tenant, cart.cart.id, { productId, quantity: 1 }).pipe(
        Effect.as(true),
        Effect.catchTag("InsufficientStock", () => Effect.succeed(false))
      )
      if (line) added++
    }
    return yield* Cart.get(tenant, cart.cart.id)
  })
