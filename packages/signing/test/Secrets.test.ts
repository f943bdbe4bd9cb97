import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, FastCheck as fc, Redacted } from "effect"
import { RandomBytes, Signature, SigningSecret, WebhookSecret } from "../src/index.js"

const arbEntropy = fc.uint8Array({ minLength: 48, maxLength: 48 })
const ones = new Uint8Array(48).fill(0xff)

describe("SigningSecret", () => {
  it("is sks_ followed by 48 base-62 characters", () => {
    expect(Either.getOrThrow(SigningSecret.fromEntropy(ones))).toBe(
      "sks_Fo1ilUCayxXPTIT2jcu5ROEreTG05zNxsdHWiYIUcT58sjHI"
    )
  })

  it.prop("every generated secret parses", [arbEntropy], ([bytes]) => {
    const secret = Either.getOrThrow(SigningSecret.fromEntropy(bytes))
    expect(Either.getOrThrow(SigningSecret.parse(secret))).toBe(secret)
  })

  it.each([
    ["sk_live_" + "a".repeat(48), "unknown_prefix"],
    ["whsec_" + "a".repeat(48), "unknown_prefix"],
    ["sks_" + "a".repeat(10), "invalid_length"],
    ["sks_" + "a".repeat(47) + "_", "invalid_characters"]
  ] as const)("refuses %j as %s", (presented, reason) => {
    const result = SigningSecret.parse(presented)
    expect(Either.isLeft(result) && result.left).toMatchObject({ _tag: "SigningSecretMalformed", reason })
  })

  it.effect("generate draws from RandomBytes and signs like any secret", () =>
    Effect.gen(function* () {
      const secret = yield* SigningSecret.generate
      expect(secret).toBe(Either.getOrThrow(SigningSecret.fromEntropy(ones)))
      const header = Signature.sign({ body: "{}", secret: Redacted.make(secret), timestamp: 1 })
      expect(Either.isRight(Signature.verify({ body: "{}", header, secrets: secret, now: 1 }))).toBe(true)
    }).pipe(Effect.provide(RandomBytes.layer(() => ones)))
  )
})

describe("WebhookSecret", () => {
  it("is whsec_ followed by 48 base-62 characters", () => {
    expect(Either.getOrThrow(WebhookSecret.fromEntropy(new Uint8Array(48)))).toBe("whsec_" + "0".repeat(48))
  })

  it.prop("every generated secret parses", [arbEntropy], ([bytes]) => {
    const secret = Either.getOrThrow(WebhookSecret.fromEntropy(bytes))
    expect(Either.getOrThrow(WebhookSecret.parse(secret))).toBe(secret)
  })

  it.each([
    ["sks_" + "a".repeat(48), "unknown_prefix"],
    ["whsec_" + "a".repeat(49), "invalid_length"],
    ["whsec_" + "a".repeat(47) + "+", "invalid_characters"]
  ] as const)("refuses %j as %s", (presented, reason) => {
    const result = WebhookSecret.parse(presented)
    expect(Either.isLeft(result) && result.left).toMatchObject({ _tag: "WebhookSecretMalformed", reason })
  })

  it.effect("generate draws from RandomBytes", () =>
    Effect.gen(function* () {
      expect(yield* WebhookSecret.generate).toBe("whsec_" + "0".repeat(48))
    }).pipe(Effect.provide(RandomBytes.layer((size) => new Uint8Array(size))))
  )
})
