/**
 * The demo store's gift cards, one in each status a person exploring the API should see: two
 * `ACTIVE` (one untouched, one partly spent), one `REDEEMED` and one `VOID`. Their codes are fixed
 * so the README can use them, and everything goes through the `GiftCards` service. Idempotent: a
 * card whose code exists is left as it is, so seeding twice changes nothing.
 */
import type { Tenant } from "@shopvo/kernel"
import { DateTime, Effect, Option } from "effect"
import { GiftCards } from "./Service.js"

interface DemoCard {
  readonly code: string
  readonly initialBalance: number
  readonly note: string
  /** Spent right after issue. */
  readonly redeemed?: number
  readonly voided?: boolean
}

export const demoGiftCards: ReadonlyArray<DemoCard> = [
  { code: "GIFT-HAPP-Y2YR", initialBalance: 5000, note: "Demo: an untouched €50 card" },
  { code: "GIFT-BDAY-2525", initialBalance: 2500, note: "Demo: a birthday card, partly spent", redeemed: 1000 },
  { code: "GIFT-THNX-7777", initialBalance: 1000, note: "Demo: used up", redeemed: 1000 },
  { code: "GIFT-VXYZ-3333", initialBalance: 2000, note: "Demo: voided after a chargeback", voided: true }
]

export interface SeedOptions {
  /** The seed's "now": the active cards expire a year after it. */
  readonly now?: Date
}

/** Issues the demo cards on the tenant (in the site's currency) and returns their ids. */
export const seedDemoBalances = (tenant: Tenant, options: SeedOptions = {}) =>
  Effect.gen(function* () {
    const now = options.now === undefined ? yield* DateTime.now : DateTime.unsafeFromDate(options.now)
    const expiresAt = DateTime.add(now, { days: 365 })
    const ids: Array<string> = []
    for (const demo of demoGiftCards) {
      const issued = yield* GiftCards.issue(tenant, {
        code: demo.code,
        initialBalance: demo.initialBalance,
        note: demo.note,
        expiresAt
      }).pipe(
        Effect.map(Option.some),
        Effect.catchTag("GiftCardCodeTaken", () => Effect.succeed(Option.none()))
      )
      if (Option.isNone(issued)) continue
      const id = issued.value.card.id
      ids.push(id)
      if (demo.redeemed !== undefined) yield* GiftCards.redeem(tenant, { id }, demo.redeemed)
      if (demo.voided === true) yield* GiftCards.update(tenant, id, { void: true })
    }
    return ids
  }).pipe(
    // The demo data is valid by construction: every refusal but an outage is a bug.
    Effect.catchIf((error) => error._tag !== "DatabaseUnavailable", Effect.die)
  )
