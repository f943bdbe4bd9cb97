/**
 * Interoperability, tested rather than assumed: the snippets published in the
 * Shopvo v1 API reference ("Request Signing (HMAC-SHA256)") and in the Sellvy
 * API docs ("Verifying Webhook Signatures") are the public contract. They are
 * transcribed below as published — only indentation and semicolons differ,
 * `Date.now()` included: the tests pin the clock with fake timers instead of
 * editing the snippets — and run against this package in both directions.
 * The Python snippet runs in `python3`.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "@effect/vitest"
import { Either, FastCheck as fc } from "effect"
import { execFileSync } from "node:child_process"
import crypto from "node:crypto"
import { Signature } from "../src/index.js"

// --- Shopvo v1 API reference, "Node.js example" ----------------------------
function buildSignatureHeader(body: string, signingSecret: string): string {
  const timestamp = Math.floor(Date.now() / 1000).toString()
  const payload = `${timestamp}.${body}`
  const sig = crypto.createHmac("sha256", signingSecret).update(payload, "utf8").digest("hex")
  return `t=${timestamp},sha256=${sig}`
}

// --- Shopvo v1 API reference, "Verifying incoming webhook signatures" ------
function verifyWebhookSignature(rawBody: string, header: string, secret: string, toleranceSec = 300): boolean {
  const parts = Object.fromEntries(header.split(",").map((p) => p.split("=")))
  const timestamp = parts["t"]
  const received = parts["sha256"]
  if (!timestamp || !received) return false
  const age = Math.abs(Date.now() / 1000 - Number(timestamp))
  if (age > toleranceSec) return false // replay protection
  const expected = crypto.createHmac("sha256", secret).update(`${timestamp}.${rawBody}`, "utf8").digest("hex")
  return crypto.timingSafeEqual(Buffer.from(received), Buffer.from(expected))
}

// --- Sellvy API docs, "JavaScript:" (untyped in the original: types added) --
function verifyWebhook(payload: string, signature: string, secret: string) {
  const expected = crypto.createHmac("sha256", secret).update(payload).digest("hex")
  return crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
}

// --- Sellvy API docs, "Python:", driven by a loop over JSON cases on stdin --
const sellvyPython = `
import hmac
import hashlib
def verify_webhook(payload: bytes, signature: str, secret: str) -> bool:
    expected = hmac.new(
        secret.encode(),
        payload,
        hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(signature, expected)

import json, sys
results = []
for case in json.load(sys.stdin):
    payload = bytes.fromhex(case["payload"])
    expected = hmac.new(case["secret"].encode(), payload, hashlib.sha256).hexdigest()
    results.append({
        "expected": expected,
        "valid": verify_webhook(payload, case["signature"], case["secret"]),
        "tamperedValid": verify_webhook(payload + b"x", case["signature"], case["secret"]),
    })
json.dump(results, sys.stdout)
`

interface PythonResult {
  readonly expected: string
  readonly valid: boolean
  readonly tamperedValid: boolean
}

const runPython = (cases: ReadonlyArray<{ payload: string; signature: string; secret: string }>) =>
  JSON.parse(
    execFileSync("python3", ["-c", sellvyPython], { input: JSON.stringify(cases), encoding: "utf8" })
  ) as Array<PythonResult>

const T = 1767225600
const atUnix = (seconds: number) => vi.setSystemTime(seconds * 1000)

const signatureOf = (header: string): string => header.split(",sha256=")[1]!

// Valid code points only: Python's str.encode() refuses lone surrogates, which
// JSON would otherwise carry into the driver.
const arbText = fc.string({ unit: "binary", maxLength: 200 })
const arbCase = fc.record({
  body: arbText,
  secret: fc.string({ unit: "binary", minLength: 1, maxLength: 60 }),
  timestamp: fc.integer({ min: 1_000_000_000, max: 4_000_000_000 })
})

describe("Interop", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  describe("the reference's Node signing snippet", () => {
    it("produces exactly our header, and we verify it", () => {
      atUnix(T)
      const body = JSON.stringify({ productId: "prd_abc" })
      const header = buildSignatureHeader(body, "sks_xxxxxxxx")
      expect(header).toBe(Signature.sign({ body, secret: "sks_xxxxxxxx", timestamp: T }))
      expect(Either.isRight(Signature.verify({ body, header, secrets: "sks_xxxxxxxx", now: T + 1 }))).toBe(true)
    })

    it("agrees with us on arbitrary bodies, secrets and timestamps", () => {
      for (const c of fc.sample(arbCase, { numRuns: 300, seed: 42 })) {
        atUnix(c.timestamp)
        const header = buildSignatureHeader(c.body, c.secret)
        expect(header).toBe(Signature.sign({ body: c.body, secret: c.secret, timestamp: c.timestamp }))
        const verified = Signature.verify({ body: c.body, header, secrets: c.secret, now: c.timestamp })
        expect(Either.isRight(verified)).toBe(true)
      }
    })

    it("signs with a sub-second clock exactly as we floor a DateTime", () => {
      vi.setSystemTime(T * 1000 + 999)
      expect(buildSignatureHeader("{}", "sks_x")).toBe(Signature.sign({ body: "{}", secret: "sks_x", timestamp: T }))
    })
  })

  describe("the reference's Node verification snippet", () => {
    it("accepts our headers and refuses tampered ones", () => {
      for (const c of fc.sample(arbCase, { numRuns: 300, seed: 7 })) {
        const header = Signature.sign({ body: c.body, secret: c.secret, timestamp: c.timestamp })
        atUnix(c.timestamp + 299)
        expect(verifyWebhookSignature(c.body, header, c.secret)).toBe(true)
        expect(verifyWebhookSignature(c.body + "x", header, c.secret)).toBe(false)
        expect(verifyWebhookSignature(c.body, header, c.secret + "x")).toBe(false)
      }
    })

    it("applies the same 300 s window we do", () => {
      const body = '{"event":"order.created"}'
      const header = Signature.sign({ body, secret: "whsec_x", timestamp: T })
      for (const offset of [-301, -300, 0, 300, 301]) {
        atUnix(T + offset)
        const ours = Either.isRight(Signature.verify({ body, header, secrets: "whsec_x", now: T + offset }))
        expect(verifyWebhookSignature(body, header, "whsec_x")).toBe(ours)
        expect(ours).toBe(Math.abs(offset) <= 300)
      }
    })
  })

  describe("the Sellvy snippets over <t>.<body>", () => {
    it("JavaScript: verifyWebhook accepts our signature", () => {
      for (const c of fc.sample(arbCase, { numRuns: 100, seed: 3 })) {
        const header = Signature.sign({ body: c.body, secret: c.secret, timestamp: c.timestamp })
        expect(verifyWebhook(`${c.timestamp}.${c.body}`, signatureOf(header), c.secret)).toBe(true)
      }
    })

    it("Python: hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest() equals our signature", () => {
      const textCases = fc.sample(arbCase, { numRuns: 150, seed: 11 }).map((c) => ({
        body: c.body as string | Uint8Array,
        secret: c.secret,
        timestamp: c.timestamp
      }))
      const byteCases = fc.sample(
        fc.record({ body: fc.uint8Array({ maxLength: 512 }), secret: arbText, timestamp: fc.nat() }),
        {
          numRuns: 50,
          seed: 12
        }
      )
      const cases = [
        { body: JSON.stringify({ productId: "prd_abc" }), secret: "sks_test_secret", timestamp: T },
        ...textCases,
        ...byteCases
      ]
      const inputs = cases.map((c) => {
        const prefix = Buffer.from(`${c.timestamp}.`, "utf8")
        const body = typeof c.body === "string" ? Buffer.from(c.body, "utf8") : Buffer.from(c.body)
        return {
          payload: Buffer.concat([prefix, body]).toString("hex"),
          signature: signatureOf(Signature.sign(c)),
          secret: c.secret
        }
      })
      const results = runPython(inputs)
      expect(results).toHaveLength(cases.length)
      results.forEach((result, i) => {
        expect(result.expected).toBe(inputs[i]!.signature)
        expect(result.valid).toBe(true)
        expect(result.tamperedValid).toBe(false)
      })
    })
  })
})
