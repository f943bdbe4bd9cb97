import { describe, expect, it } from "@effect/vitest"
import * as Ids from "../src/Ids.js"

describe("Ids", () => {
  it("make: the prefix, an underscore and 22 base62 characters", () => {
    expect(Ids.make("prd")).toMatch(/^prd_[0-9A-Za-z]{22}$/)
  })

  it("make: 10,000 ids are all different", () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => Ids.make("evt")))
    expect(ids.size).toBe(10_000)
  })
})
