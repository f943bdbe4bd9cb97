import { describe, expect, it } from "@effect/vitest"
import { FastCheck, Option } from "effect"
import * as DeliverySchedule from "../src/DeliverySchedule.js"

const minute = 60_000
const hour = 60 * minute

describe("DeliverySchedule", () => {
  it("retries after 1 min, 5 min, 30 min and 2 h, then backs off with jitter", () => {
    expect([1, 2, 3, 4].map((n) => DeliverySchedule.delayAfter(n, 0.5))).toEqual([
      minute,
      5 * minute,
      30 * minute,
      2 * hour
    ])
    expect(DeliverySchedule.delayAfter(5, 0.5)).toBe(4 * hour)
    expect(DeliverySchedule.delayAfter(5, 0)).toBe(3 * hour)
    expect(DeliverySchedule.delayAfter(9, 0.5)).toBe(DeliverySchedule.maxBackoff)
  })

  it("the last retry is at the window's end, and after it there is none", () => {
    const windowEndsAt = 24 * hour
    const last = DeliverySchedule.nextAttemptAt({
      failedAttempts: 8,
      lastAttemptAt: windowEndsAt - minute,
      windowEndsAt,
      jitter: 0.5
    })
    expect(last).toEqual(Option.some(windowEndsAt))
    expect(
      DeliverySchedule.nextAttemptAt({ failedAttempts: 9, lastAttemptAt: windowEndsAt, windowEndsAt, jitter: 0.5 })
    ).toEqual(Option.none())
  })

  it("scale compresses every delay", () => {
    expect(
      DeliverySchedule.nextAttemptAt({
        failedAttempts: 4,
        lastAttemptAt: 1000,
        windowEndsAt: 10 * hour,
        jitter: 0,
        scale: 1 / 1000
      })
    ).toEqual(Option.some(1000 + (2 * hour) / 1000))
  })

  it("property: a failing delivery is retried a bounded number of times, never after its window, always later", () => {
    FastCheck.assert(
      FastCheck.property(
        FastCheck.array(FastCheck.double({ min: 0, max: 0.999, noNaN: true }), { minLength: 40, maxLength: 40 }),
        (jitters) => {
          const windowEndsAt = DeliverySchedule.window
          let at = 0
          let failed = 1
          for (const jitter of jitters) {
            const next = DeliverySchedule.nextAttemptAt({
              failedAttempts: failed,
              lastAttemptAt: at,
              windowEndsAt,
              jitter
            })
            if (Option.isNone(next)) return failed <= 20 && at === windowEndsAt
            if (!(next.value > at || (failed === 0 && next.value === at)) || next.value > windowEndsAt) return false
            at = next.value
            failed++
          }
          return false
        }
      )
    )
  })
})
