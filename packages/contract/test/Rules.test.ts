import { describe, expect, it } from "@effect/vitest"
import { operationOrFail, Spec, Validator } from "@shopvo/contract"

/**
 * Rules that couple two fields (`if`/`then` in the spec): the validator must refuse what they
 * forbid, on the field that breaks them, and accept the edge values they allow.
 */
describe("Rules", () => {
  const validator = new Validator()
  const body = (operationId: string, value: unknown, params: Record<string, string> = { siteId: "site_1" }) =>
    validator.request(operationOrFail(operationId), { query: new URLSearchParams(), params, body: value })
  const schema = (name: string, value: unknown) => validator.validate({ $ref: `#/components/schemas/${name}` }, value)

  it("promotion value: 1–100 for PERCENTAGE, ≥ 1 for FIXED_AMOUNT, 0 for FREE_SHIPPING", () => {
    const create = (type: string, value: number) => body("promotions.create", { code: "SPRING", type, value })
    expect(create("PERCENTAGE", 101)).toEqual({ ok: false, issues: [{ path: "/value", message: "must be <= 100" }] })
    expect(create("PERCENTAGE", 0)).toEqual({ ok: false, issues: [{ path: "/value", message: "must be >= 1" }] })
    expect(create("FIXED_AMOUNT", 0)).toEqual({ ok: false, issues: [{ path: "/value", message: "must be >= 1" }] })
    expect(create("FREE_SHIPPING", 500)).toEqual({
      ok: false,
      issues: [{ path: "/value", message: "must be equal to constant" }]
    })
    for (const [type, value] of [
      ["PERCENTAGE", 100],
      ["PERCENTAGE", 1],
      ["FIXED_AMOUNT", 150000],
      ["FREE_SHIPPING", 0]
    ] as const) {
      expect(create(type, value).ok, `${type} ${value}`).toBe(true)
    }
    // The same rule holds for what the API answers.
    expect(schema("PromotionSummary", { id: "promo_1", code: "X", type: "PERCENTAGE", value: 250 }).ok).toBe(false)
  })

  it("inventory adjustment: increment and decrement need 1 or more, set may be 0", () => {
    const adjust = (operation: string, quantity: number) =>
      body("inventory.adjust", { operation, quantity }, { siteId: "site_1", productId: "prd_1" })
    for (const operation of ["increment", "decrement"]) {
      expect(adjust(operation, 0)).toEqual({ ok: false, issues: [{ path: "/quantity", message: "must be >= 1" }] })
      expect(adjust(operation, 1).ok).toBe(true)
    }
    expect(adjust("set", 0).ok).toBe(true)
  })

  it("ledgers and balances: the sign of loyalty points, refunds and a redeemed gift card", () => {
    const entry = (type: string, points: number) =>
      schema("LoyaltyTransaction", {
        id: "lt_1",
        type,
        points,
        orderId: null,
        note: null,
        createdAt: "2026-01-01T00:00:00Z"
      })
    expect(entry("REDEEM", -100).ok).toBe(true)
    expect(entry("REDEEM", 100)).toEqual({ ok: false, issues: [{ path: "/points", message: "must be <= -1" }] })
    expect(entry("EARN", -5)).toEqual({ ok: false, issues: [{ path: "/points", message: "must be >= 1" }] })
    expect(entry("AWARD", 0).ok).toBe(false)

    const card = (status: string, remainingBalance: number) =>
      schema("GiftCard", {
        id: "gc_1",
        code: "GIFT-AAAA-BBBB",
        currency: "EUR",
        initialBalance: 5000,
        remainingBalance,
        status,
        customerId: null,
        note: null,
        expiresAt: null,
        issuedAt: "2026-01-01T00:00:00Z",
        updatedAt: "2026-01-01T00:00:00Z"
      })
    expect(card("REDEEMED", 0).ok).toBe(true)
    expect(card("REDEEMED", 1)).toEqual({
      ok: false,
      issues: [{ path: "/remainingBalance", message: "must be equal to constant" }]
    })
    expect(card("ACTIVE", 1).ok).toBe(true)

    // The spec's own example of a partly refunded order, with its payment status changed.
    const refunded = Spec.resolveRef<{ data: Record<string, unknown> }>(
      "#/paths/~1api~1v1~1{siteId}~1orders~1{orderId}~1refunds/post/responses/201/content/application~1json/example"
    ).data
    expect(schema("Order", refunded).ok).toBe(true)
    expect(schema("Order", { ...refunded, paymentStatus: "PAID" })).toEqual({
      ok: false,
      issues: [{ path: "/refundedTotal", message: "must be equal to constant" }]
    })
    expect(schema("Order", { ...refunded, refundedTotal: 0 })).toEqual({
      ok: false,
      issues: [{ path: "/refundedTotal", message: "must be >= 1" }]
    })
  })
})
