/**
 * The demo store: created on the first start of a new database so that `pnpm start` serves
 * something real, and by `shopvo seed --demo`. Its catalogue arrives with the catalogue routes.
 */
import { Effect } from "effect"
import * as Keys from "./Keys/Repo.js"
import * as Sites from "./Sites/Repo.js"

export interface Demo {
  readonly siteId: string
  readonly key: string
}

export const seed = Effect.gen(function* () {
  const site = yield* Sites.create({
    name: "Shopvo Demo Store",
    currency: "EUR",
    locale: "en",
    plan: "growth",
    primaryDomain: "demo.shopvo.localhost",
    theme: { "--color-primary": "#6366f1", "--color-accent": "#f59e0b", "--font-body": "Inter, sans-serif" }
  })
  const key = yield* Keys.create({ siteId: site.id, scopes: ["admin:*"], mode: "test", signing: false })
  return { siteId: site.id, key: key.key } satisfies Demo
})
