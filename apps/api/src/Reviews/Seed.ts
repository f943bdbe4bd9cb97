/**
 * Demo reviews: a few published reviews on the catalogue's first products, through the same
 * repository the API uses. Deterministic, like the catalogue seed.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { prng } from "../Products/Seed.js"
import * as Repo from "./Repo.js"

const reviewers = [
  "Jane Smith",
  "Omar Haddad",
  "Lena Müller",
  "Kenji Sato",
  "Priya Nair",
  "Lucas Martin",
  "Sofia Rossi",
  "Ada Okafor"
]
const praise = [
  ["Great quality!", "Wore this for a week and it still looks brand new."],
  ["Fits perfectly", "True to size and the fabric feels lovely."],
  ["Good value", "Does exactly what it says; shipping was quick too."],
  ["Would buy again", "Second one I have bought, as good as the first."],
  ["Nice, but runs small", "Lovely colour. I would order a size up next time."],
  ["Not for me", "The material was thinner than I expected."]
] as const

/** Publishes 0–4 reviews on each of the site's first `products` products (by creation order). */
export const seedDemoReviews = (
  tenant: Repo.Tenant,
  options: { readonly seed?: number; readonly products?: number } = {}
) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const random = prng(options.seed ?? 11)
    const products = yield* sql<{ id: string }>`
      select id from products where site_id = ${tenant.siteId} and livemode = ${tenant.livemode} and status = 'ACTIVE'
      order by created_at, id limit ${options.products ?? 80}`
    let count = 0
    for (const { id } of products) {
      for (let i = random.int(0, 4); i > 0; i--) {
        const index = random.chance(0.8) ? random.int(0, 3) : random.int(4, 5)
        const [title, content] = praise[index]!
        const name = random.pick(reviewers)
        const created = yield* Repo.create(tenant, id, {
          rating: [5, 5, 4, 5, 3, 2][index]!,
          title,
          content,
          reviewerName: name,
          reviewerEmail: `${name.toLowerCase().replace(/[^a-z]+/g, ".")}@example.com`
        })
        if (created._tag === "Some") count++
      }
    }
    return count
  })
