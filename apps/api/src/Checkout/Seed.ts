/**
 * The demo store's orders: a few demo customers each fill a cart and take it through checkout
 * (contact, shipping, a card payment with the test provider's `tok_visa`, review, complete) on the
 * same services the API uses, so the orders, the stock they took, the customers' totals and points
 * and the outbox events are what a storefront's checkout makes. One of them uses `WELCOME10`
 * (seed the promotions first).
 */
import type { Tenant } from "@shopvo/kernel"
import { Effect } from "effect"
import { seedDemoCart } from "../Cart/Seed.js"
import { Customers } from "../Customers/Service.js"
import { type Advance, Checkout } from "./Service.js"

interface DemoOrder {
  /** Which of the customers given. */
  readonly customer: number
  readonly lines: number
  readonly shippingOptionId: string
  readonly promotionCode?: string
}

const demoOrders: ReadonlyArray<DemoOrder> = [
  { customer: 0, lines: 3, shippingOptionId: "ship_standard", promotionCode: "WELCOME10" },
  { customer: 1, lines: 2, shippingOptionId: "ship_express" },
  { customer: 2, lines: 1, shippingOptionId: "ship_standard" }
]

/**
 * Places the demo orders for the first customers of `customerIds` (who need a default address),
 * each over its own stretch of `productIds` (out-of-stock ones are skipped). Returns the order ids.
 */
export const seedDemoOrders = (tenant: Tenant, customerIds: ReadonlyArray<string>, productIds: ReadonlyArray<string>) =>
  Effect.forEach(demoOrders, (demo, i) =>
    Effect.gen(function* () {
      const customer = yield* Customers.get(tenant, customerIds[demo.customer]!)
      // Past the demo guest cart's products, a different stretch for each order.
      const cart = yield* seedDemoCart(tenant, productIds.slice(5 * (i + 1)), demo.lines, {
        customerId: customer.id
      })
      const started = yield* Checkout.fromCart(tenant, cart.cart.id)
      const advance = (move: Omit<Advance, "sessionId">) =>
        Checkout.advance(tenant, { sessionId: started.session.id, ...move })
      yield* advance({ state: "contact" })
      yield* advance({ state: "shipping", email: customer.email })
      yield* advance({
        state: "payment",
        ...(customer.defaultAddress === null ? {} : { shippingAddress: customer.defaultAddress }),
        shippingOptionId: demo.shippingOptionId,
        ...(demo.promotionCode === undefined ? {} : { promotionCode: demo.promotionCode })
      })
      yield* advance({ state: "review", payment: { method: "card", token: "tok_visa" } })
      const done = yield* advance({ state: "complete" })
      if (done.session.orderId === null) return yield* Effect.dieMessage("a completed checkout without an order")
      return done.session.orderId
    })
  ).pipe(
    // The demo data is valid by construction: every refusal but an outage is a bug.
    Effect.catchIf((error) => error._tag !== "DatabaseUnavailable", Effect.die)
  )
