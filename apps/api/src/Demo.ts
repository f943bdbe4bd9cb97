/**
 * The demo store: created on the first start of a new database so that `pnpm start` serves a
 * believable shop, and by `shopvo seed --demo`. Its catalogue (categories, brands, 230 products
 * with variants and stock), reviews, content, customers, promotions (`WELCOME10`), gift cards, a
 * guest cart and a few customers' orders (placed through checkout) go through the same services
 * the API uses.
 */
import { Database } from "@shopvo/kernel"
import { Effect } from "effect"
import { Categories } from "./Categories/Service.js"
import { seedDemoCart } from "./Cart/Seed.js"
import { seedDemoOrders } from "./Checkout/Seed.js"
import { seedDemoContent } from "./Content/Seed.js"
import { seedDemoCustomers } from "./Customers/Seed.js"
import { seedDemoBalances } from "./GiftCards/Seed.js"
import { Keys } from "./Keys/Service.js"
import { Products } from "./Products/Service.js"
import { seedDemoCatalog } from "./Products/Seed.js"
import { seedDemoPromotions } from "./Promotions/Seed.js"
import { seedDemoReviews } from "./Reviews/Seed.js"
import { Sites } from "./Sites/Service.js"

export interface Demo {
  readonly siteId: string
  readonly key: string
}

const build = Effect.gen(function* () {
  const site = yield* Sites.create({
    name: "Shopvo Demo Store",
    currency: "EUR",
    locale: "en",
    plan: "growth",
    primaryDomain: "demo.shopvo.localhost",
    theme: { "--color-primary": "#6366f1", "--color-accent": "#f59e0b", "--font-body": "Inter, sans-serif" },
    // The demo store publishes reviews as they come (the default is moderation first).
    reviewAutoApprove: true
  })
  // The demo key is a test key, so the demo data lives in test mode.
  const tenant = { siteId: site.id, livemode: false }
  yield* seedDemoCatalog(tenant)
  yield* seedDemoReviews(tenant)
  yield* seedDemoContent(tenant, { categories: yield* Categories.topLevel(tenant) })
  const customers = yield* seedDemoCustomers(tenant)
  // WELCOME10 and friends; the public `validate` reads live promotions, so they exist in both modes.
  yield* seedDemoPromotions(tenant)
  yield* seedDemoPromotions({ siteId: site.id, livemode: true })
  yield* seedDemoBalances(tenant)
  const { products } = yield* Products.list(
    tenant,
    { status: "ACTIVE" },
    { _tag: "Offset", limit: 20, offset: 0 },
    new Set()
  )
  const productIds = products.map((product) => product.id)
  yield* seedDemoCart(tenant, productIds, 3)
  yield* seedDemoOrders(tenant, customers.customerIds, productIds)
  const key = yield* Keys.create({ siteId: site.id, scopes: ["admin:*"], mode: "test", signing: false })
  return { siteId: site.id, key: key.key } satisfies Demo
})

/**
 * One transaction: a failed seed leaves no half-made store behind. The seed's own data cannot
 * break a rule (its plan, slugs and scopes are fixed), so a domain error here is a bug.
 */
export const seed = Database.transaction(build).pipe(
  Effect.catchTags({ UnknownPlan: Effect.die, UnknownScopes: Effect.die, SiteNotFound: Effect.die })
)
