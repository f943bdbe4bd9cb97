import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Exit, FastCheck as fc, Redacted, Schema } from "effect"
import { createHash } from "node:crypto"
import { ApiKey, RandomBytes } from "../src/index.js"

const zeros = new Uint8Array(48)
const ones = new Uint8Array(48).fill(0xff)
const arbEntropy = fc.uint8Array({ minLength: 48, maxLength: 48 })
const arbMode = fc.constantFrom<ApiKey.Mode>("live", "test")

const fixedBytes = (bytes: Uint8Array) => RandomBytes.layer(() => bytes)

describe("ApiKey", () => {
  describe("fromEntropy / generate", () => {
    it("encodes 48 bytes as the prefix and 48 base-62 characters", () => {
      expect(Either.getOrThrow(ApiKey.fromEntropy("test", zeros))).toBe("sk_test_" + "0".repeat(48))
      // 2^384 - 1 written in base 62, least significant digit first (computed with Python).
      expect(Either.getOrThrow(ApiKey.fromEntropy("live", ones))).toBe(
        "sk_live_Fo1ilUCayxXPTIT2jcu5ROEreTG05zNxsdHWiYIUcT58sjHI"
      )
    })

    it("refuses anything but exactly 48 bytes", () => {
      for (const size of [0, 32, 47, 49]) {
        const result = ApiKey.fromEntropy("live", new Uint8Array(size))
        expect(Either.isLeft(result) && result.left).toMatchObject({
          _tag: "InvalidEntropy",
          required: 48,
          received: size
        })
      }
    })

    it.prop("always yields a key that parses back to its mode", [arbMode, arbEntropy], ([mode, bytes]) => {
      const key = Either.getOrThrow(ApiKey.fromEntropy(mode, bytes))
      expect(key).toMatch(/^sk_(live|test)_[0-9A-Za-z]{48}$/)
      expect(Schema.is(ApiKey.ApiKey)(key)).toBe(true)
      expect(Either.getOrThrow(ApiKey.parse(key)).mode).toBe(mode)
    })

    it.prop("different entropy gives different keys", [arbEntropy, arbEntropy], ([a, b]) => {
      fc.pre(Buffer.compare(a, b) !== 0)
      expect(Either.getOrThrow(ApiKey.fromEntropy("live", a))).not.toBe(
        Either.getOrThrow(ApiKey.fromEntropy("live", b))
      )
    })

    it.effect("generate draws its bytes from the RandomBytes service", () =>
      Effect.gen(function* () {
        const key = yield* ApiKey.generate("live")
        expect(key).toBe(Either.getOrThrow(ApiKey.fromEntropy("live", ones)))
      }).pipe(Effect.provide(fixedBytes(ones)))
    )

    it.effect("a RandomBytes source that returns too few bytes is a defect, not a weak key", () =>
      Effect.gen(function* () {
        const exit = yield* Effect.exit(ApiKey.generate("test"))
        expect(Exit.isFailure(exit) && !Exit.isInterrupted(exit)).toBe(true)
        expect(Exit.isFailure(exit) && exit.cause._tag).toBe("Die")
      }).pipe(Effect.provide(fixedBytes(new Uint8Array(16))))
    )
  })

  describe("parse", () => {
    const live = Either.getOrThrow(ApiKey.fromEntropy("live", ones))

    it("reads the mode, a redacted key and the display prefix", () => {
      const parsed = Either.getOrThrow(ApiKey.parse(live))
      expect(parsed.mode).toBe("live")
      expect(parsed.livemode).toBe(true)
      expect(parsed.displayPrefix).toBe("sk_live_Fo1i")
      expect(Redacted.value(parsed.key)).toBe(live)
      expect(Either.getOrThrow(ApiKey.parse("sk_test_" + "a".repeat(48))).livemode).toBe(false)
    })

    it("never shows the key when the parsed value is logged", () => {
      const parsed = Either.getOrThrow(ApiKey.parse(live))
      expect(String(parsed)).not.toContain(live)
      expect(JSON.stringify(parsed)).not.toContain(live)
    })

    it.each([
      ["", "unknown_prefix"],
      ["Bearer " + "sk_live_" + "a".repeat(48), "unknown_prefix"],
      ["sk_prod_" + "a".repeat(48), "unknown_prefix"],
      ["SK_LIVE_" + "a".repeat(48), "unknown_prefix"],
      ["sks_" + "a".repeat(48), "unknown_prefix"],
      ["sk_live_" + "a".repeat(47), "invalid_length"],
      ["sk_live_" + "a".repeat(49), "invalid_length"],
      ["sk_live_" + "a".repeat(48) + " ", "invalid_length"],
      ["sk_test_" + "a".repeat(47) + "-", "invalid_characters"],
      ["sk_test_" + "a".repeat(47) + "é", "invalid_characters"]
    ] as const)("refuses %j as %s, without echoing it", (presented, reason) => {
      const result = ApiKey.parse(presented)
      expect(Either.isLeft(result) && result.left._tag).toBe("ApiKeyMalformed")
      expect(Either.isLeft(result) && result.left.reason).toBe(reason)
      if (presented.length > 0) {
        expect(Either.isLeft(result) && result.left.message).not.toContain(presented)
      }
    })

    it.prop("never throws on arbitrary input", [fc.string({ maxLength: 80 })], ([s]) => {
      const result = ApiKey.parse(s)
      expect(Either.isRight(result) || result.left._tag === "ApiKeyMalformed").toBe(true)
    })
  })

  describe("hash and displayPrefix", () => {
    const key = Either.getOrThrow(ApiKey.fromEntropy("test", zeros))

    it("hashes with SHA-256 hex (known answer computed with Python's hashlib)", () => {
      expect(ApiKey.hash(key)).toBe("8494aa4d72bd36b957f6fb24543b1bf0388f29c4bac0aa422663ec49649edaca")
      expect(ApiKey.hash(Redacted.make(key))).toBe(ApiKey.hash(key))
    })

    it.prop("hash is deterministic, 64 hex characters and distinct per key", [arbEntropy, arbEntropy], ([a, b]) => {
      const ka = Either.getOrThrow(ApiKey.fromEntropy("live", a))
      const kb = Either.getOrThrow(ApiKey.fromEntropy("live", b))
      expect(ApiKey.hash(ka)).toMatch(/^[0-9a-f]{64}$/)
      expect(ApiKey.hash(ka)).toBe(createHash("sha256").update(ka).digest("hex"))
      expect(ApiKey.hash(ka) === ApiKey.hash(kb)).toBe(ka === kb)
    })

    it("the display prefix is the first 12 characters", () => {
      expect(ApiKey.displayPrefix(key)).toBe("sk_test_0000")
      expect(ApiKey.displayPrefix(Redacted.make(key))).toBe("sk_test_0000")
    })
  })
})
