/**
 * The source of randomness for generated keys and secrets, as a service.
 *
 * This package never produces randomness itself: the caller provides it
 * (`crypto.randomBytes` in production, fixed bytes in tests), so generation is
 * reproducible under test and the package stays free of hidden effects.
 * Invariant: `next(size)` yields exactly `size` bytes from a cryptographically
 * secure source; a source that returns another length is a defect.
 */
import { Context, Effect, Layer, Schema } from "effect"

/** Yields `size` uniformly random bytes from a cryptographically secure source. */
export class RandomBytes extends Context.Tag("@shopvo/signing/RandomBytes")<
  RandomBytes,
  { readonly next: (size: number) => Effect.Effect<Uint8Array> }
>() {}

/**
 * A layer from a synchronous byte source, e.g.
 * `RandomBytes.layer((size) => crypto.randomBytes(size))` with `node:crypto`.
 */
export const layer = (source: (size: number) => Uint8Array): Layer.Layer<RandomBytes> =>
  Layer.succeed(RandomBytes, RandomBytes.of({ next: (size) => Effect.sync(() => source(size)) }))

/** The bytes given to a `fromEntropy` constructor are not exactly as many as it needs. */
export class InvalidEntropy extends Schema.TaggedError<InvalidEntropy>()("InvalidEntropy", {
  required: Schema.NonNegativeInt,
  received: Schema.NonNegativeInt
}) {
  override get message(): string {
    return `Expected exactly ${this.required} random bytes, received ${this.received}`
  }
}
