/**
 * The shared shape of keys and secrets: a fixed prefix and a body of 48
 * base-62 characters derived from 48 random bytes.
 *
 * The 48 bytes are read as one 384-bit integer and written as 48 base-62
 * digits (the integer modulo 62^48). 62^48 ≈ 2^285.8, so each body carries
 * ≈ 285 bits of entropy, and because 2^384 is ≈ 2^98 times larger than 62^48
 * the modulo bias is below 2^-98 — unlike mapping each byte `% 62`, which
 * favours the first 8 characters by 25%.
 */
import { Effect, Either, Schema } from "effect"
import { InvalidEntropy, RandomBytes } from "../RandomBytes.js"

export const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
export const bodyLength = 48
export const entropyBytes = 48

const base = 62n

/** Exactly `entropyBytes` bytes → exactly `bodyLength` base-62 characters. */
export const encodeBody = (bytes: Uint8Array): Either.Either<string, InvalidEntropy> => {
  if (bytes.length !== entropyBytes) {
    return Either.left(new InvalidEntropy({ required: entropyBytes, received: bytes.length }))
  }
  let n = 0n
  for (const byte of bytes) n = (n << 8n) | BigInt(byte)
  let body = ""
  for (let i = 0; i < bodyLength; i++) {
    body += alphabet[Number(n % base)]
    n /= base
  }
  return Either.right(body)
}

/** Draws `entropyBytes` from the service and encodes them; a short source is a defect. */
export const generateBody: Effect.Effect<string, never, RandomBytes> = Effect.flatMap(RandomBytes, (random) =>
  random.next(entropyBytes)
).pipe(Effect.flatMap(encodeBody), Effect.orDie)

/** Why a presented key or secret was refused. */
export const MalformedReason = Schema.Literal("unknown_prefix", "invalid_length", "invalid_characters")
export type MalformedReason = typeof MalformedReason.Type

export const malformedText: Record<MalformedReason, string> = {
  unknown_prefix: "it does not start with a known prefix",
  invalid_length: `its body is not ${bodyLength} characters long`,
  invalid_characters: "its body contains characters outside 0-9, A-Z, a-z"
}

const bodyPattern = /^[0-9A-Za-z]*$/

/**
 * Which of `prefixes` `presented` starts with, provided the rest is a valid
 * body; otherwise the first reason it fails. The presented value is never put
 * into the failure: it may be a real secret with a typo.
 */
export const check = <P extends string>(
  prefixes: ReadonlyArray<P>,
  presented: string
): Either.Either<P, MalformedReason> => {
  const prefix = prefixes.find((p) => presented.startsWith(p))
  if (prefix === undefined) return Either.left("unknown_prefix")
  const body = presented.slice(prefix.length)
  if (body.length !== bodyLength) return Either.left("invalid_length")
  if (!bodyPattern.test(body)) return Either.left("invalid_characters")
  return Either.right(prefix)
}

/** The regular expression of a full token, for `Schema.pattern`. */
export const tokenPattern = (prefixes: ReadonlyArray<string>): RegExp =>
  new RegExp(`^(?:${prefixes.join("|")})[0-9A-Za-z]{${bodyLength}}$`)
