import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"

const read = (path: string) => readFileSync(new URL(path, import.meta.url), "utf8")
const spec = JSON.parse(read("../dist/openapi.json")) as {
  paths: Record<string, Record<string, { operationId?: string; security?: unknown[]; "x-scopes"?: string[] }>>
  webhooks?: Record<string, unknown>
}
const methods = ["get", "post", "put", "patch", "delete"]
const operations = Object.entries(spec.paths).flatMap(([path, item]) =>
  methods.filter((m) => item[m]).map((m) => ({ key: `${m.toUpperCase()} ${path}`, op: item[m]! }))
)
const reference = read("../reference-operations.txt")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line !== "" && !line.startsWith("#"))

const scopes = new Set([
  "read:catalog",
  "write:catalog",
  "read:content",
  "read:orders",
  "read:customers",
  "write:customers",
  "read:cart",
  "write:cart",
  "read:checkout",
  "write:checkout",
  "read:inventory",
  "write:inventory",
  "read:promotions",
  "write:promotions",
  "read:gift-cards",
  "write:gift-cards",
  "read:store-credit",
  "write:store-credit",
  "read:loyalty",
  "write:loyalty",
  "read:b2b",
  "write:b2b",
  "webhooks:read",
  "webhooks:write",
  "metafields:read",
  "metafields:write",
  "read:payments",
  "write:payments",
  "admin:*"
])

describe("spec operations", () => {
  it("contains every operation of the public reference", () => {
    const present = new Set(operations.map((o) => o.key))
    expect(reference.filter((key) => !present.has(key))).toEqual([])
  })

  it("names the scope of every operation with a scope from the reference's table", () => {
    for (const { key, op } of operations) {
      const isPublic = Array.isArray(op.security) && op.security.length === 0
      const declared = op["x-scopes"]
      expect(declared, `${key} has no x-scopes`).toBeDefined()
      if (isPublic) expect(declared, `${key} is public`).toEqual([])
      else expect(declared!.length, `${key} needs a scope`).toBeGreaterThan(0)
      for (const scope of declared!) expect(scopes.has(scope), `${key}: unknown scope ${scope}`).toBe(true)
    }
  })

  it("leaves only promotions.validate, the payment provider's signed callback and signed download links unauthenticated", () => {
    const open = operations.filter(({ op }) => Array.isArray(op.security) && op.security.length === 0).map((o) => o.key)
    expect(open.sort()).toEqual([
      "GET /api/v1/{siteId}/downloads/{orderItemId}",
      "POST /api/v1/{siteId}/payments/callbacks",
      "POST /api/v1/{siteId}/promotions/validate"
    ])
  })

  it("has unique dotted operation ids", () => {
    const ids = operations.map(({ op }) => op.operationId)
    expect(new Set(ids).size).toBe(ids.length)
    for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z0-9]*\.[a-z][A-Za-z0-9]*$/)
  })

  it("describes the webhook events of the reference", () => {
    for (const event of [
      "order.created",
      "order.updated",
      "payment.confirmed",
      "payment.failed",
      "inventory.low",
      "cart.abandoned",
      "review.created"
    ]) {
      expect(spec.webhooks?.[event], event).toBeDefined()
    }
  })
})
