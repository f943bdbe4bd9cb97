import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck as fc, Schema } from "effect"
import { Checkout, Order, Payment, StateMachine, WebhookEvent } from "../src/index.js"

const traffic = StateMachine.make({
  name: "traffic light",
  states: ["red", "green", "amber", "off"],
  initial: "red",
  initialEvents: ["light.on"],
  transitions: {
    red: { green: ["light.changed"], off: [] },
    green: { amber: ["light.changed"], off: [] },
    amber: { red: ["light.changed"], off: [] },
    off: {}
  }
})

const machines = [Checkout.machine, Order.machine, Payment.machine] as const

describe("StateMachine", () => {
  it("transition returns the move with its events", () => {
    expect(Either.getOrThrow(StateMachine.transition(traffic, "red", "green"))).toEqual({
      machine: "traffic light",
      from: "red",
      to: "green",
      events: ["light.changed"]
    })
  })

  it("an illegal move is an IllegalTransition naming both states and what was allowed", () => {
    const result = StateMachine.transition(traffic, "red", "amber")
    expect(Either.isLeft(result)).toBe(true)
    const error = Either.isLeft(result) ? result.left : undefined
    expect(error).toBeInstanceOf(StateMachine.IllegalTransition)
    expect(error).toMatchObject({ machine: "traffic light", from: "red", to: "amber", allowed: ["green", "off"] })
    expect(error?.message).toBe(
      `Illegal traffic light transition from "red" to "amber" (allowed from "red": "green", "off")`
    )
    const fromFinal = StateMachine.transition(traffic, "off", "red")
    expect(Either.isLeft(fromFinal) && fromFinal.left.message).toContain(`"off" is final`)
  })

  it("never mistakes Object.prototype members for states", () => {
    const machine = traffic as unknown as StateMachine.StateMachine<string, string>
    expect(StateMachine.canTransition(machine, "red", "constructor")).toBe(false)
    expect(StateMachine.canTransition(machine, "constructor", "red")).toBe(false)
    expect(StateMachine.targets(machine, "toString")).toEqual([])
  })

  it("final states and reachability", () => {
    expect(StateMachine.finalStates(traffic)).toEqual(["off"])
    expect([...StateMachine.reachableFrom(traffic)].sort()).toEqual(["amber", "green", "off", "red"])
    expect([...StateMachine.reachableFrom(traffic, "off")]).toEqual(["off"])
  })

  it("validate accepts a closed, fully reachable machine", () => {
    expect(Either.isRight(StateMachine.validate(traffic))).toBe(true)
  })

  it("validate reports unknown targets, missing rows, unknown rows and unreachable states", () => {
    const broken = {
      name: "broken",
      states: ["a", "b", "c", "d"],
      initial: "a",
      initialEvents: [],
      transitions: { a: { b: [], z: [] }, b: {}, d: { a: [] }, y: {} }
    } as unknown as StateMachine.StateMachine<string>
    const result = StateMachine.validate(broken)
    expect(Either.isLeft(result) && result.left.problems).toEqual([
      `"c" has no row in the transitions table`,
      `"a" moves to unknown state "z"`,
      `the table has a row for unknown state "y"`,
      `"c" is unreachable from "a"`,
      `"d" is unreachable from "a"`
    ])
  })

  describe.each(machines.map((m) => [m.name, m] as const))("the %s machine", (_, machine) => {
    it("is valid: closed, and every state is reachable from the initial one", () => {
      expect(Either.isRight(StateMachine.validate(machine as StateMachine.StateMachine<string, string>))).toBe(true)
      expect(StateMachine.reachableFrom(machine as StateMachine.StateMachine<string, string>).size).toBe(
        machine.states.length
      )
    })

    it("emits only webhook events the API defines", () => {
      const m = machine as StateMachine.StateMachine<string, string>
      const all = [
        ...m.initialEvents,
        ...m.states.flatMap((from) =>
          StateMachine.targets(m, from).flatMap((to) => StateMachine.eventsOf(m, from, to) ?? [])
        )
      ]
      for (const event of all) expect(Schema.is(WebhookEvent.WebhookEvent)(event)).toBe(true)
    })

    it.prop(
      "a move is legal exactly when the table lists it",
      [fc.constantFrom(...machine.states), fc.constantFrom(...machine.states)],
      ([from, to]) => {
        const m = machine as StateMachine.StateMachine<string, string>
        const listed = StateMachine.targets(m, from).includes(to)
        expect(Either.isRight(StateMachine.transition(m, from, to))).toBe(listed)
      }
    )
  })
})
