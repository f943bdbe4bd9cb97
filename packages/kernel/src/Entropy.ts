/**
 * The one source of randomness of every Shopvo process: the operating system's CSPRNG. Ids, API
 * keys, signing and webhook secrets all draw from here; the pure packages take it as the
 * `RandomBytes` service, so their tests can supply fixed bytes.
 */
import { RandomBytes } from "@shopvo/signing"
import { randomBytes, randomUUID } from "node:crypto"

/** `size` bytes from the OS random source. */
export const bytes = (size: number): Uint8Array => new Uint8Array(randomBytes(size))

/** The `RandomBytes` service of `@shopvo/signing`, backed by the OS random source. */
export const layer = RandomBytes.layer(bytes)

/** A random (version 4) UUID, for ids that other systems expect in that form (request ids). */
export const uuid = (): string => randomUUID()
