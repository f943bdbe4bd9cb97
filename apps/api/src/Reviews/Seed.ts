/**
 * Demo reviews: a few published reviews on the catalogue's first products, through the same
 * service the API uses. Deterministic, like the catalogue seed.
 */
import type { Tenant } from "@shopvo/kernel"
import { Effect } from "effect"
import { prng } from "../Products/Seed.js"
import { Reviews } from "./Service.js"

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
export const seedDemoReviews = (tenant: Tenant, options: { readonly seed?: number; readonly products?: number } = {}) =>
  Effect.gen(function* () {
    const random = prng(options.seed ?? 11)
    const products = yield* Reviews.activeProducts(tenant, options.products ?? 80)
    let count = 0
    for (const id of products) {
      for (let i = random.int(0, 4); i > 0; i--) {
        const index = random.chance(0.8) ? random.int(0, 3) : random.int(4, 5)
        const [title, content] = praise[index]!
        const name = random.pick(reviewers)
        yield* Reviews.create(tenant, id, {
          rating: [5, 5, 4, 5, 3, 2][index]!,
          title,
          content,
          reviewerName: name,
          reviewerEmail: `${name.toLowerCase().replace(/[^a-z]+/g, ".")}@example.com`
        }).pipe(Effect.catchTag("ProductNotFound", Effect.die)) // the product was just listed
        count++
      }
    }
    return count
  })
