import { Either } from "effect"
import { bench, describe } from "vitest"
import { Signature } from "../src/index.js"

// A 1 KiB JSON-ish body: the size of a typical signed API request.
const body = JSON.stringify({ items: "x".repeat(1024 - 12) })
if (new TextEncoder().encode(body).length !== 1024) throw new Error("the body must be 1 KiB")
const secret = "sks_" + "A".repeat(48)
const timestamp = 1767225600
const header = Signature.sign({ body, secret, timestamp })
const rotated = Signature.sign({ body, secret: ["sks_old", secret], timestamp })
const tampered = body.slice(0, -2) + 'y"}'

describe("Signature over a 1 KiB body", () => {
  bench("verify (one secret, one entry)", () => {
    if (Either.isLeft(Signature.verify({ body, header, secrets: secret, now: timestamp + 5 }))) {
      throw new Error("expected a valid signature")
    }
  })

  bench("verify (rotation: two secrets, two entries)", () => {
    if (Either.isLeft(Signature.verify({ body, header: rotated, secrets: ["sks_new", secret], now: timestamp }))) {
      throw new Error("expected a valid signature")
    }
  })

  bench("verify refused as a mismatch", () => {
    Signature.verify({ body: tampered, header, secrets: secret, now: timestamp })
  })

  bench("sign", () => {
    Signature.sign({ body, secret, timestamp })
  })
})
