/**
 * Fuzzing from the spec: for every operation, inputs generated from its own parameter and body
 * schemas (valid ones, and each class of hostile one) are sent to a real server whose store has a
 * product, variants, categories, brands, reviews, pages, menus, a webhook and a metafield, so path
 * ids can name real rows. No input may get a 5xx (an operation without a handler answers 501, and
 * only that), and every answer must match the spec for its status.
 *
 * Deterministic: a fixed seed, and the requests go one after another in a fixed order.
 */
import { Spec } from "@shopvo/contract"
import { SqlClient } from "@effect/sql"
import { Effect, FastCheck as fc } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { seedDemoContent } from "../src/Content/Seed.js"
import { seedDemoCatalog } from "../src/Products/Seed.js"
import { seedDemoReviews } from "../src/Reviews/Seed.js"
import * as A from "./support/Arbitraries.js"
import { describeOutcome, implemented, inputsOf, type Outcome, order, problemOf } from "./support/Fuzzing.js"
import { bodyOf, start, type TestApi } from "./support/TestApi.js"

const seed = 20_260_101
/** Inputs per operation and category: built operations get more, the 501 ones only need to stay 4xx/501. */
const samples = { implemented: 3, notImplemented: 1 }

describe("Fuzz", () => {
  let api: TestApi
  let keys: ReadonlyArray<string>
  let pools: A.Pools

  beforeAll(async () => {
    api = await start()
    const siteId = (await api.createSite({ plan: "enterprise" })).id
    // Several keys, taken in turn: the rate limits count per key.
    keys = await Promise.all([1, 2, 3].map(async () => (await api.createKey(siteId)).key))
    const tenant = { siteId, livemode: false }
    const rows = await api.run(
      Effect.gen(function* () {
        yield* seedDemoCatalog(tenant, { seed: 7, products: 3 })
        yield* seedDemoReviews(tenant, { products: 3 })
        yield* seedDemoContent(tenant)
        const sql = yield* SqlClient.SqlClient
        const scope = sql`site_id = ${siteId} and livemode = false`
        return {
          products: yield* sql<{ id: string }>`select id from products where ${scope} order by created_at, id`,
          variants: yield* sql<{ id: string; productId: string }>`
            select id, product_id as "productId" from variants where ${scope} order by id`,
          categories: yield* sql<{ id: string }>`select id from categories where ${scope}`,
          brands: yield* sql<{ id: string }>`select id from brands where ${scope}`
        }
      })
    )
    const product = rows.products[0]!
    const base = `/api/v1/${siteId}`
    const webhook = await api.request("POST", `${base}/webhooks`, {
      key: keys[0]!,
      body: { url: "https://hooks.example.com/shopvo", events: ["product.created"] }
    })
    const metafield = await api.request("POST", `${base}/product/${product.id}/metafields`, {
      key: keys[0]!,
      body: { namespace: "custom", key: "material", value: "cotton" }
    })
    expect([webhook.status, metafield.status]).toEqual([201, 201])
    const categoryIds = rows.categories.map((c) => c.id)
    pools = {
      siteId: [siteId],
      productId: [product.id],
      variantId: rows.variants.filter((v) => v.productId === product.id).map((v) => v.id),
      resourceType: ["product"],
      resourceId: [product.id],
      metafieldId: [bodyOf(metafield, "metafields.create").data.id],
      webhookId: [bodyOf(webhook, "webhooks.create").data.id],
      categoryId: categoryIds,
      parentId: categoryIds,
      categoryIds,
      brandId: rows.brands.map((b) => b.id),
      cursor: rows.products.map((p) => p.id),
      handle: ["main", "footer"],
      fields: ["id,name,price,slug", "name,description,status"]
    }
  })
  afterAll(() => api.close())

  it("answers every generated input with a 4xx or a success the spec describes, never a 5xx", async () => {
    const started = Date.now()
    const operations = [...Spec.operations].sort((a, b) => order(a) - order(b))
    const outcomes: Array<Outcome> = []
    for (const [index, operation] of operations.entries()) {
      const numRuns = implemented.has(operation.id) ? samples.implemented : samples.notImplemented
      for (const arbitrary of inputsOf(operation, pools)) {
        for (const input of fc.sample(arbitrary, { seed: seed + index, numRuns })) {
          const body = input.body === undefined ? undefined : A.encodeJson(input.body)
          try {
            const response = await fetch(`${api.baseUrl}${input.url}`, {
              method: operation.method.toUpperCase(),
              headers: {
                authorization: `Bearer ${keys[outcomes.length % keys.length]}`,
                ...(body === undefined ? {} : { "content-type": "application/json" })
              },
              signal: AbortSignal.timeout(15_000),
              ...(body === undefined ? {} : { body })
            })
            const text = await response.text()
            outcomes.push({
              operation,
              input,
              status: response.status,
              problem: problemOf(operation, input.url, response.status, text)
            })
          } catch (error) {
            outcomes.push({ operation, input, status: "no answer", problem: String(error) })
          }
        }
      }
    }

    const statuses: Record<string, number> = {}
    for (const { status } of outcomes) statuses[status] = (statuses[status] ?? 0) + 1
    const failures = outcomes.filter((o) => o.problem !== undefined)
    console.log(
      `fuzz: ${outcomes.length} requests to ${operations.length} operations (${implemented.size} built) in ${Date.now() - started} ms; ` +
        `statuses ${JSON.stringify(statuses)}; ${failures.length} failed`
    )
    if (failures.length > 0)
      expect.fail(
        `${failures.length} of ${outcomes.length} requests failed:\n${failures.map(describeOutcome).join("\n")}`
      )
  }, 180_000)
})
