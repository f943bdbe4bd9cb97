import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck as fc } from "effect"
import { Fulfilment, Refund } from "../src/index.js"

const lines: ReadonlyArray<Fulfilment.Line> = [
  { id: "oli_a", quantity: 3, fulfilledQuantity: 0 },
  { id: "oli_b", quantity: 1, fulfilledQuantity: 0 }
]

describe("Fulfilment", () => {
  it("ships everything that remains when no lines are named", () => {
    const partly = [{ ...lines[0]!, fulfilledQuantity: 2 }, lines[1]!]
    expect(Either.getOrThrow(Fulfilment.plan(partly, undefined))).toEqual([
      { orderItemId: "oli_a", quantity: 1 },
      { orderItemId: "oli_b", quantity: 1 }
    ])
  })

  it("refuses unknown lines, lines named twice, too much, and nothing left", () => {
    const refused = Fulfilment.plan(lines, [
      { orderItemId: "oli_x", quantity: 1 },
      { orderItemId: "oli_a", quantity: 4 },
      { orderItemId: "oli_b", quantity: 1 },
      { orderItemId: "oli_b", quantity: 1 }
    ])
    expect(Either.isLeft(refused) && refused.left.problems).toEqual([
      { orderItemId: "oli_x", reason: "is not a line of this order" },
      { orderItemId: "oli_a", reason: "has 3 left to ship, 4 asked" },
      { orderItemId: "oli_b", reason: "is named more than once" }
    ])
    const done = lines.map((line) => ({ ...line, fulfilledQuantity: line.quantity }))
    const nothing = Fulfilment.plan(done, undefined)
    expect(Either.isLeft(nothing) && nothing.left.message).toBe("Cannot fulfil: every line has shipped")
  })

  it("reports UNFULFILLED, PARTIALLY_FULFILLED, FULFILLED", () => {
    expect(Fulfilment.statusOf(lines)).toBe("UNFULFILLED")
    expect(Fulfilment.statusOf([{ ...lines[0]!, fulfilledQuantity: 3 }, lines[1]!])).toBe("PARTIALLY_FULFILLED")
    expect(Fulfilment.statusOf(lines.map((l) => ({ ...l, fulfilledQuantity: l.quantity })))).toBe("FULFILLED")
  })

  it.prop(
    "any sequence of shipments never ships a line beyond its quantity, and ends FULFILLED exactly when all shipped",
    [
      fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }),
      fc.array(fc.tuple(fc.nat(5), fc.integer({ min: 1, max: 6 })), { maxLength: 12 })
    ],
    ([quantities, shipments]) => {
      let state: Array<Fulfilment.Line> = quantities.map((quantity, i) => ({
        id: `oli_${i}`,
        quantity,
        fulfilledQuantity: 0
      }))
      for (const [index, quantity] of shipments) {
        const planned = Fulfilment.plan(state, [{ orderItemId: `oli_${index}`, quantity }])
        if (Either.isRight(planned)) {
          state = state.map((line) => {
            const shipped = planned.right.find((p) => p.orderItemId === line.id)
            return shipped === undefined
              ? line
              : { ...line, fulfilledQuantity: line.fulfilledQuantity + shipped.quantity }
          })
        }
        for (const line of state) expect(line.fulfilledQuantity).toBeLessThanOrEqual(line.quantity)
      }
      expect(Fulfilment.statusOf(state) === "FULFILLED").toBe(state.every((l) => l.fulfilledQuantity === l.quantity))
    }
  )
})

describe("Refund.linesAmount", () => {
  const order = { subtotal: 4000, discountTotal: 1000 }
  const refundLines: ReadonlyArray<Refund.Line> = [
    { id: "oli_a", quantity: 3, refundedQuantity: 0, unitPrice: 1000 },
    { id: "oli_b", quantity: 1, refundedQuantity: 1, unitPrice: 1000 }
  ]

  it("is the lines' share of the discounted goods, rounded down", () => {
    expect(Either.getOrThrow(Refund.linesAmount(order, refundLines, [{ orderItemId: "oli_a", quantity: 1 }]))).toBe(750)
    expect(
      Either.getOrThrow(
        Refund.linesAmount({ subtotal: 3, discountTotal: 1 }, refundLines, [{ orderItemId: "oli_a", quantity: 1 }])
      )
    ).toBe(666)
  })

  it("refuses a line already refunded in full", () => {
    const refused = Refund.linesAmount(order, refundLines, [{ orderItemId: "oli_b", quantity: 1 }])
    expect(Either.isLeft(refused) && refused.left.problems).toEqual([
      { orderItemId: "oli_b", reason: "has 0 left to refund, 1 asked" }
    ])
  })

  it.prop(
    "refunding every line is worth at most the discounted goods",
    [
      fc.array(fc.tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 100_000 })), {
        minLength: 1,
        maxLength: 6
      }),
      fc.integer({ min: 0, max: 100 })
    ],
    ([specs, discountPercent]) => {
      const all = specs.map(([quantity, unitPrice], i) => ({
        id: `oli_${i}`,
        quantity,
        refundedQuantity: 0,
        unitPrice
      }))
      const subtotal = all.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0)
      const goods = { subtotal, discountTotal: Math.floor((subtotal * discountPercent) / 100) }
      const each = all.map((l) =>
        Either.getOrThrow(Refund.linesAmount(goods, all, [{ orderItemId: l.id, quantity: l.quantity }]))
      )
      const together = Either.getOrThrow(
        Refund.linesAmount(
          goods,
          all,
          all.map((l) => ({ orderItemId: l.id, quantity: l.quantity }))
        )
      )
      expect(each.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(together)
      expect(together).toBeLessThanOrEqual(goods.subtotal - goods.discountTotal)
    }
  )
})
