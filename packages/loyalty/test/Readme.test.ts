import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { readFileSync } from "node:fs"
import { checkout, refusal } from "./readme-example.js"

const read = (relative: string) => readFileSync(new URL(relative, import.meta.url), "utf8")

describe("README", () => {
  it("shows the example that this test compiles and runs", () => {
    const block = /```ts\n([\s\S]*?)```/.exec(read("../README.md"))?.[1]
    expect(block?.trim()).toBe(read("./readme-example.ts").trim())
  })

  it("the example gives the results its comments state", () => {
    const result = Either.getOrThrow(checkout)
    expect(result.earned).toBe(1299)
    expect(result.discount).toStrictEqual({ amount: 250, currency: "EUR" })
    expect(result.account).toMatchObject({ points: 1049, lifetimePoints: 1299, tier: "GOLD" })
    expect(refusal).toBe("only 0 points available")
  })
})
