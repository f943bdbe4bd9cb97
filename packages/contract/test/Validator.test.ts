import { describe, expect, it } from "@effect/vitest"
import { operationOrFail, Validator } from "@shopvo/contract"

describe("Validator", () => {
  const validator = new Validator()
  const createReview = operationOrFail("products.createReview")
  const listProducts = operationOrFail("products.list")
  const raw = (
    query: string,
    body?: unknown,
    params: Record<string, string> = { siteId: "site_1", productId: "prd_1" }
  ) => ({
    query: new URLSearchParams(query),
    params,
    body
  })

  it("coerces query strings to their types and fills defaults", () => {
    const result = validator.request(
      listProducts,
      raw("limit=5&featured=true&expand[]=variants", undefined, { siteId: "site_1" })
    )
    expect(result.ok).toBe(true)
    if (result.ok) {
      expect(result.value.query).toMatchObject({ limit: 5, featured: true, "expand[]": ["variants"], status: "ACTIVE" })
    }
  })

  it("does not coerce JSON body values: a string is not a number", () => {
    const result = validator.request(
      createReview,
      raw("", { rating: "5", reviewerName: "Jane", reviewerEmail: "jane@example.com" })
    )
    expect(result).toEqual({ ok: false, issues: [{ path: "/rating", message: "must be integer" }] })
  })

  it("names unknown fields and unknown parameters", () => {
    const result = validator.request(
      createReview,
      raw("colour=red", { rating: 5, reviewerName: "Jane", reviewerEmail: "jane@example.com", extra: 1 })
    )
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.issues).toEqual(
        expect.arrayContaining([
          { path: "query.colour", message: "is not a known parameter" },
          { path: "/extra", message: "is not a known field" }
        ])
      )
    }
  })

  it("rejects a response the spec does not describe", () => {
    expect(validator.response(listProducts, 200, { success: true }).ok).toBe(false)
    expect(validator.response(listProducts, 418, {}).ok).toBe(false)
    expect(validator.response(listProducts, 400, { error: "x", code: "validation_error" }).ok).toBe(true)
  })
})
