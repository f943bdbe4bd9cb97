import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck as fc } from "effect"
import { PaymentTerms } from "../src/index.js"

const placed = new Date("2026-01-12T23:30:00Z")

describe("PaymentTerms", () => {
  it("an ACTIVE account on NET terms orders on credit, due n days after the order (UTC date)", () => {
    expect(PaymentTerms.orderOnTerms({ status: "ACTIVE", paymentTerms: "NET_30" }, placed)).toEqual(
      Either.right({ terms: "NET_30", dueDate: "2026-02-11" })
    )
    expect(PaymentTerms.orderOnTerms({ status: "ACTIVE", paymentTerms: "NET_60" }, placed)).toEqual(
      Either.right({ terms: "NET_60", dueDate: "2026-03-13" })
    )
    // Across a leap day and a year end.
    expect(PaymentTerms.dueDate("NET_15", new Date("2028-02-20T10:00:00Z"))).toBe("2028-03-06")
    expect(PaymentTerms.dueDate("NET_90", new Date("2026-12-01T00:00:00Z"))).toBe("2027-03-01")
  })

  it("a suspended or pending account cannot order on terms, whatever its terms", () => {
    for (const status of ["SUSPENDED", "PENDING"] as const) {
      for (const paymentTerms of PaymentTerms.PaymentTerms.literals) {
        const refused = PaymentTerms.orderOnTerms({ status, paymentTerms }, placed)
        expect(Either.isLeft(refused) && refused.left._tag).toBe("AccountNotActive")
      }
    }
  })

  it("DUE_ON_RECEIPT gives no credit", () => {
    const refused = PaymentTerms.orderOnTerms({ status: "ACTIVE", paymentTerms: "DUE_ON_RECEIPT" }, placed)
    expect(Either.isLeft(refused) && refused.left._tag).toBe("TermsUnavailable")
    expect(PaymentTerms.netDays("DUE_ON_RECEIPT")).toBeNull()
  })

  it("the due date is always exactly netDays calendar days after the order's UTC date", () => {
    const netTerms = fc.constantFrom<PaymentTerms.NetTerms>("NET_15", "NET_30", "NET_60", "NET_90")
    const instant = fc.date({
      min: new Date("1970-01-01T00:00:00Z"),
      max: new Date("2999-12-31T23:59:59Z"),
      noInvalidDate: true
    })
    fc.assert(
      fc.property(netTerms, instant, (terms, at) => {
        const due = PaymentTerms.dueDate(terms, at)
        expect(due).toMatch(/^\d{4}-\d{2}-\d{2}$/)
        const orderDay = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate())
        expect((Date.parse(`${due}T00:00:00Z`) - orderDay) / 86_400_000).toBe(PaymentTerms.netDays(terms))
      })
    )
  })
})
