/**
 * The deprecation policy in the traffic: a deprecated operation, query parameter or body field (marked
 * in the spec with `deprecated: true` and `x-deprecated-at`) is answered with `Deprecation` (and
 * `Sunset` when the spec names one); a request that uses nothing deprecated gets neither.
 */
import { Spec } from "@shopvo/contract"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Deprecation from "../src/Platform/Deprecation.js"
import { bodyOf, start, type TestApi } from "./support/TestApi.js"

const epoch = (day: string) => `@${Date.parse(`${day}T00:00:00Z`) / 1000}`

describe("Deprecation header", () => {
  let api: TestApi
  let siteId: string
  let key: string

  beforeAll(async () => {
    api = await start()
    siteId = (await api.createSite()).id
    key = (await api.createKey(siteId)).key
  })
  afterAll(() => api?.close())

  it("answers a request that sends a deprecated body field (cart item `name`) with Deprecation and Link", async () => {
    const product = await api.request("POST", `/api/v1/${siteId}/products`, {
      key,
      body: { name: "Plain Mug", price: 1250 }
    })
    expect(product.status).toBe(201)
    const productId = bodyOf(product, "products.create").data.id
    const stocked = await api.request("POST", `/api/v1/${siteId}/inventory/${productId}`, {
      key,
      body: { operation: "increment", quantity: 20 }
    })
    expect(stocked.status).toBe(200)
    const cart = await api.request("POST", `/api/v1/${siteId}/cart`, { key, body: {} })
    const cartId = bodyOf(cart, "cart.create").data.id

    const current = await api.request("PATCH", `/api/v1/${siteId}/cart?cartId=${cartId}`, {
      key,
      body: { action: "add", item: { productId, quantity: 1 } }
    })
    expect(current.status).toBe(200)
    expect(current.headers.get("deprecation")).toBeNull()

    const legacy = await api.request("PATCH", `/api/v1/${siteId}/cart?cartId=${cartId}`, {
      key,
      body: { action: "add", item: { productId, quantity: 1, name: "My own name", price: 1 } }
    })
    expect(legacy.status).toBe(200)
    expect(legacy.headers.get("deprecation")).toBe(epoch("2026-12-02"))
    expect(legacy.headers.get("link")).toBe('</docs>; rel="deprecation"; type="text/html"')
    expect(legacy.headers.get("sunset")).toBeNull()
    // Still ignored, as the spec says: the catalogue's name and price win.
    expect(bodyOf(legacy, "cart.update").data.items[0]).toMatchObject({ name: "Plain Mug", quantity: 2 })

    // Other operations say nothing.
    const site = await api.request("GET", `/api/v1/${siteId}/site`, { key })
    expect(site.headers.get("deprecation")).toBeNull()
  })

  it("reads every deprecation of the spec, each dated", () => {
    const all = Deprecation.index(Spec.document as never)
    const cart = all.get("cart.update")
    expect(cart?.fields.map((field) => field.path.join("."))).toEqual(
      expect.arrayContaining(["item.name", "item.price"])
    )
  })

  // A document in the spec's shape, with a deprecated operation, parameter and nested field.
  const document = {
    paths: {
      "/api/v1/{siteId}/things": {
        get: {
          operationId: "things.list",
          deprecated: true,
          "x-deprecated-at": "2027-01-01",
          "x-sunset": "2027-04-01",
          parameters: [{ $ref: "#/components/parameters/Sort" }]
        },
        post: {
          operationId: "things.create",
          requestBody: {
            content: {
              "application/json": { schema: { $ref: "#/components/schemas/ThingCreate" } }
            }
          }
        }
      }
    },
    components: {
      parameters: {
        Sort: {
          name: "sort",
          in: "query",
          deprecated: true,
          "x-deprecated-at": "2026-11-01",
          schema: { type: "string" }
        }
      },
      schemas: {
        ThingCreate: {
          type: "object",
          properties: {
            name: { type: "string" },
            parts: { type: "array", items: { $ref: "#/components/schemas/Part" } }
          }
        },
        Part: {
          oneOf: [
            {
              type: "object",
              properties: { colour: { type: "string", deprecated: true, "x-deprecated-at": "2026-10-01" } }
            }
          ]
        }
      }
    }
  }

  it("marks a deprecated operation with Deprecation and Sunset on every request, and the earliest date wins", () => {
    const index = Deprecation.index(document)
    const list = index.get("things.list")
    expect(Deprecation.headers(Deprecation.used(list, new URLSearchParams(), undefined))).toEqual({
      deprecation: epoch("2027-01-01"),
      sunset: "Thu, 01 Apr 2027 00:00:00 GMT",
      link: '</docs>; rel="deprecation"; type="text/html"'
    })
    expect(Deprecation.headers(Deprecation.used(list, new URLSearchParams("sort=name"), undefined))).toMatchObject({
      deprecation: epoch("2026-11-01"),
      sunset: "Thu, 01 Apr 2027 00:00:00 GMT"
    })
  })

  it("finds deprecated fields through $ref, arrays and oneOf, only when the request sends them", () => {
    const create = Deprecation.index(document).get("things.create")
    expect(create?.fields.map((field) => field.path)).toEqual([["parts", "*", "colour"]])
    expect(Deprecation.used(create, new URLSearchParams(), { name: "x", parts: [{}, {}] })).toEqual([])
    expect(Deprecation.used(create, new URLSearchParams(), { parts: [{}, { colour: "red" }] })).toHaveLength(1)
    expect(
      Deprecation.headers(Deprecation.used(create, new URLSearchParams(), { parts: [{ colour: "red" }] }))
    ).toEqual({
      deprecation: epoch("2026-10-01"),
      link: '</docs>; rel="deprecation"; type="text/html"'
    })
  })

  it("refuses a deprecation without its date, or a sunset less than 60 days after it", () => {
    expect(() => Deprecation.markOf({ deprecated: true }, "operation")).toThrow(/x-deprecated-at/)
    expect(() =>
      Deprecation.markOf({ deprecated: true, "x-deprecated-at": "2027-01-01", "x-sunset": "2027-02-01" }, "operation")
    ).toThrow(/60 days/)
    expect(Deprecation.markOf({ deprecated: false }, "operation")).toBeUndefined()
  })
})
