/**
 * The service that hands out fresh gift card codes.
 *
 * Codes must be unguessable (a guessed code is spendable money), so they need
 * a cryptographically secure source. This package is pure and cannot reach one;
 * the application provides it, typically Node's `crypto.randomBytes`, through
 * `layer`. Effect's own `Random` is a seeded PRNG and is deliberately not used.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as GiftCardCode from "./GiftCardCode.js"

/**
 * Hands out gift card codes. `next` is infallible: a source that cannot
 * produce a code is a defect of the environment, not something a caller can
 * handle.
 *
 * @since 0.1.0
 */
export class GiftCardCodeGenerator extends Context.Tag("@shopvo/balances/GiftCardCodeGenerator")<
  GiftCardCodeGenerator,
  { readonly next: Effect.Effect<GiftCardCode.GiftCardCode> }
>() {}

/**
 * A source of secure random bytes, e.g. `(size) => crypto.randomBytes(size)`.
 *
 * @since 0.1.0
 */
export type RandomBytes = (size: number) => Uint8Array

// A uniform source fails `recommendedByteCount` bytes with p < 1e-9; failing
// this many times in a row means the source is not random at all.
const maxAttempts = 8

/**
 * A generator drawing `GiftCardCode.recommendedByteCount` bytes from
 * `randomBytes` per code. Dies if the source keeps returning bytes that
 * cannot form a code (e.g. all 0xFF), instead of looping forever.
 *
 * @since 0.1.0
 */
export const make = (randomBytes: RandomBytes): GiftCardCodeGenerator["Type"] => {
  const attempt = (remaining: number): Effect.Effect<GiftCardCode.GiftCardCode> =>
    Effect.flatMap(
      Effect.sync(() => GiftCardCode.fromRandomBytes(randomBytes(GiftCardCode.recommendedByteCount))),
      Either.match({
        onRight: Effect.succeed,
        onLeft: (error) => (remaining > 1 ? attempt(remaining - 1) : Effect.die(error))
      })
    )
  return { next: Effect.suspend(() => attempt(maxAttempts)) }
}

/**
 * The generator as a layer: `GiftCardCodeGenerator.layer(crypto.randomBytes)`.
 *
 * @since 0.1.0
 */
export const layer = (randomBytes: RandomBytes): Layer.Layer<GiftCardCodeGenerator> =>
  Layer.succeed(GiftCardCodeGenerator, make(randomBytes))

/**
 * A generator that hands out the given codes in order, then dies. For tests
 * and fixtures where the codes must be known in advance.
 *
 * @since 0.1.0
 */
export const fromCodes = (codes: Iterable<GiftCardCode.GiftCardCode>): Layer.Layer<GiftCardCodeGenerator> =>
  Layer.sync(GiftCardCodeGenerator, () => {
    const iterator = codes[Symbol.iterator]()
    return {
      next: Effect.suspend(() => {
        const step = iterator.next()
        return step.done === true ? Effect.dieMessage("fromCodes: no gift card codes left") : Effect.succeed(step.value)
      })
    }
  })
