import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, FastCheck, Schema } from "effect"
import { GiftCardCode, GiftCardCodeGenerator } from "@shopvo/balances"

const bytes = (...values: ReadonlyArray<number>) => Uint8Array.from(values)

describe("GiftCardCode", () => {
  it("alphabet: no look-alike characters, no duplicates", () => {
    for (const c of "0O1IL") expect(GiftCardCode.alphabet).not.toContain(c)
    expect(new Set(GiftCardCode.alphabet).size).toBe(GiftCardCode.alphabet.length)
    expect(GiftCardCode.alphabet).toMatch(/^[A-Z2-9]+$/)
  })

  it("fromRandomBytes: maps bytes onto the alphabet in order", () => {
    // 0 → A, 1 → B, 30 → 9 (last symbol), 31 → A again (31 mod 31)
    const code = GiftCardCode.fromRandomBytes(bytes(0, 1, 2, 3, 30, 31, 8, 9))
    expect(code).toStrictEqual(Either.right("GIFT-ABCD-9AJK"))
  })

  it("fromRandomBytes: skips bytes that would bias the distribution", () => {
    // 248..255 are rejected (256 mod 31 = 8); the code uses the bytes after them.
    const code = GiftCardCode.fromRandomBytes(bytes(248, 255, 0, 0, 0, 0, 249, 0, 0, 0, 0))
    expect(code).toStrictEqual(Either.right("GIFT-AAAA-AAAA"))
  })

  it("fromRandomBytes: too few usable bytes is a typed failure", () => {
    const result = GiftCardCode.fromRandomBytes(bytes(1, 2, 3, 255, 255, 255, 255, 255, 255))
    expect(result).toStrictEqual(Either.left(new GiftCardCode.NotEnoughRandomBytes({ supplied: 9 })))
  })

  it.prop(
    "fromRandomBytes: every 16 bytes give a canonical code (or run out) and the same bytes the same code",
    [FastCheck.uint8Array({ minLength: 16, maxLength: 16 })],
    ([random]) => {
      const first = GiftCardCode.fromRandomBytes(random)
      expect(GiftCardCode.fromRandomBytes(random)).toStrictEqual(first)
      if (Either.isRight(first)) {
        expect(Schema.is(GiftCardCode.GiftCardCode)(first.right)).toBe(true)
      } else {
        expect(random.filter((b) => b < 248).length).toBeLessThan(8)
      }
    }
  )

  it("fromRandomBytes: every symbol is equally likely for uniform bytes", () => {
    // Each accepted byte value maps to exactly 248 / 31 = 8 values: enumerate all of them.
    const counts = new Map<string, number>()
    for (let b = 0; b < 256; b++) {
      const code = GiftCardCode.fromRandomBytes(bytes(b, b, b, b, b, b, b, b))
      if (Either.isRight(code)) {
        const symbol = code.right.charAt(5)
        counts.set(symbol, (counts.get(symbol) ?? 0) + 1)
      }
    }
    expect(counts.size).toBe(31)
    expect(new Set(counts.values())).toStrictEqual(new Set([8]))
  })

  it("parse: normalises case and surrounding spaces", () => {
    expect(GiftCardCode.parse("  gift-7kqm-x4tz\n")).toStrictEqual(Either.right("GIFT-7KQM-X4TZ"))
    expect(Schema.decodeUnknownSync(GiftCardCode.GiftCardCodeFromInput)("Gift-abcd-efgh")).toBe("GIFT-ABCD-EFGH")
  })

  it("parse: refuses look-alikes, wrong layout and other prefixes", () => {
    for (const input of ["GIFT-0KQM-X4TZ", "GIFT-OKQM-X4TZ", "GIFT-1KQM-X4TZ", "GIFT-IKQM-X4TZ", "GIFT-LKQM-X4TZ"]) {
      expect(GiftCardCode.parse(input)).toStrictEqual(Either.left(new GiftCardCode.InvalidGiftCardCode({ input })))
    }
    for (const input of ["", "GIFT-7KQM", "GIFT-7KQM-X4TZ-AAAA", "GIFT7KQMX4TZ", "CARD-7KQM-X4TZ", "GIFT-7KQ-MX4TZ"]) {
      expect(Either.isLeft(GiftCardCode.parse(input))).toBe(true)
    }
  })

  it("GiftCardCode schema: only the canonical form is a code", () => {
    expect(Schema.is(GiftCardCode.GiftCardCode)("GIFT-7KQM-X4TZ")).toBe(true)
    expect(Schema.is(GiftCardCode.GiftCardCode)("gift-7kqm-x4tz")).toBe(false)
  })

  it.prop(
    "parse: every case variant of a code parses back to the code",
    [
      FastCheck.uint8Array({ minLength: 16, maxLength: 16 }),
      FastCheck.array(FastCheck.boolean(), { minLength: 14, maxLength: 14 })
    ],
    ([random, lower]) => {
      const code = GiftCardCode.fromRandomBytes(random)
      if (Either.isLeft(code)) return
      const typed = [...code.right].map((c, i) => (lower[i] === true ? c.toLowerCase() : c)).join("")
      expect(GiftCardCode.parse(` ${typed} `)).toStrictEqual(Either.right(code.right))
    }
  )
})

describe("GiftCardCodeGenerator", () => {
  it.effect("layer: draws codes from the injected byte source", () =>
    Effect.gen(function* () {
      const sizes: Array<number> = []
      let counter = 0
      const source = (size: number) => {
        sizes.push(size)
        return Uint8Array.from({ length: size }, () => counter++ % 31)
      }
      const generator = yield* GiftCardCodeGenerator.GiftCardCodeGenerator.pipe(
        Effect.provide(GiftCardCodeGenerator.layer(source))
      )
      expect(yield* generator.next).toBe("GIFT-ABCD-EFGH")
      expect(yield* generator.next).toBe("GIFT-TUVW-XYZ2")
      expect(sizes).toStrictEqual([16, 16])
    })
  )

  it.effect("layer: retries a short draw and dies on a source that never yields a code", () =>
    Effect.gen(function* () {
      let calls = 0
      const flaky = (size: number) => {
        calls++
        return calls === 1 ? new Uint8Array(size).fill(255) : new Uint8Array(size)
      }
      const code = yield* Effect.flatMap(GiftCardCodeGenerator.GiftCardCodeGenerator, (g) => g.next).pipe(
        Effect.provide(GiftCardCodeGenerator.layer(flaky))
      )
      expect(code).toBe("GIFT-AAAA-AAAA")
      expect(calls).toBe(2)

      const broken = (size: number) => new Uint8Array(size).fill(255)
      const exit = yield* Effect.flatMap(GiftCardCodeGenerator.GiftCardCodeGenerator, (g) => g.next).pipe(
        Effect.provide(GiftCardCodeGenerator.layer(broken)),
        Effect.exit
      )
      expect(exit._tag).toBe("Failure")
    })
  )

  it.effect("fromCodes: hands out fixed codes in order", () =>
    Effect.gen(function* () {
      const g = yield* GiftCardCodeGenerator.GiftCardCodeGenerator
      expect(yield* g.next).toBe("GIFT-AAAA-BBBB")
      expect(yield* g.next).toBe("GIFT-CCCC-DDDD")
      expect((yield* Effect.exit(g.next))._tag).toBe("Failure")
    }).pipe(
      Effect.provide(
        GiftCardCodeGenerator.fromCodes(
          ["GIFT-AAAA-BBBB", "GIFT-CCCC-DDDD"].map((c) => Schema.decodeSync(GiftCardCode.GiftCardCode)(c))
        )
      )
    )
  )
})
