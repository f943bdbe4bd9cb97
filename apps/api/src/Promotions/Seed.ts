/**
 * The demo store's promotions: `WELCOME10` (10% off, once per customer), free shipping from
 * €50, €5 off from €25 for the first 100 orders, and a summer code that has expired. Written
 * through the `Promotions` service with fixed dates, and idempotent: a code that exists is left
 * as it is.
 */
import type { Tenant } from "@shopvo/kernel"
import { DateTime, Effect } from "effect"
import { type PromotionFields, Promotions } from "./Service.js"

const demoPromotions: ReadonlyArray<PromotionFields> = [
  { code: "WELCOME10", type: "PERCENTAGE", value: 10, perCustomerLimit: 1 },
  { code: "FREESHIP50", type: "FREE_SHIPPING", minOrderAmount: 5000 },
  { code: "SAVE5", type: "FIXED_AMOUNT", value: 500, minOrderAmount: 2500, maxUses: 100 },
  {
    code: "SUMMER25",
    type: "PERCENTAGE",
    value: 25,
    startsAt: DateTime.unsafeMake("2025-06-01T00:00:00Z"),
    expiresAt: DateTime.unsafeMake("2025-09-01T00:00:00Z")
  }
]

/** Creates the demo promotions for `tenant` (public `promotions.validate` reads live mode). */
export const seedDemoPromotions = (tenant: Tenant) =>
  Effect.forEach(
    demoPromotions,
    (fields) =>
      Promotions.create(tenant, fields).pipe(
        Effect.asVoid,
        Effect.catchTags({
          PromotionCodeTaken: () => Effect.void,
          // Fixed data the package refuses, or naming no product, is a bug here.
          InvalidPromotion: Effect.die,
          PromotionProductNotFound: Effect.die
        })
      ),
    { discard: true }
  )
