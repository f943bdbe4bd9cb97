/**
 * A product as the API shows it (`Product` / `ProductListItem` in the spec), and the mapping from
 * its table row. Money stays in integer minor units: `bigint` columns arrive from `pg` as strings
 * and are converted with `Number()` (amounts are far below 2^53).
 *
 * Relations are built by PostgreSQL as JSON in the same statement as the product (see Repo.ts),
 * so a row already carries its variants, brand and categories when they were asked for.
 */

import type { Brand } from "../Brands/Repo.js"
import type { Category } from "../Categories/Repo.js"
import type * as VariantModel from "../Variants/Variant.js"

export type { Brand, Category }

export type ProductStatus = "ACTIVE" | "DRAFT" | "ARCHIVED"

/** A variant as the API returns it; PostgreSQL builds the same shape as JSON (see Repo.ts). */
export type Variant = ReturnType<typeof VariantModel.serialize>

/** Every scalar field of a product: what a list item carries without `fields=`. */
export interface ProductFields {
  readonly id: string
  readonly name: string
  readonly slug: string
  readonly description: string | null
  readonly sku: string | null
  readonly status: ProductStatus
  readonly featured: boolean
  readonly price: number
  readonly compareAtPrice: number | null
  readonly currency: string
  readonly images: ReadonlyArray<string>
  readonly brandId: string | null
  readonly categoryIds: ReadonlyArray<string>
  readonly createdAt: string
  readonly updatedAt: string
}

/** The relations `expand[]` can embed. */
export type Relation = "variants" | "brand" | "categories"

export interface Expanded {
  readonly variants?: ReadonlyArray<Variant>
  readonly brand?: Brand | null
  readonly categories?: ReadonlyArray<Category>
}

/** A single product: always with its variants. */
export type Product = ProductFields & { readonly variants: ReadonlyArray<Variant> } & Expanded

/** The names `fields=` accepts, in the order responses list them. */
export const fieldNames: ReadonlyArray<keyof ProductFields> = [
  "id",
  "name",
  "slug",
  "description",
  "sku",
  "status",
  "featured",
  "price",
  "compareAtPrice",
  "currency",
  "images",
  "brandId",
  "categoryIds",
  "createdAt",
  "updatedAt"
]

const knownFields: ReadonlySet<string> = new Set(fieldNames)

export const isField = (name: string): name is keyof ProductFields => knownFields.has(name)

/** The product columns every query selects (never `search_vector`, which only the search reads). */
export const columns =
  "p.id, p.name, p.slug, p.description, p.sku, p.status, p.featured, p.price, p.compare_at_price, p.currency, " +
  "p.images, p.brand_id, p.created_at, p.updated_at"

/** A product row as Repo.ts selects it: the columns above plus the relation columns. */
export interface Row {
  readonly id: string
  readonly name: string
  readonly slug: string
  readonly description: string | null
  readonly sku: string | null
  readonly status: ProductStatus
  readonly featured: boolean
  readonly price: string
  readonly compare_at_price: string | null
  readonly currency: string
  readonly images: ReadonlyArray<string>
  readonly brand_id: string | null
  readonly created_at: Date
  readonly updated_at: Date
  readonly category_ids: ReadonlyArray<string>
  readonly variants?: ReadonlyArray<Variant>
  readonly brand?: Brand | null
  readonly categories?: ReadonlyArray<Category>
}

export const toFields = (row: Row): ProductFields => ({
  id: row.id,
  name: row.name,
  slug: row.slug,
  description: row.description,
  sku: row.sku,
  status: row.status,
  featured: row.featured,
  price: Number(row.price),
  compareAtPrice: row.compare_at_price === null ? null : Number(row.compare_at_price),
  currency: row.currency,
  images: row.images,
  brandId: row.brand_id,
  categoryIds: row.category_ids,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString()
})

/** Adds the relations the row carries (only those that were selected). */
const withRelations = <A extends object>(item: A, row: Row): A & Expanded => {
  const out: A & { variants?: ReadonlyArray<Variant>; brand?: Brand | null; categories?: ReadonlyArray<Category> } =
    item
  if (row.variants !== undefined) out.variants = row.variants
  if (row.brand !== undefined) out.brand = row.brand
  if (row.categories !== undefined) out.categories = row.categories
  return out
}

/** A single product (its row must have been selected with variants). */
export const toProduct = (row: Row): Product =>
  withRelations({ ...toFields(row), variants: row.variants ?? [] }, row) as Product

/**
 * A list item: every scalar field, or only `fields` (plus `id`) when a sparse fieldset was asked
 * for, then the expanded relations.
 */
export const toListItem = (
  row: Row,
  fields: ReadonlyArray<keyof ProductFields> | undefined
): Pick<ProductFields, "id"> & Partial<ProductFields> & Expanded => {
  const all = toFields(row)
  if (fields === undefined) return withRelations(all, row)
  const picked: { -readonly [K in keyof ProductFields]?: ProductFields[K] } = {}
  const copy = <K extends keyof ProductFields>(field: K) => {
    picked[field] = all[field]
  }
  for (const field of fields) copy(field)
  return withRelations({ id: all.id, ...picked }, row)
}
