/**
 * Products: the catalogue's rules for them, over `ProductsRepo`. Each write is one transaction
 * (a savepoint inside a caller's) with its `product.*` outbox event: brand and categories must
 * exist in the caller's site and mode, a SKU is unique across products and variants (`Skus`), and
 * a slug derived from the name takes the first free `slug-<n>`.
 */
import { Database, Ids, Outbox, type Tenant } from "@shopvo/kernel"
import { Effect, Option } from "effect"
import { DownloadFileMismatch, ProductNotFound, SlugTaken, UnknownBrand, UnknownCategories } from "./Errors.js"
import * as Model from "./Model.js"
import { type NewRow, ProductsRepo, type Relations } from "./Repo.js"
import { Skus } from "./Sku.js"
import * as Slug from "./Slug.js"

export interface NewProduct {
  readonly name: string
  /** Derived from the name when omitted. */
  readonly slug?: string | undefined
  readonly description?: string | null | undefined
  readonly sku?: string | null | undefined
  readonly status?: Model.ProductStatus | undefined
  readonly featured?: boolean | undefined
  readonly price: number
  readonly compareAtPrice?: number | null | undefined
  /** Defaults to the site's currency. */
  readonly currency?: string | undefined
  readonly images?: ReadonlyArray<string> | undefined
  readonly brandId?: string | null | undefined
  readonly categoryIds?: ReadonlyArray<string> | undefined
  /** Defaults to `physical`; a `digital` product needs `downloadFile`. */
  readonly type?: Model.ProductType | undefined
  readonly downloadFile?: string | null | undefined
  /** Defaults to now; the demo seed and imports give older times. */
  readonly createdAt?: Date | undefined
}

export type ProductPatch = Partial<Omit<NewProduct, "name" | "price" | "createdAt">> & {
  readonly name?: string | undefined
  readonly price?: number | undefined
}

export class Products extends Effect.Service<Products>()("@shopvo/api/Products", {
  accessors: true,
  dependencies: [ProductsRepo.Default, Skus.Default],
  effect: Effect.gen(function* () {
    const repo = yield* ProductsRepo
    const skus = yield* Skus

    /** Brand and categories must exist in the caller's site and mode. */
    const checkReferences = (
      tenant: Tenant,
      brandId: string | null | undefined,
      categoryIds: ReadonlyArray<string> | undefined
    ) =>
      Effect.gen(function* () {
        if ((brandId === null || brandId === undefined) && (categoryIds === undefined || categoryIds.length === 0))
          return
        const found = yield* repo.references(tenant, brandId ?? null, categoryIds ?? [])
        if (brandId !== null && brandId !== undefined && found.brand === null)
          return yield* new UnknownBrand({ brandId })
        const missing = (categoryIds ?? []).filter((id) => !found.categories.includes(id))
        if (missing.length > 0) return yield* new UnknownCategories({ categoryIds: missing })
      })

    /** A digital product has a file, a physical one none. */
    const checkDownloadFile = (type: Model.ProductType, downloadFile: string | null) =>
      (type === "digital") === (downloadFile !== null) ? Effect.void : Effect.fail(new DownloadFileMismatch({ type }))

    const claimSku = (tenant: Tenant, sku: string | null | undefined, productId?: string) =>
      sku === null || sku === undefined ? Effect.void : skus.claim(tenant, sku, productId ? { productId } : {})

    /** Inserts under `slug`, or, when none is given, under the first free `slug-<n>` of the name's slug. */
    const insertWithSlug = (tenant: Tenant, row: Omit<NewRow, "slug">, slug: string | undefined) =>
      Effect.gen(function* () {
        if (slug !== undefined) {
          if (Option.isNone(yield* repo.insert(tenant, { ...row, slug }))) return yield* new SlugTaken({ slug })
          return
        }
        const base = Slug.fromName(row.name)
        let candidate = base
        // Each round sees the slugs taken so far; a concurrent insert of the same candidate only
        // costs another round.
        for (let round = 0; round < 10; round++) {
          if (Option.isSome(yield* repo.insert(tenant, { ...row, slug: candidate }))) return
          candidate = Slug.nextCandidate(base, yield* repo.slugsLike(tenant, base))
        }
        return yield* new SlugTaken({ slug: candidate })
      })

    /** A product inside the write transaction that just wrote it (so it exists). */
    const load = (tenant: Tenant, id: string) =>
      Effect.flatMap(
        repo.find(tenant, id, new Set()),
        Option.match({
          onNone: () => Effect.dieMessage(`product ${id} vanished in its own transaction`),
          onSome: Effect.succeed
        })
      )

    const emit = (tenant: Tenant, type: "product.created" | "product.updated", product: Model.Product) =>
      Database.boundary(Outbox.emit(tenant, type, Model.toJson(product)))

    const createOne = (tenant: Tenant, input: NewProduct) =>
      Effect.gen(function* () {
        yield* checkReferences(tenant, input.brandId, input.categoryIds)
        const type = input.type ?? "physical"
        yield* checkDownloadFile(type, input.downloadFile ?? null)
        yield* claimSku(tenant, input.sku)
        const id = Ids.make("prd")
        const row: Omit<NewRow, "slug"> = {
          id,
          name: input.name,
          description: input.description ?? null,
          sku: input.sku ?? null,
          status: input.status ?? "ACTIVE",
          featured: input.featured ?? false,
          price: input.price,
          compareAtPrice: input.compareAtPrice ?? null,
          currency: input.currency ?? null,
          images: input.images ?? [],
          brandId: input.brandId ?? null,
          type,
          downloadFile: input.downloadFile ?? null,
          createdAt: input.createdAt ?? null
        }
        yield* insertWithSlug(tenant, row, input.slug)
        if (input.categoryIds !== undefined && input.categoryIds.length > 0)
          yield* repo.replaceCategories(tenant, id, input.categoryIds)
        const product = yield* load(tenant, id)
        yield* emit(tenant, "product.created", product)
        return product
      })

    return {
      /** One product by id (`prd_…`) or slug, with its variants and the requested relations. */
      get: (tenant: Tenant, idOrSlug: string, relations: Relations = new Set()) =>
        Effect.flatMap(
          repo.find(tenant, idOrSlug, relations),
          Option.match({ onNone: () => Effect.fail(new ProductNotFound({ idOrSlug })), onSome: Effect.succeed })
        ),
      /** Like `get` without relations; `None` when the caller has no such product. */
      find: (tenant: Tenant, id: string) => repo.find(tenant, id, new Set()),
      list: repo.list,
      positionOf: repo.positionOf,
      /** Creates a product (without variants) and records `product.created`. */
      create: (tenant: Tenant, input: NewProduct) => Database.transaction(createOne(tenant, input)),
      /**
       * Creates products in one transaction, all or none (the demo seed, imports): one savepoint
       * for the batch when nested, not one per product, which would overflow PostgreSQL's
       * subtransaction cache and slow every statement of a large batch down.
       */
      createMany: (tenant: Tenant, inputs: ReadonlyArray<NewProduct>) =>
        Database.transaction(Effect.forEach(inputs, (input) => createOne(tenant, input))),
      /** Updates the given fields (categories are replaced as a whole) and records `product.updated`. */
      update: (tenant: Tenant, id: string, patch: ProductPatch) =>
        Database.transaction(
          Effect.gen(function* () {
            // Locks the row: concurrent updates of one product apply one after the other.
            if (Option.isNone(yield* repo.lock(tenant, id))) return yield* new ProductNotFound({ idOrSlug: id })
            yield* checkReferences(tenant, patch.brandId, patch.categoryIds)
            const current = yield* load(tenant, id)
            const type = patch.type ?? current.type
            // Becoming physical drops the file unless one is sent (which is then refused).
            const downloadFile =
              patch.downloadFile !== undefined ? patch.downloadFile : type === "physical" ? null : current.downloadFile
            yield* checkDownloadFile(type, downloadFile)
            yield* claimSku(tenant, patch.sku, id)
            const { categoryIds, ...changes } = patch
            yield* repo.update(id, { ...changes, type, downloadFile })
            if (categoryIds !== undefined) yield* repo.replaceCategories(tenant, id, categoryIds)
            const product = yield* load(tenant, id)
            yield* emit(tenant, "product.updated", product)
            return product
          })
        ),
      /** Deletes a product with its variants, links, reviews and stock history; records `product.deleted`. */
      remove: (tenant: Tenant, id: string) =>
        Database.transaction(
          Effect.gen(function* () {
            const removed = yield* repo.remove(tenant, id)
            if (Option.isNone(removed)) return yield* new ProductNotFound({ idOrSlug: id })
            yield* Database.boundary(Outbox.emit(tenant, "product.deleted", { ...removed.value }))
          })
        )
    }
  })
}) {}
