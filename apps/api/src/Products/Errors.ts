/**
 * The catalogue's domain errors about products, one definition each: products, variants and
 * inventory all fail with this `ProductNotFound`; each route group maps them to HTTP once.
 */
import { Data } from "effect"

/** No product with this id (or slug, for a look-up by slug) in the caller's site and mode. */
export class ProductNotFound extends Data.TaggedError("ProductNotFound")<{ readonly idOrSlug: string }> {}
export class SlugTaken extends Data.TaggedError("SlugTaken")<{ readonly slug: string }> {}
export class UnknownBrand extends Data.TaggedError("UnknownBrand")<{ readonly brandId: string }> {}
export class UnknownCategories extends Data.TaggedError("UnknownCategories")<{
  readonly categoryIds: ReadonlyArray<string>
}> {}

/** A digital product without a file, or a physical one with a file. */
export class DownloadFileMismatch extends Data.TaggedError("DownloadFileMismatch")<{
  readonly type: "physical" | "digital"
}> {
  override get message() {
    return this.type === "digital"
      ? "A digital product needs a downloadFile"
      : "Only a digital product has a downloadFile"
  }
}
