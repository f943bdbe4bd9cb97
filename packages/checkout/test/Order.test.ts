import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck as fc } from "effect"
import { Order, StateMachine } from "../src/index.js"

const move = (from: Order.OrderStatus, to: Order.OrderStatus) => Order.transition(from, to)

describe("Order", () => {
  it("is created PENDING and emits order.created and order.placed", () => {
    expect(Order.create()).toEqual({ status: "PENDING", events: ["order.created", "order.placed"] })
  })

  const lifecycleEvent: Partial<Record<Order.OrderStatus, string>> = {
    SHIPPED: "order.shipped",
    DELIVERED: "order.delivered",
    CANCELLED: "order.cancelled"
  }
  const expectedEvents = (to: Order.OrderStatus) => {
    const own = lifecycleEvent[to]
    return own === undefined ? ["order.updated"] : ["order.updated", own]
  }

  it("follows the happy path, each move emitting order.updated and its own lifecycle event", () => {
    const path: ReadonlyArray<Order.OrderStatus> = [
      "PENDING",
      "CONFIRMED",
      "PROCESSING",
      "SHIPPED",
      "DELIVERED",
      "REFUNDED"
    ]
    for (let i = 1; i < path.length; i++) {
      const transition = Either.getOrThrow(move(path[i - 1]!, path[i]!))
      expect(transition).toEqual({ machine: "order", from: path[i - 1], to: path[i], events: expectedEvents(path[i]!) })
    }
  })

  it("can be cancelled until it ships, never after", () => {
    expect(Order.OrderStatus.literals.filter(Order.isCancellable)).toEqual(["PENDING", "CONFIRMED", "PROCESSING"])
    const result = move("SHIPPED", "CANCELLED")
    expect(Either.isLeft(result) && result.left).toMatchObject({
      _tag: "IllegalTransition",
      machine: "order",
      from: "SHIPPED",
      to: "CANCELLED"
    })
  })

  it("a paid, cancelled order can still be refunded; a pending one cannot", () => {
    expect(Either.isRight(move("CANCELLED", "REFUNDED"))).toBe(true)
    expect(Either.isLeft(move("PENDING", "REFUNDED"))).toBe(true)
  })

  it("an illegal move names the statuses allowed instead", () => {
    const result = move("CONFIRMED", "SHIPPED")
    expect(Either.isLeft(result) && result.left.allowed).toEqual(["PROCESSING", "CANCELLED", "REFUNDED"])
    expect(Either.isLeft(result) && result.left.message).toContain('"PROCESSING", "CANCELLED", "REFUNDED"')
    expect(Order.allowedFrom("CONFIRMED")).toEqual(["PROCESSING", "CANCELLED", "REFUNDED"])
  })

  it("a delivered order is complete only when its money was captured", () => {
    expect(Order.completionEvents("DELIVERED", "PAID")).toEqual(["order.completed"])
    expect(Order.completionEvents("DELIVERED", "PARTIALLY_REFUNDED")).toEqual(["order.completed"])
    expect(Order.completionEvents("DELIVERED", "PENDING")).toEqual([])
    expect(Order.completionEvents("DELIVERED", "REFUNDED")).toEqual([])
    expect(Order.completionEvents("SHIPPED", "PAID")).toEqual([])
  })

  it("REFUNDED is the only final status", () => {
    expect(StateMachine.finalStates(Order.machine)).toEqual(["REFUNDED"])
  })

  it("never moves backwards along the fulfilment path", () => {
    expect(Either.isLeft(move("SHIPPED", "PROCESSING"))).toBe(true)
    expect(Either.isLeft(move("DELIVERED", "SHIPPED"))).toBe(true)
    expect(Either.isLeft(move("CONFIRMED", "PENDING"))).toBe(true)
  })

  it.prop(
    "random sequences move only along the table; once shipped, never cancelled; refunded is absorbing",
    [fc.array(fc.constantFrom(...Order.OrderStatus.literals), { maxLength: 40, size: "max" })],
    ([targets]) => {
      let status = Order.create().status
      let shipped = false
      for (const to of targets) {
        const result = move(status, to)
        expect(Either.isRight(result)).toBe(StateMachine.canTransition(Order.machine, status, to))
        if (status === "REFUNDED") expect(Either.isLeft(result)).toBe(true)
        if (Either.isRight(result)) {
          expect(result.right.events).toEqual(expectedEvents(to))
          status = to
        }
        shipped ||= status === "SHIPPED"
        if (shipped) expect(status).not.toBe("CANCELLED")
      }
    }
  )
})
