import { describe, expect, it } from "@effect/vitest"
import { DateTime, Effect, Either, FastCheck as fc, Redacted } from "effect"
import { Signature, SignatureError } from "../src/index.js"

/** The key HMAC actually uses for a short secret: trailing NUL bytes are its own padding. */
const withoutTrailingNuls = (secret: string) => {
  let end = secret.length
  while (end > 0 && secret.charCodeAt(end - 1) === 0) end--
  return secret.slice(0, end)
}

const T = 1767225600 // 2026-01-01T00:00:00Z
const body = JSON.stringify({ productId: "prd_abc" })
const secret = "sks_test_secret"
// Computed independently with Python's hmac module.
const knownDigest = "ca52d96d130bf6480aa84539ca8e63b749ed81f832cb687cb44956439bded692"

const leftTag = <A, E extends { readonly _tag: string }>(result: Either.Either<A, E>): string =>
  Either.isLeft(result) ? result.left._tag : "Right"

const arbBody: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.string({ maxLength: 300 }),
  fc.uint8Array({ maxLength: 2048 })
)
const arbSecret = fc.string({ unit: "binary", maxLength: 80 })
const arbTimestamp = fc.integer({ min: 0, max: 2 ** 40 })

const toBytes = (b: string | Uint8Array): Uint8Array => (typeof b === "string" ? new TextEncoder().encode(b) : b)

describe("Signature", () => {
  describe("sign", () => {
    it("produces t=<unix>,sha256=<hex> over <t>.<body> (known answer)", () => {
      expect(Signature.sign({ body, secret, timestamp: T })).toBe(`t=${T},sha256=${knownDigest}`)
      expect(Signature.digest({ body, secret, timestamp: T })).toBe(knownDigest)
    })

    it("floors a DateTime to whole seconds, as the reference's Math.floor(Date.now() / 1000)", () => {
      const at = DateTime.unsafeMake(T * 1000 + 999)
      expect(Signature.sign({ body, secret, timestamp: at })).toBe(`t=${T},sha256=${knownDigest}`)
    })

    it("signs the exact bytes: a Uint8Array body equals its UTF-8 string", () => {
      const text = '{"name":"Crème brûlée 🍮"}'
      expect(Signature.sign({ body: new TextEncoder().encode(text), secret, timestamp: T })).toBe(
        Signature.sign({ body: text, secret, timestamp: T })
      )
    })

    it("accepts a Redacted secret", () => {
      expect(Signature.sign({ body, secret: Redacted.make(secret), timestamp: T })).toBe(`t=${T},sha256=${knownDigest}`)
    })

    it("emits one sha256= entry per secret during rotation, in order", () => {
      const header = Signature.sign({ body, secret: ["sks_old", secret], timestamp: T })
      const [t, first, second, ...rest] = header.split(",")
      expect(t).toBe(`t=${T}`)
      expect(first).toBe(`sha256=${Signature.digest({ body, secret: "sks_old", timestamp: T })}`)
      expect(second).toBe(`sha256=${knownDigest}`)
      expect(rest).toEqual([])
    })
  })

  describe("parse", () => {
    const hex = knownDigest

    it("reads the timestamp and every signature", () => {
      const parsed = Either.getOrThrow(Signature.parse(`t=${T},sha256=${hex},sha256=${"0".repeat(64)}`))
      expect(parsed.timestamp).toBe(T)
      expect(parsed.signatures).toEqual([hex, "0".repeat(64)])
    })

    it("tolerates whitespace, empty parts, upper-case hex and unknown schemes", () => {
      const parsed = Either.getOrThrow(Signature.parse(`  t = ${T} ,, sha256= ${hex.toUpperCase()} , v1=whatever, `))
      expect(parsed.timestamp).toBe(T)
      expect(parsed.signatures).toEqual([hex])
    })

    it("is SignatureMissing for an absent or blank header", () => {
      for (const header of [undefined, null, "", "   "]) {
        expect(leftTag(Signature.parse(header))).toBe("SignatureMissing")
      }
    })

    it.each([
      ["sha256=" + hex, "missing_timestamp"],
      [`t=${T}`, "missing_signature"],
      [`t=${T},t=${T},sha256=${hex}`, "duplicate_timestamp"],
      [`t=-1,sha256=${hex}`, "invalid_timestamp"],
      [`t=1.5,sha256=${hex}`, "invalid_timestamp"],
      [`t=,sha256=${hex}`, "invalid_timestamp"],
      [`t=1234567890123456,sha256=${hex}`, "invalid_timestamp"],
      [`t=${T},sha256=${hex.slice(1)}`, "invalid_signature"],
      [`t=${T},sha256=${hex}0`, "invalid_signature"],
      [`t=${T},sha256=${"g".repeat(64)}`, "invalid_signature"],
      [`t=${T},${hex}`, "invalid_part"],
      [`t=${T},=${hex}`, "invalid_part"]
    ] as const)("refuses %s as %s", (header, reason) => {
      const result = Signature.parse(header)
      expect(Either.isLeft(result) && result.left._tag === "SignatureMalformed" && result.left.reason).toBe(reason)
    })

    it.prop("never throws: every string parses or fails with a typed error", [fc.string({ maxLength: 200 })], ([s]) => {
      const tag = leftTag(Signature.parse(s))
      expect(["Right", "SignatureMissing", "SignatureMalformed"]).toContain(tag)
    })

    it.prop(
      "parse(sign(x)) gives back the timestamp and the digest",
      [arbBody, arbSecret, arbTimestamp],
      ([b, s, t]) => {
        const parsed = Either.getOrThrow(Signature.parse(Signature.sign({ body: b, secret: s, timestamp: t })))
        expect(parsed.timestamp).toBe(t)
        expect(parsed.signatures).toEqual([Signature.digest({ body: b, secret: s, timestamp: t })])
      }
    )
  })

  describe("verify", () => {
    const header = `t=${T},sha256=${knownDigest}`

    it("accepts a valid signature and says which entry and secret matched", () => {
      const verified = Either.getOrThrow(Signature.verify({ body, header, secrets: secret, now: T + 10 }))
      expect(verified.timestamp).toBe(T)
      expect(verified.signature).toBe(knownDigest)
      expect(verified.secretIndex).toBe(0)
    })

    it("accepts any of several secrets (receiver-side rotation)", () => {
      const verified = Either.getOrThrow(
        Signature.verify({ body, header, secrets: ["sks_new", Redacted.make(secret)], now: T })
      )
      expect(verified.secretIndex).toBe(1)
    })

    it("accepts any of several sha256= entries (sender-side rotation)", () => {
      const rotated = Signature.sign({ body, secret: ["sks_old", "sks_new"], timestamp: T })
      const verified = Either.getOrThrow(Signature.verify({ body, header: rotated, secrets: "sks_new", now: T }))
      expect(verified.signature).toBe(Signature.digest({ body, secret: "sks_new", timestamp: T }))
      expect(leftTag(Signature.verify({ body, header: rotated, secrets: "sks_other", now: T }))).toBe(
        "SignatureMismatch"
      )
    })

    it("re-spellings of one header verify to the same timestamp and signature (the replay key)", () => {
      const spellings = [
        header,
        ` t=${T} , sha256=${knownDigest.toUpperCase()} `,
        `sha256=${"0".repeat(64)},t=${T},sha256=${knownDigest},v1=x`
      ]
      for (const spelling of spellings) {
        const verified = Either.getOrThrow(Signature.verify({ body, header: spelling, secrets: secret, now: T }))
        expect([verified.timestamp, verified.signature]).toEqual([T, knownDigest])
      }
    })

    it("is SignatureMismatch with no secret at all", () => {
      expect(leftTag(Signature.verify({ body, header, secrets: [], now: T }))).toBe("SignatureMismatch")
    })

    it("accepts exactly the tolerance and refuses one millisecond more, in both directions", () => {
      const at = (ms: number) => DateTime.unsafeMake(ms)
      const verifyAt = (ms: number) => Signature.verify({ body, header, secrets: secret, now: at(ms) })
      expect(leftTag(verifyAt((T + 300) * 1000))).toBe("Right")
      expect(leftTag(verifyAt((T - 300) * 1000))).toBe("Right")
      expect(leftTag(verifyAt((T + 300) * 1000 + 1))).toBe("SignatureTimestampOutOfTolerance")
      expect(leftTag(verifyAt((T - 300) * 1000 - 1))).toBe("SignatureTimestampOutOfTolerance")
    })

    it("reports the signed timestamp, its age and the tolerance", () => {
      const result = Signature.verify({ body, header, secrets: secret, now: T + 3600, toleranceSeconds: 60 })
      expect(Either.isLeft(result)).toBe(true)
      const error = Either.isLeft(result) ? result.left : undefined
      expect(error).toBeInstanceOf(SignatureError.SignatureTimestampOutOfTolerance)
      expect(error).toMatchObject({ timestamp: T, ageSeconds: 3600, toleranceSeconds: 60 })
      expect(error?.message).toBe(`The X-Shopvo-Signature timestamp ${T} is 3600s old, outside the tolerance of 60s`)
      const future = Signature.verify({ body, header, secrets: secret, now: T - 400 })
      expect(Either.isLeft(future) && future.left.message).toContain("dated 400s in the future")
    })

    it("fails closed on a NaN clock or tolerance", () => {
      expect(leftTag(Signature.verify({ body, header, secrets: secret, now: Number.NaN }))).toBe(
        "SignatureTimestampOutOfTolerance"
      )
      expect(leftTag(Signature.verify({ body, header, secrets: secret, now: T, toleranceSeconds: Number.NaN }))).toBe(
        "SignatureTimestampOutOfTolerance"
      )
    })

    it("disables the replay window only when asked with Infinity", () => {
      expect(leftTag(Signature.verify({ body, header, secrets: secret, now: T * 2, toleranceSeconds: Infinity }))).toBe(
        "Right"
      )
    })

    it("never puts the secret or the expected digest into a failure", () => {
      const result = Signature.verify({ body: body + " ", header, secrets: secret, now: T })
      expect(leftTag(result)).toBe("SignatureMismatch")
      const text = Either.isLeft(result) ? `${result.left.message} ${JSON.stringify(result.left)}` : ""
      expect(text).not.toContain(secret)
      expect(text).not.toContain(Signature.digest({ body: body + " ", secret, timestamp: T }))
    })

    it.effect("is an Effect: yield* fails with the typed error", () =>
      Effect.gen(function* () {
        const ok = yield* Signature.verify({ body, header, secrets: secret, now: T })
        expect(ok.timestamp).toBe(T)
        const error = yield* Effect.flip(Signature.verify({ body, header: undefined, secrets: secret, now: T }))
        expect(error._tag).toBe("SignatureMissing")
        const recovered = yield* Signature.verify({ body, header: "t=1", secrets: secret, now: T }).pipe(
          Effect.catchTag("SignatureMalformed", (e) => Effect.succeed(e.reason))
        )
        expect(recovered).toBe("missing_signature")
      })
    )

    it.prop(
      "sign → verify round-trips for any body, secret and timestamp within the tolerance",
      [arbBody, arbSecret, arbTimestamp, fc.integer({ min: -300_000, max: 300_000 })],
      ([b, s, t, skewMs]) => {
        const header = Signature.sign({ body: b, secret: s, timestamp: t })
        const now = DateTime.unsafeMake(t * 1000 + skewMs)
        const verified = Signature.verify({ body: b, header, secrets: s, now })
        expect(leftTag(verified)).toBe("Right")
      }
    )

    it.prop(
      "any one-byte change of the body fails with SignatureMismatch",
      [
        arbBody.filter((b) => toBytes(b).length > 0),
        arbSecret,
        arbTimestamp,
        fc.nat(),
        fc.integer({ min: 1, max: 255 })
      ],
      ([b, s, t, index, flip]) => {
        const header = Signature.sign({ body: b, secret: s, timestamp: t })
        const tampered = Uint8Array.from(toBytes(b))
        tampered[index % tampered.length]! ^= flip
        expect(leftTag(Signature.verify({ body: tampered, header, secrets: s, now: t }))).toBe("SignatureMismatch")
      }
    )

    it.prop(
      "a changed timestamp fails with SignatureMismatch",
      [arbBody, arbSecret, arbTimestamp, arbTimestamp],
      ([b, s, t, t2]) => {
        fc.pre(t !== t2)
        const signed = Signature.sign({ body: b, secret: s, timestamp: t })
        const header = signed.replace(`t=${t},`, `t=${t2},`)
        expect(leftTag(Signature.verify({ body: b, header, secrets: s, now: t2 }))).toBe("SignatureMismatch")
      }
    )

    it.prop(
      "a different secret fails with SignatureMismatch",
      [arbBody, arbSecret, arbSecret, arbTimestamp],
      ([b, s, s2, t]) => {
        // HMAC pads a short key with zero bytes, so "" and "\u0000" are one key: not different secrets.
        fc.pre(withoutTrailingNuls(s) !== withoutTrailingNuls(s2))
        const header = Signature.sign({ body: b, secret: s, timestamp: t })
        expect(leftTag(Signature.verify({ body: b, header, secrets: s2, now: t }))).toBe("SignatureMismatch")
      }
    )

    it.prop(
      "outside the tolerance always fails, even with a valid signature",
      [arbBody, arbSecret, arbTimestamp, fc.nat({ max: 86_400 }), fc.integer({ min: 1, max: 10 ** 9 }), fc.boolean()],
      ([b, s, t, tolerance, beyondMs, future]) => {
        const header = Signature.sign({ body: b, secret: s, timestamp: t })
        const offset = tolerance * 1000 + beyondMs
        const now = DateTime.unsafeMake(t * 1000 + (future ? -offset : offset))
        const result = Signature.verify({ body: b, header, secrets: s, now, toleranceSeconds: tolerance })
        expect(leftTag(result)).toBe("SignatureTimestampOutOfTolerance")
      }
    )
  })
})
