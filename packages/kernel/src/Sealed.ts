/**
 * Encryption at rest for the data vault: AES-256-GCM with a random 96-bit IV per value, sealed as
 * `iv || tag || ciphertext`. The associated data binds a sealed value to where it is stored (site,
 * mode, record id), so a ciphertext copied onto another row does not open.
 */
import { createCipheriv, createDecipheriv } from "node:crypto"
import { Data, Either, Redacted } from "effect"
import * as Entropy from "./Entropy.js"

const ivLength = 12
const tagLength = 16

/** A 256-bit key, kept out of logs. */
export type Key = Redacted.Redacted<Uint8Array>

/** The configured key is not 32 bytes of base64 or 64 hex characters. */
export class InvalidKey extends Data.TaggedError("InvalidKey")<Record<never, never>> {
  override get message() {
    return "The vault key must be 32 bytes, given as 64 hex characters or base64"
  }
}

/** A sealed value did not open: wrong key, wrong associated data or altered bytes. */
export class OpenFailed extends Data.TaggedError("OpenFailed")<Record<never, never>> {}

/** Reads a key from its configured text: 64 hex characters, or base64 of 32 bytes. */
export const parseKey = (text: string): Either.Either<Key, InvalidKey> => {
  const trimmed = text.trim()
  const bytes = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, "hex") : Buffer.from(trimmed, "base64")
  return bytes.length === 32 ? Either.right(Redacted.make(new Uint8Array(bytes))) : Either.left(new InvalidKey())
}

/** Encrypts `plaintext` (UTF-8) under `key`, bound to `associatedData`. */
export const seal = (key: Key, plaintext: string, associatedData: string): Uint8Array => {
  const iv = Entropy.bytes(ivLength)
  const cipher = createCipheriv("aes-256-gcm", Redacted.value(key), iv, { authTagLength: tagLength })
  cipher.setAAD(Buffer.from(associatedData, "utf8"))
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()])
  return Buffer.concat([iv, cipher.getAuthTag(), body])
}

/** Decrypts what `seal` produced with the same key and associated data. */
export const open = (key: Key, sealed: Uint8Array, associatedData: string): Either.Either<string, OpenFailed> => {
  if (sealed.length < ivLength + tagLength) return Either.left(new OpenFailed())
  try {
    const decipher = createDecipheriv("aes-256-gcm", Redacted.value(key), sealed.subarray(0, ivLength), {
      authTagLength: tagLength
    })
    decipher.setAAD(Buffer.from(associatedData, "utf8"))
    decipher.setAuthTag(sealed.subarray(ivLength, ivLength + tagLength))
    const body = Buffer.concat([decipher.update(sealed.subarray(ivLength + tagLength)), decipher.final()])
    return Either.right(body.toString("utf8"))
  } catch {
    return Either.left(new OpenFailed())
  }
}
