import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck } from "effect"
import * as Sealed from "../src/Sealed.js"

const key = Either.getOrThrow(Sealed.parseKey("11".repeat(32)))
const otherKey = Either.getOrThrow(Sealed.parseKey(Buffer.alloc(32, 7).toString("base64")))

describe("Sealed", () => {
  it("parseKey takes 64 hex characters or base64 of 32 bytes, nothing else", () => {
    expect(Either.isRight(Sealed.parseKey("ab".repeat(32)))).toBe(true)
    expect(Either.isRight(Sealed.parseKey(Buffer.alloc(32).toString("base64")))).toBe(true)
    expect(Either.isLeft(Sealed.parseKey("short"))).toBe(true)
    expect(Either.isLeft(Sealed.parseKey(Buffer.alloc(16).toString("base64")))).toBe(true)
  })

  it("the sealed bytes do not contain the plaintext, and two seals of one value differ", () => {
    const a = Sealed.seal(key, "Jane Smith", "site_1:true:vrec_1")
    const b = Sealed.seal(key, "Jane Smith", "site_1:true:vrec_1")
    expect(Buffer.from(a).includes(Buffer.from("Jane Smith"))).toBe(false)
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false)
  })

  it("property: opens with the same key and associated data, and only then", () => {
    FastCheck.assert(
      FastCheck.property(FastCheck.string(), FastCheck.string({ minLength: 1 }), (plaintext, aad) => {
        const sealed = Sealed.seal(key, plaintext, aad)
        const flipped = Uint8Array.from(sealed)
        flipped[flipped.length - 1] = (flipped[flipped.length - 1] ?? 0) ^ 1
        return (
          Either.getOrThrow(Sealed.open(key, sealed, aad)) === plaintext &&
          Either.isLeft(Sealed.open(otherKey, sealed, aad)) &&
          Either.isLeft(Sealed.open(key, sealed, `${aad}x`)) &&
          (plaintext === "" || Either.isLeft(Sealed.open(key, flipped, aad)))
        )
      }),
      { numRuns: 200 }
    )
  })
})
