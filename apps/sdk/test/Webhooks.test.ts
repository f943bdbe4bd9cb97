import { Signature } from "@shopvo/signing"
import { FastCheck as fc } from "effect"
import { describe, expect, it } from "vitest"
import { createClient, webhooks } from "../src/index.js"

const secret = "whsec_9f8e7d6c5b4a39281706f5e4d3c2b1a0"
const body = JSON.stringify({ event: "order.created", data: { id: "order_xyz", number: "ORD-1042", total: 7137 } })
const now = 1_767_225_600

describe("webhooks.verify", () => {
  it("accepts what the API's signer (@shopvo/signing) produces, over the raw string or its bytes", async () => {
    const header = Signature.sign({ body, secret, timestamp: now })
    expect(await webhooks.verify(body, header, secret, { now })).toBe(true)
    expect(await webhooks.verify(new TextEncoder().encode(body), header, secret, { now })).toBe(true)
    // The client carries the same function.
    const client = createClient({ apiKey: "sk_test_x", siteId: "site_x", baseUrl: "http://127.0.0.1:1" })
    expect(await client.webhooks.verify(body, header, secret, { now })).toBe(true)
  })

  it("refuses another body, another secret, another timestamp", async () => {
    const header = Signature.sign({ body, secret, timestamp: now })
    expect(await webhooks.verify(body.replace("7137", "7138"), header, secret, { now })).toBe(false)
    expect(await webhooks.verify(body, header, `${secret}x`, { now })).toBe(false)
    const moved = header.replace(`t=${now}`, `t=${now + 1}`)
    expect(await webhooks.verify(body, moved, secret, { now })).toBe(false)
  })

  it("refuses a signature outside the tolerance, either way, and honours a custom tolerance", async () => {
    const header = Signature.sign({ body, secret, timestamp: now })
    expect(await webhooks.verify(body, header, secret, { now: now + 301 })).toBe(false)
    expect(await webhooks.verify(body, header, secret, { now: now - 301 })).toBe(false)
    expect(await webhooks.verify(body, header, secret, { now: now + 300 })).toBe(true)
    expect(await webhooks.verify(body, header, secret, { now: now + 20, tolerance: 10 })).toBe(false)
    expect(await webhooks.verify(body, header, secret, { now: now + 20, tolerance: 30 })).toBe(true)
    // Without `now`, the clock: a signature made now passes, one from an hour ago does not.
    const fresh = Signature.sign({ body, secret, timestamp: Math.floor(Date.now() / 1000) })
    expect(await webhooks.verify(body, fresh, secret)).toBe(true)
    const old = Signature.sign({ body, secret, timestamp: Math.floor(Date.now() / 1000) - 3600 })
    expect(await webhooks.verify(body, old, secret)).toBe(false)
  })

  it("accepts any matching entry of a rotation header, and the parser's spellings", async () => {
    const rotated = Signature.sign({ body, secret: ["whsec_old_secret_value", secret], timestamp: now })
    expect(await webhooks.verify(body, rotated, secret, { now })).toBe(true)
    const digest = Signature.digest({ body, secret, timestamp: now })
    expect(await webhooks.verify(body, ` t=${now} , sha256=${digest.toUpperCase()} `, secret, { now })).toBe(true)
    expect(await webhooks.verify(body, `sha256=${digest},t=${now},v2=whatever`, secret, { now })).toBe(true)
  })

  it("returns false, never throws, for malformed input", async () => {
    const digest = Signature.digest({ body, secret, timestamp: now })
    const malformed: ReadonlyArray<unknown> = [
      undefined,
      null,
      "",
      "garbage",
      `t=${now}`,
      `sha256=${digest}`,
      `t=${now},t=${now},sha256=${digest}`,
      `t=abc,sha256=${digest}`,
      `t=${now},sha256=${digest.slice(1)}`,
      `t=${now},sha256=${digest}zz`,
      `t=-1,sha256=${digest}`,
      `=,=`,
      42,
      { t: now }
    ]
    for (const header of malformed) {
      await expect(webhooks.verify(body, header as string, secret, { now })).resolves.toBe(false)
    }
    // Wrong argument types from untyped callers: still false.
    await expect(webhooks.verify(42 as unknown as string, `t=${now},sha256=${digest}`, secret, { now })).resolves.toBe(
      false
    )
    await expect(
      webhooks.verify(body, `t=${now},sha256=${digest}`, undefined as unknown as string, { now })
    ).resolves.toBe(false)
  })

  it("never throws and never accepts for arbitrary headers (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), async (rawBody, header) => {
        expect(await webhooks.verify(rawBody, header, secret, { now })).toBe(false)
      }),
      { numRuns: 300 }
    )
  })

  it("verifies every body the API's signer signs (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "grapheme" }), fc.integer({ min: 0, max: 2 ** 40 }), async (text, t) => {
        const header = Signature.sign({ body: text, secret, timestamp: t })
        expect(await webhooks.verify(text, header, secret, { now: t })).toBe(true)
      }),
      { numRuns: 200 }
    )
  })
})
