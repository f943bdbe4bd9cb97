/**
 * The demo store: created on the first start of a new database so that `pnpm start` serves a
 * believable shop, and by `shopvo seed --demo`. Its catalogue (categories, brands, 230 products
 * with variants and stock), reviews and content go through the same repositories the API uses.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { seedDemoContent } from "./Content/Seed.js"
import * as Keys from "./Keys/Repo.js"
import { seedDemoCatalog } from "./Products/Seed.js"
import { seedDemoReviews } from "./Reviews/Seed.js"
import * as Sites from "./Sites/Repo.js"

export interface Demo {
  readonly siteId: string
  readonly key: string
}

/** One transaction: a failed seed leaves no half-made store behind. */
export const seed = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  return yield* sql.withTransaction(build)
})

const build = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const site = yield* Sites.create({
    name: "Shopvo Demo Store",
    currency: "EUR",
    locale: "en",
    plan: "growth",
    primaryDomain: "demo.shopvo.localhost",
    theme: { "--color-primary": "#6366f1", "--color-accent": "#f59e0b", "--font-body": "Inter, sans-serif" }
  })
  // The demo key is a test key, so the demo data lives in test mode.
  const tenant = { siteId: site.id, livemode: false }
  yield* seedDemoCatalog(tenant)
  // The demo store publishes reviews as they come (the default is moderation first).
  yield* sql`update sites set review_auto_approve = true where id = ${site.id}`
  yield* seedDemoReviews(tenant)
  const categories = yield* sql<{ name: string; slug: string }>`
    select name, slug from categories
    where site_id = ${site.id} and livemode = false and parent_id is null
    order by position, name`
  yield* seedDemoContent(tenant, { categories })
  const key = yield* Keys.create({ siteId: site.id, scopes: ["admin:*"], mode: "test", signing: false })
  return { siteId: site.id, key: key.key } satisfies Demo
})
