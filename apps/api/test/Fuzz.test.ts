/**
 * Fuzzing from the spec: for every operation, inputs generated from its own parameter and body
 * schemas (valid ones, and each class of hostile one) are sent to a real server whose store has a
 * product, variants, categories, brands, reviews, pages, menus, a webhook and a metafield, so path
 * ids can name real rows. No input may get a 5xx (an operation without a handler answers 501, and
 * only that), and every answer must match the spec for its status.
 *
 * Deterministic: a fixed seed, and the requests go one after another in a fixed order.
 */
import { Spec, Validator } from "@shopvo/contract"
import { SqlClient } from "@effect/sql"
import { Effect, FastCheck as fc } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { seedDemoContent } from "../src/Content/Seed.js"
import { handlers } from "../src/Http.js"
import { seedDemoCatalog } from "../src/Products/Seed.js"
import { seedDemoReviews } from "../src/Reviews/Seed.js"
import * as A from "./support/Arbitraries.js"
import { bodyOf, checkContract, start, type TestApi } from "./support/TestApi.js"

const seed = 20_260_101
/** Inputs per operation and category: built operations get more, the 501 ones only need to stay 4xx/501. */
const samples = { implemented: 3, notImplemented: 1 }

interface Input {
  readonly category: string
  /** Path and query, already percent-encoded (or deliberately mis-encoded). */
  readonly url: string
  /** The JSON body, or undefined for none. */
  readonly body: unknown
}

interface Outcome {
  readonly operation: Spec.Operation
  readonly input: Input
  readonly status: number | "no answer"
  readonly problem: string | undefined
}

const implemented = new Set<string>(Object.keys(handlers))

// Deleting runs last, children before their parents, so the other operations still find the rows.
const order = (op: Spec.Operation) => (op.method === "delete" ? 100 - op.path.split("/").length : 0)

/** The inputs of one operation, one arbitrary per category of input. */
const inputsOf = (op: Spec.Operation, pools: A.Pools): ReadonlyArray<fc.Arbitrary<Input>> => {
  const pathParams = op.parameters.filter((p) => p.in === "path")
  const queryParams = op.parameters.filter((p) => p.in === "query")
  const validOf = (p: Spec.Parameter) => A.valid(p.schema ?? {}, pools, p.name)

  const validPath = fc.record(Object.fromEntries(pathParams.map((p) => [p.name, validOf(p).map(A.pathSegment)])))
  const validQuery = fc
    .tuple(
      ...queryParams.map((p) =>
        (p.required ? validOf(p) : fc.option(validOf(p), { nil: undefined, freq: 1 })).map((v) =>
          v === undefined ? [] : A.queryPairs(p.name, v)
        )
      )
    )
    .map((pairs) => pairs.flat())
  const schema = op.requestBody ? A.resolve(op.requestBody.schema) : undefined
  const validBody = schema ? A.valid(schema, pools) : fc.constant(undefined)

  const input = (
    category: string,
    path: fc.Arbitrary<Readonly<Record<string, string>>>,
    query: fc.Arbitrary<ReadonlyArray<string>>,
    body: fc.Arbitrary<unknown>
  ) =>
    fc.tuple(path, query, body).map(([values, q, b]) => ({
      category,
      url: `${op.path.replace(/\{([^}]+)\}/g, (_, name: string) => values[name]!)}${q.length ? `?${q.join("&")}` : ""}`,
      body: b
    }))

  const known = Object.values(pools).flat()
  const hostilePath = fc
    .constantFrom(...pathParams)
    .chain((p) => fc.tuple(validPath, A.hostileIds(known)).map(([values, id]) => ({ ...values, [p.name]: id })))

  const withoutParam = (query: ReadonlyArray<string>, name: string) => query.filter((q) => !q.startsWith(`${name}=`))
  const queryAttacks = [
    fc
      .tuple(
        validQuery,
        fc.constantFrom("colour=red", "__proto__=1", "%zz=1", "=1", "&&&", "limit", `a=${"x".repeat(10_000)}`)
      )
      .map(([q, unknown]) => [...q, unknown]),
    ...(queryParams.length === 0
      ? []
      : [
          fc
            .constantFrom(...queryParams)
            .chain((p) =>
              fc
                .tuple(validQuery, fc.constantFrom(...A.hostileQueryValues))
                .map(([q, v]) => [...withoutParam(q, p.name), `${p.name}=${v}`])
            ),
          fc
            .constantFrom(...queryParams)
            .chain((p) =>
              fc
                .tuple(validQuery, validOf(p), validOf(p))
                .map(([q, a, b]) => [
                  ...withoutParam(q, p.name),
                  ...A.queryPairs(p.name, a),
                  ...A.queryPairs(p.name, b)
                ])
            )
        ])
  ]
  const hostileQuery = fc.oneof(...queryAttacks)

  const categories = [
    input("valid", validPath, validQuery, validBody),
    ...(pathParams.length > 0 ? [input("path ids", hostilePath, validQuery, validBody)] : []),
    input("query", validPath, hostileQuery, validBody)
  ]
  if (!schema) return categories

  const fields = A.fieldsOf(schema)
  const objects = [
    { path: [], schema, required: true },
    ...fields.filter((f) => A.typesOf(f.schema).includes("object"))
  ]
  const bodyAttacks = {
    "wrong type": A.mutateField(validBody, fields, (f) => A.wrongTypes(f.schema)),
    "missing or extra field": fc.oneof(
      fc.constant({}),
      ...[
        A.mutateField(validBody, fields, (f) => (f.required ? [A.missing] : [])),
        A.mutateField(
          validBody,
          objects.flatMap((o) => ["unexpected", "__proto__"].map((name) => ({ ...o, path: [...o.path, name] }))),
          () => [1, { polluted: true }]
        )
      ].filter((a) => a !== undefined)
    ),
    strings: A.mutateField(validBody, fields, (f) => (A.typesOf(f.schema).includes("string") ? A.hostileStrings : [])),
    numbers: A.mutateField(validBody, fields, (f) =>
      A.typesOf(f.schema).some((t) => t === "integer" || t === "number") ? A.hostileNumbers : []
    ),
    "enum values": A.mutateField(validBody, fields, (f) =>
      A.resolve(f.schema).enum ? A.invalidEnumValues(f.schema) : []
    ),
    "deep nesting": A.mutateField(validBody, fields, () => A.deepValues),
    "whole body": fc.constantFrom(...A.hostileBodies)
  }
  return [
    ...categories,
    ...Object.entries(bodyAttacks).flatMap(([category, body]) =>
      body ? [input(category, validPath, validQuery, body)] : []
    )
  ]
}

const validator = new Validator()

/** What is wrong with an answer: a 5xx, a body that is not JSON, or one the spec does not describe. */
const problemOf = (op: Spec.Operation, url: string, status: number, text: string): string | undefined => {
  const notBuilt = !implemented.has(op.id)
  const problems: Array<string> = []
  if (status >= 500 && !(status === 501 && notBuilt)) problems.push(`server error ${status}`)
  let body: unknown
  try {
    body = text === "" ? undefined : JSON.parse(text)
  } catch {
    return [...problems, `not JSON: ${text}`].join("; ")
  }
  if (status === 501 && notBuilt) {
    if ((body as { code?: unknown } | undefined)?.code !== "not_implemented")
      problems.push("501 without not_implemented")
  } else {
    try {
      checkContract(op.method, url, status, body)
    } catch (error) {
      // The contract check cannot match a path that does not percent-decode; such a path can only be an error.
      if (!(error instanceof URIError)) problems.push(String(error))
      else if (status < 400) problems.push(`answered ${status} to a path that does not decode`)
      else if (!validator.validate({ $ref: "#/components/schemas/Error" }, body).ok)
        problems.push(`no error envelope: ${JSON.stringify(text)}`)
    }
  }
  return problems.length > 0 ? problems.join("; ") : undefined
}

const excerpt = (text: string, max = 160) =>
  JSON.stringify(text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text)

const describeOutcome = ({ operation, input, status, problem }: Outcome) => {
  const body = input.body === undefined ? "" : ` body ${excerpt(A.encodeJson(input.body), 100)}`
  return `[${operation.id} / ${input.category}] ${operation.method.toUpperCase()} ${excerpt(input.url, 120)}${body} -> ${status}: ${excerpt(problem ?? "", 300)}`
}

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
