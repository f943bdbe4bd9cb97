import { describe, expect, it } from "@effect/vitest"
import { DateTime, Either, FastCheck as fc, Schema } from "effect"
import { Ids } from "@shopvo/pricing"
import { Promotion } from "../src/index.js"
import { at, now, promotion } from "./fixtures.js"
import { left, right } from "./helpers.js"

const id = Promotion.PromotionId.make("promo_new")

describe("Promotion", () => {
  describe("status", () => {
    it("ACTIVE, SCHEDULED, EXPIRED, EXHAUSTED", () => {
      expect(Promotion.status(promotion(), now)).toBe("ACTIVE")
      expect(Promotion.status(promotion({ startsAt: at("2026-07-01T00:00:00Z") }), now)).toBe("SCHEDULED")
      expect(Promotion.status(promotion({ expiresAt: at("2026-06-01T00:00:00Z") }), now)).toBe("EXPIRED")
      expect(Promotion.status(promotion({ maxUses: 10, usedCount: 10 }), now)).toBe("EXHAUSTED")
      expect(Promotion.status(promotion({ maxUses: 10, usedCount: 9 }), now)).toBe("ACTIVE")
    })

    it("the interval is half-open: live from startsAt, gone at expiresAt", () => {
      const p = promotion({ startsAt: now, expiresAt: at("2026-06-15T13:00:00Z") })
      expect(Promotion.status(p, now)).toBe("ACTIVE")
      expect(Promotion.status(p, at("2026-06-15T11:59:59.999Z"))).toBe("SCHEDULED")
      expect(Promotion.status(p, at("2026-06-15T12:59:59.999Z"))).toBe("ACTIVE")
      expect(Promotion.status(p, at("2026-06-15T13:00:00Z"))).toBe("EXPIRED")
    })

    it("precedence: EXPIRED over EXHAUSTED over SCHEDULED", () => {
      const all = promotion({
        startsAt: at("2026-07-01T00:00:00Z"),
        expiresAt: at("2026-07-02T00:00:00Z"),
        maxUses: 1,
        usedCount: 1
      })
      expect(Promotion.status(all, now)).toBe("EXHAUSTED") // not yet started, but already used up
      expect(Promotion.status(all, at("2026-07-03T00:00:00Z"))).toBe("EXPIRED")
      expect(Promotion.status({ ...all, maxUses: null }, now)).toBe("SCHEDULED")
    })

    it.prop(
      "matches its documented definition at every instant",
      {
        offsets: fc.tuple(
          fc.option(fc.integer({ min: -100, max: 100 })),
          fc.option(fc.integer({ min: -100, max: 100 }))
        ),
        maxUses: fc.option(fc.integer({ min: 0, max: 5 })),
        usedCount: fc.integer({ min: 0, max: 6 })
      },
      ({ maxUses, offsets: [start, end], usedCount }) => {
        const shift = (minutes: number | null) => (minutes === null ? null : DateTime.add(now, { minutes }))
        const p = promotion({ startsAt: shift(start), expiresAt: shift(end), maxUses, usedCount })
        const expired = end !== null && end <= 0
        const exhausted = maxUses !== null && usedCount >= maxUses
        const scheduled = start !== null && start > 0
        const expected = expired ? "EXPIRED" : exhausted ? "EXHAUSTED" : scheduled ? "SCHEDULED" : "ACTIVE"
        expect(Promotion.status(p, now)).toBe(expected)
      }
    )
  })

  describe("codes", () => {
    it("are matched case-insensitively and without surrounding spaces", () => {
      const p = promotion()
      expect(Promotion.matchesCode(p, "welcome20")).toBe(true)
      expect(Promotion.matchesCode(p, "  Welcome20 ")).toBe(true)
      expect(Promotion.matchesCode(p, "WELCOME2")).toBe(false)
      expect(Promotion.normalizeCode(" summer-sale_1 ")).toBe("SUMMER-SALE_1")
    })
  })

  describe("create", () => {
    it("normalises the code and fills defaults", () => {
      const p = right(Promotion.create(id, { code: " welcome20 ", type: "PERCENTAGE", value: 20 }))
      expect(p).toEqual({
        id,
        code: "WELCOME20",
        type: "PERCENTAGE",
        value: 20,
        currency: null,
        minOrderAmount: null,
        maxUses: null,
        usedCount: 0,
        perCustomerLimit: null,
        appliesToProducts: [],
        startsAt: null,
        expiresAt: null
      })
    })

    it("PERCENTAGE takes a whole 1..100", () => {
      for (const value of [1, 50, 100])
        expect(Either.isRight(Promotion.create(id, { code: "PCT", type: "PERCENTAGE", value }))).toBe(true)
      for (const value of [0, 101, 12.5, -5, undefined]) {
        const error = left(
          Promotion.create(id, { code: "PCT", type: "PERCENTAGE", ...(value === undefined ? {} : { value }) })
        )
        expect(error.issues.map((i) => i.field)).toEqual(["value"])
      }
    })

    it("FIXED_AMOUNT takes whole minor units above 0; FREE_SHIPPING ignores its value", () => {
      expect(right(Promotion.create(id, { code: "TENOFF", type: "FIXED_AMOUNT", value: 1000 })).value).toBe(1000)
      expect(left(Promotion.create(id, { code: "TENOFF", type: "FIXED_AMOUNT", value: 0 })).issues[0]!.field).toBe(
        "value"
      )
      expect(left(Promotion.create(id, { code: "TENOFF", type: "FIXED_AMOUNT", value: 9.99 })).issues[0]!.field).toBe(
        "value"
      )
      expect(right(Promotion.create(id, { code: "SHIPFREE", type: "FREE_SHIPPING", value: 42 })).value).toBe(0)
      expect(right(Promotion.create(id, { code: "SHIPFREE", type: "FREE_SHIPPING" })).value).toBe(0)
    })

    it("refuses malformed codes", () => {
      for (const code of ["AB", "A".repeat(33), "WELCOME 20", "ÉTÉ20", "50%OFF", ""]) {
        expect(left(Promotion.create(id, { code, type: "FREE_SHIPPING" })).issues.map((i) => i.field)).toEqual(["code"])
      }
      expect(right(Promotion.create(id, { code: "a-b_c", type: "FREE_SHIPPING" })).code).toBe("A-B_C")
      expect(right(Promotion.create(id, { code: "X".repeat(32), type: "FREE_SHIPPING" })).code).toHaveLength(32)
    })

    it("expiresAt must be after startsAt; limits must be whole and positive", () => {
      const issues = left(
        Promotion.create(id, {
          code: "BAD",
          type: "PERCENTAGE",
          value: 10,
          startsAt: at("2026-07-01T00:00:00Z"),
          expiresAt: at("2026-07-01T00:00:00Z"),
          maxUses: 0,
          perCustomerLimit: 1.5,
          minOrderAmount: -1
        })
      ).issues
      expect(issues.map((i) => i.field).sort()).toEqual(["expiresAt", "maxUses", "minOrderAmount", "perCustomerLimit"])
      const ok = right(
        Promotion.create(id, {
          code: "GOOD",
          type: "FIXED_AMOUNT",
          value: 500,
          currency: "EUR",
          startsAt: at("2026-07-01T00:00:00Z"),
          expiresAt: at("2026-07-31T00:00:00Z"),
          maxUses: 100,
          perCustomerLimit: 1,
          minOrderAmount: 0,
          appliesToProducts: ["prd_a", "prd_a", "prd_b"].map((p) => Ids.ProductId.make(p))
        })
      )
      expect(ok.appliesToProducts).toEqual(["prd_a", "prd_b"])
      expect(ok.currency).toBe("EUR")
    })

    it("the error lists every issue in its message", () => {
      const error = left(Promotion.create(id, { code: "x", type: "PERCENTAGE", value: 0 }))
      expect(error._tag).toBe("InvalidPromotion")
      expect(error.message).toContain("code:")
      expect(error.message).toContain("value:")
    })

    it("decodes the reference's JSON body", () => {
      const body = Schema.decodeUnknownSync(Promotion.CreateInput)({
        code: "WELCOME20",
        type: "PERCENTAGE",
        value: 20,
        minOrderAmount: 1000,
        maxUses: 500,
        expiresAt: "2026-12-31T23:59:59Z"
      })
      const p = right(Promotion.create(id, body))
      expect(DateTime.formatIso(p.expiresAt!)).toBe("2026-12-31T23:59:59.000Z")
      expect(Promotion.status(p, now)).toBe("ACTIVE")
    })
  })
})
