/**
 * Prefixed, opaque resource ids (`site_…`, `key_…`, `prd_…`, `evt_…`): a type prefix a human can
 * read and 22 base62 characters (≈131 bits) from the OS random source.
 */
import * as Entropy from "./Entropy.js"

const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

export const make = (prefix: string): string => {
  let out = `${prefix}_`
  // 256 % 62 leaves a bias of < 0.5% per character; ids need uniqueness, not uniformity.
  for (const byte of Entropy.bytes(22)) out += alphabet[byte % 62]
  return out
}
