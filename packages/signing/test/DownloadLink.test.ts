import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck as fc } from "effect"
import { DownloadLink } from "../src/index.js"

const T = 1767225600 // 2026-01-01T00:00:00Z
const link = { siteId: "site_abc", livemode: true, resourceId: "oli_abc", expires: T }
const secret = "dl_secret"
// Computed independently with Python's hmac module over "1767225600.site_abc|live|oli_abc".
const known = "8b5445d12a5d4355213cf033aac29130cf961d7a74ef6f783a114911eef235b1"

const arbLink = fc.record({
  siteId: fc.stringMatching(/^site_[A-Za-z0-9]{1,20}$/),
  livemode: fc.boolean(),
  resourceId: fc.stringMatching(/^oli_[A-Za-z0-9]{1,20}$/),
  expires: fc.integer({ min: 0, max: 2 ** 40 })
})
const arbSecret = fc.string({ minLength: 1, maxLength: 64 })
const refusal = (result: Either.Either<void, DownloadLink.Refusal>) => (Either.isLeft(result) ? result.left : "ok")

describe("DownloadLink", () => {
  it("signs <expires>.<site>|<mode>|<resource> with HMAC-SHA256 (known answer)", () => {
    expect(DownloadLink.sign(link, secret)).toBe(known)
  })

  it("accepts its own signature until the expiry, inclusive, then says expired", () => {
    fc.assert(
      fc.property(arbLink, arbSecret, fc.integer({ min: 0, max: 1000 }), (l, s, offset) => {
        const signature = DownloadLink.sign(l, s)
        expect(refusal(DownloadLink.verify(l, signature, s, l.expires - offset))).toBe("ok")
        expect(refusal(DownloadLink.verify(l, signature, s, l.expires + 1 + offset))).toBe("expired")
      })
    )
  })

  it("refuses a link with any part changed, or under another secret, as invalid (even when expired)", () => {
    fc.assert(
      fc.property(arbLink, arbSecret, arbSecret, (l, s, other) => {
        const signature = DownloadLink.sign(l, s)
        const later = l.expires + 10_000
        for (const altered of [
          { ...l, siteId: `${l.siteId}x` },
          { ...l, livemode: !l.livemode },
          { ...l, resourceId: `${l.resourceId}x` },
          { ...l, expires: l.expires + 1 }
        ]) {
          expect(refusal(DownloadLink.verify(altered, signature, s, l.expires - 1))).toBe("invalid")
          expect(refusal(DownloadLink.verify(altered, signature, s, later))).toBe("invalid")
        }
        if (other !== s) expect(refusal(DownloadLink.verify(l, signature, other, l.expires))).toBe("invalid")
      })
    )
  })

  it("refuses signatures of another shape without comparing", () => {
    const signature = DownloadLink.sign(link, secret)
    for (const bad of ["", signature.slice(1), signature.toUpperCase(), `${signature}00`, "z".repeat(64)]) {
      expect(refusal(DownloadLink.verify(link, bad, secret, T))).toBe("invalid")
    }
    expect(refusal(DownloadLink.verify({ ...link, expires: Number.NaN }, signature, secret, T))).toBe("invalid")
  })
})
