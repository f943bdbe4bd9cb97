/**
 * Every client input that is stored is bounded by what its column holds, and the spec says so:
 * an input beyond it is a 400 `validation_error` naming the field, and changes nothing. Before,
 * each of these reached PostgreSQL and came back as a 500 (or, for money past 2^53, was stored
 * rounded).
 */
import type { OperationId as SpecOperationId } from "@shopvo/contract"
import { SqlClient } from "@effect/sql"
import { Effect, FastCheck } from "effect"
import { afterAll, assert, beforeAll, describe, expect, it } from "vitest"
import * as Slug from "../src/Products/Slug.js"
import { bodyOf, errorOf, start, type TestApi } from "./support/TestApi.js"

let api: TestApi
let store: Awaited<ReturnType<typeof newStore>>

beforeAll(async () => {
  api = await start()
  store = await newStore()
})
afterAll(() => api.close())

const newStore = async () => {
  const site = await api.createSite({ currency: "EUR", plan: "enterprise" })
  const key = (await api.createKey(site.id)).key
  const base = `/api/v1/${site.id}`
  const send = (method: string, path: string, rawBody?: string) =>
    api.request(method, `${base}${path}`, { key, ...(rawBody === undefined ? {} : { rawBody }) })
  const created = async <Id extends SpecOperationId>(id: Id, path: string, body: unknown) => {
    const res = await send("POST", path, JSON.stringify(body))
    expect(res.status, res.text).toBe(201)
    return bodyOf(res, id)
  }
  const product = (await created("products.create", "/products", { name: "Classic White T-Shirt", price: 2999 })).data
  const variant = (
    await created("products.createVariant", `/products/${product.id}/variants`, { name: "Small", inventoryCount: 5 })
  ).data
  return { site, base, send, created, productId: product.id, variantId: variant.id }
}

/** Every row of the site the write operations touch: equal before and after means nothing changed. */
const snapshot = () =>
  api.run(
    Effect.flatMap(SqlClient.SqlClient, (sql) =>
      Effect.all([
        sql`select * from products where site_id = ${store.site.id} order by id`,
        sql`select * from variants where site_id = ${store.site.id} order by id`,
        sql`select * from product_categories where site_id = ${store.site.id} order by product_id, category_id`,
        sql`select * from inventory_adjustments where site_id = ${store.site.id} order by id`,
        sql`select * from events where site_id = ${store.site.id} order by id`
      ])
    )
  )

/** A JSON object written by hand, so a value can be a literal `JSON.stringify` cannot produce (2^53 + 1). */
const object = (fields: Record<string, string>) =>
  `{${Object.entries(fields)
    .map(([name, json]) => `${JSON.stringify(name)}:${json}`)
    .join(",")}}`

/** The write operations a field reaches, each with the least body it accepts. */
const operations = {
  "products.create": { method: "POST", path: () => "/products", required: { name: '"x"', price: "1" } },
  "products.update": { method: "PATCH", path: () => `/products/${store.productId}`, required: {} },
  "products.createVariant": {
    method: "POST",
    path: () => `/products/${store.productId}/variants`,
    required: { name: '"x"' }
  },
  "products.updateVariant": {
    method: "PATCH",
    path: () => `/products/${store.productId}/variants/${store.variantId}`,
    required: {}
  },
  "inventory.adjust": {
    method: "POST",
    path: () => `/inventory/${store.productId}`,
    required: { operation: '"set"', quantity: "1", variantId: "null" }
  }
} as const

type OperationId = keyof typeof operations

interface Case {
  readonly field: string
  /** JSON text of the value. */
  readonly value: string
  readonly operations: ReadonlyArray<OperationId>
}

const productWrites: ReadonlyArray<OperationId> = ["products.create", "products.update"]
const variantWrites: ReadonlyArray<OperationId> = ["products.createVariant", "products.updateVariant"]
const catalogWrites = [...productWrites, ...variantWrites]

const cases = (
  fields: ReadonlyArray<string>,
  values: ReadonlyArray<string>,
  ops: ReadonlyArray<OperationId>
): ReadonlyArray<Case> => fields.flatMap((field) => values.map((value) => ({ field, value, operations: ops })))

const classes: Record<string, ReadonlyArray<Case>> = {
  // 2^53 + 1 parses as 2^53: refused, never stored rounded.
  money: cases(
    ["price", "compareAtPrice"],
    ["10000000000000000000", "9007199254740993", "9007199254740992", "1e400"],
    catalogWrites
  ),
  "stock counts": [
    ...cases(["inventoryCount"], ["2147483648", "10000000000000000000", "1e400"], variantWrites),
    ...cases(["quantity"], ["2147483648", "10000000000000000000"], ["inventory.adjust"])
  ],
  "blank names": cases(["name"], ['" "', '"   "', '"\\t"', '"\\n"', '"\\u00a0"'], catalogWrites),
  "over-long text": [
    ...cases(["name"], [JSON.stringify("a".repeat(201))], catalogWrites),
    ...cases(["sku"], [JSON.stringify("S".repeat(101))], catalogWrites),
    ...cases(["slug"], [JSON.stringify("s".repeat(201))], productWrites),
    ...cases(["brandId"], [JSON.stringify(`br_${"a".repeat(62)}`)], productWrites),
    ...cases(["reason"], [JSON.stringify("r".repeat(501))], ["inventory.adjust"])
  ],
  // jsonb refuses an unpaired UTF-16 surrogate with an error (text columns would store U+FFFD).
  "unpaired surrogates": cases(["options"], ['{"Size":"\\ud800"}', '{"\\udc00":"Small"}'], variantWrites),
  "non-http URLs": cases(
    ["images"],
    [
      '["javascript:alert(1)"]',
      '["data:image/png;base64,iVBORw0KGgo="]',
      '["ftp://cdn.example.com/a.jpg"]',
      '["//cdn.example.com/a.jpg"]',
      JSON.stringify([`https://cdn.example.com/${"a".repeat(2048)}`])
    ],
    productWrites
  )
}

describe("Bounds", () => {
  for (const [name, table] of Object.entries(classes)) {
    describe(name, () => {
      const rows = table.flatMap((c) => c.operations.map((op) => ({ ...c, op })))
      it.each(rows)("$op $field: $value is a 400 that changes nothing", async ({ op, field, value }) => {
        const operation = operations[op]
        const before = await snapshot()
        const res = await store.send(
          operation.method,
          operation.path(),
          object({ ...operation.required, [field]: value })
        )
        expect(res.status, res.text).toBe(400)
        expect(errorOf(res).code).toBe("validation_error")
        const paths: ReadonlyArray<string> = (errorOf(res).details ?? []).map((detail: { path: string }) => detail.path)
        expect(
          paths.some((path) => path === `/${field}` || path.startsWith(`/${field}/`)),
          paths.join()
        ).toBe(true)
        expect(await snapshot()).toEqual(before)
      })
    })
  }

  describe("the largest values still fit", () => {
    it("money up to 2^53 - 1 is stored and read back exactly", async () => {
      const body = object({ name: '"Yacht"', price: "9007199254740991", compareAtPrice: "9007199254740991" })
      const res = await store.send("POST", "/products", body)
      expect(res.status, res.text).toBe(201)
      const read = await store.send("GET", `/products/${bodyOf(res, "products.create").data.id}`)
      expect(read.text).toContain('"price":9007199254740991')
      expect(bodyOf(read, "products.get").data.compareAtPrice).toBe(9007199254740991)
    })

    it("a stock count of 2^31 - 1 is stored", async () => {
      const variant = (
        await store.created("products.createVariant", `/products/${store.productId}/variants`, {
          name: "Bulk",
          inventoryCount: 2147483647,
          price: 9007199254740991
        })
      ).data
      expect(variant.inventoryCount).toBe(2147483647)
    })
  })

  describe("page numbers", () => {
    const lists = () => ["/products", "/inventory", `/products/${store.productId}/reviews`, "/pages"]
    const pages = ["99999999999999999999", "1e308", "Infinity", "92233720368547758&limit=100", "10000001"]

    it.each(pages)("page=%s is a 400 on every offset list", async (page) => {
      for (const list of lists()) {
        const res = await store.send("GET", `${list}?page=${page}`)
        expect(res.status, `${list}: ${res.text}`).toBe(400)
        expect(errorOf(res).code).toBe("validation_error")
        expect(errorOf(res).details?.[0]?.path).toBe("query.page")
      }
    })

    it("the last page number allowed, with the largest limit, answers an empty page", async () => {
      for (const list of lists()) {
        const res = await store.send("GET", `${list}?page=10000000&limit=100`)
        expect(res.status, `${list}: ${res.text}`).toBe(200)
        // Pages answer `data`, the other lists `items`; the lists differ in type, so the body is read as unknown.
        const page = res.body
        assert(typeof page === "object" && page !== null && "pagination" in page)
        expect("items" in page ? page.items : "data" in page ? page.data : undefined).toEqual([])
        expect(page.pagination).toMatchObject({ page: 10000000 })
      }
    })
  })

  describe("crafted cursors", () => {
    const cursor = (sortKey: string, id: string) => Buffer.from(JSON.stringify([sortKey, id])).toString("base64url")
    const at = "2026-01-05T09:30:00.000000Z"
    const crafted: ReadonlyArray<readonly [string, string, string]> = [
      ["month 13", "", cursor("2026-13-01T00:00:00.000000Z", "prd_abc")],
      ["year 0000", "", cursor("0000-01-01T00:00:00.000000Z", "prd_abc")],
      ["February 31", "", cursor("2026-02-31T00:00:00.000000Z", "prd_abc")],
      ["hour 25", "", cursor("2026-01-01T25:00:00.000000Z", "prd_abc")],
      ["a NUL in the id", "", cursor(at, "prd_a\u0000b")],
      ["an id of another kind", "", cursor(at, "not an id")],
      ["a score of 1e999", "&search=shirt", cursor(`1e999|${at}`, "prd_abc")],
      ["a score of 1e-400", "&search=shirt", cursor(`1e-400|${at}`, "prd_abc")],
      ["February 30 in a search cursor", "&search=shirt", cursor("0.5|2026-02-30T00:00:00.000000Z", "prd_abc")],
      ["a NUL in a search cursor's id", "&search=shirt", cursor(`0.5|${at}`, "prd_\u0000")]
    ]

    it.each(crafted)("%s is a 400 at query.cursor", async (_, search, value) => {
      const res = await store.send("GET", `/products?cursor=${value}${search}`)
      expect(res.status, res.text).toBe(400)
      expect(errorOf(res).code).toBe("validation_error")
      expect(errorOf(res).details?.[0]?.path).toBe("query.cursor")
    })

    it("cursors the API issued still work, with and without search", async () => {
      for (const name of ["Shirt One", "Shirt Two", "Shirt Three"])
        await store.created("products.create", "/products", { name, price: 100 })
      for (const search of ["", "&search=shirt"]) {
        const first = await store.send("GET", `/products?limit=1${search}`)
        let res = await store.send(
          "GET",
          `/products?limit=1&cursor=${bodyOf(first, "products.list").items[0]?.id}${search}`
        )
        const seen = [bodyOf(first, "products.list").items[0]?.id]
        for (;;) {
          if (res.status !== 200) break
          const page = bodyOf(res, "products.list")
          assert("cursor" in page)
          if (page.cursor === null) break
          seen.push(page.items[0]?.id)
          res = await store.send("GET", `/products?limit=1&cursor=${page.cursor}${search}`)
        }
        expect(res.status, res.text).toBe(200)
        seen.push(...bodyOf(res, "products.list").items.map((item: { id: string }) => item.id))
        expect(seen.length).toBeGreaterThanOrEqual(3)
        expect(new Set(seen).size).toBe(seen.length)
      }
    })
  })

  describe("names", () => {
    // Names that pass the spec (at most 200 code points, one of them not a space).
    const acceptedName = FastCheck.string({ unit: "binary", minLength: 1, maxLength: 200 }).filter((name) =>
      /\S/u.test(name)
    )

    it("every accepted name derives a non-empty slug the column accepts", () => {
      FastCheck.assert(
        FastCheck.property(FastCheck.string({ unit: "binary", maxLength: 300 }), (name) => {
          const slug = Slug.fromName(name)
          expect(slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/)
          expect(slug.length).toBeLessThanOrEqual(Slug.maxDerivedLength)
        }),
        { numRuns: 2000 }
      )
    })

    it("a product is created for any accepted name, and a blank one is a 400", async () => {
      await FastCheck.assert(
        FastCheck.asyncProperty(
          FastCheck.oneof(acceptedName, FastCheck.constantFrom(" ", "\t \n", "\u3000", "\u00a0\u2003")),
          async (name) => {
            // The request pipeline refuses NUL in any string (PostgreSQL text cannot hold it).
            const expected = /\S/u.test(name) && !name.includes("\u0000") ? 201 : 400
            const res = await store.send("POST", "/products", JSON.stringify({ name, price: 1 }))
            expect(res.status, res.text).toBe(expected)
            if (res.status === 201) {
              expect(bodyOf(res, "products.create").data.name).toBe(name)
              expect(bodyOf(res, "products.create").data.slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/)
            }
          }
        ),
        { numRuns: 60 }
      )
    })

    it("a name of only emoji or punctuation gets a slug of its own", async () => {
      const slugs = new Set<string>()
      for (const name of ["🎉🎉", "!!!", "🎉🎉", "…", "日本語"])
        slugs.add((await store.created("products.create", "/products", { name, price: 1 })).data.slug)
      expect(slugs.size).toBe(5)
    })
  })
})
