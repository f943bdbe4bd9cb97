/**
 * A product as the app holds it, decoded from its row with Schema, and its JSON as the API shows
 * it (`Product` / `ProductListItem` in the spec). Amounts are integer minor units (`Columns.Amount`).
 *
 * Relations are built by PostgreSQL as JSON in the same statement as the product (see Repo.ts),
 * so a row already carries its variants, brand and categories when they were asked for; a
 * relation that was not asked for is absent.
 */
import type {
  Brand as ContractBrand,
  Product as ContractProduct,
  ProductListItem as ContractListItem,
  Operation
} from "@shopvo/contract"
import { Schema } from "effect"
import { Brand } from "../Brands/Repo.js"
import * as VariantModel from "../Variants/Variant.js"
import { Amount, Timestamp } from "./Columns.js"

export const ProductStatus = Schema.Literal("ACTIVE", "DRAFT", "ARCHIVED")
export type ProductStatus = typeof ProductStatus.Type

/** `digital` products carry a `downloadFile` and are never shipped. */
export const ProductType = Schema.Literal("physical", "digital")
export type ProductType = typeof ProductType.Type

/** The orders `products.list` can sort by; `-` reverses. */
export const Sort = Schema.Literal("newest", "oldest", "price", "-price", "name", "-name")
export type Sort = typeof Sort.Type

/** A category as a product embeds it (`expand[]=categories`): the spec's `Category`. */
export const EmbeddedCategory = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  slug: Schema.String,
  description: Schema.NullOr(Schema.String),
  parentId: Schema.NullOr(Schema.String)
})

/** The relations `expand[]` can embed. */
export const Relation = Schema.Literal("variants", "brand", "categories")
export type Relation = typeof Relation.Type

const fields = {
  id: Schema.String,
  name: Schema.String,
  slug: Schema.String,
  description: Schema.NullOr(Schema.String),
  sku: Schema.NullOr(Schema.String),
  status: ProductStatus,
  featured: Schema.Boolean,
  price: Amount,
  compareAtPrice: Schema.NullOr(Amount),
  currency: Schema.String,
  images: Schema.Array(Schema.String),
  brandId: Schema.NullOr(Schema.String),
  categoryIds: Schema.Array(Schema.String),
  type: ProductType,
  downloadFile: Schema.NullOr(Schema.String),
  createdAt: Timestamp,
  updatedAt: Timestamp
}

const optionalRelations = {
  brand: Schema.optional(Schema.NullOr(Brand)),
  categories: Schema.optional(Schema.Array(EmbeddedCategory))
}

/** A single product: always with its variants. */
export const Product = Schema.Struct({ ...fields, variants: Schema.Array(VariantModel.Variant), ...optionalRelations })
export type Product = typeof Product.Type

/** A product of a list, with its place in the list's order (`sortKey`, for the next cursor). */
export const ListedProduct = Schema.Struct({
  ...fields,
  sortKey: Schema.String,
  variants: Schema.optional(Schema.Array(VariantModel.Variant)),
  ...optionalRelations
})
export type ListedProduct = typeof ListedProduct.Type

type Fields = Schema.Struct.Type<typeof fields>
type FieldsJson = Operation.Immutable<Omit<ContractProduct, Relation>>
type RelationsJson = Operation.Immutable<Pick<ContractListItem, Relation>>

/** A scalar field of a product, as `fields=` names it. */
export type Field = keyof FieldsJson

/** The names `fields=` accepts, in the order responses list them. */
export const fieldNames: ReadonlyArray<Field> = [
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
  "type",
  "downloadFile",
  "createdAt",
  "updatedAt"
]

const knownFields: ReadonlySet<string> = new Set(fieldNames)

export const isField = (name: string): name is Field => knownFields.has(name)

const fieldsJson = (p: Fields): FieldsJson => ({
  id: p.id,
  name: p.name,
  slug: p.slug,
  description: p.description,
  sku: p.sku,
  status: p.status,
  featured: p.featured,
  price: p.price,
  compareAtPrice: p.compareAtPrice,
  currency: p.currency,
  images: p.images,
  brandId: p.brandId,
  categoryIds: p.categoryIds,
  type: p.type,
  downloadFile: p.downloadFile,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt
})

const brandJson = (b: Brand): ContractBrand => ({ id: b.id, name: b.name, slug: b.slug, description: b.description })

/** The relations the product carries (only those that were selected). */
const relationsJson = (p: {
  readonly variants?: ReadonlyArray<VariantModel.Variant> | undefined
  readonly brand?: Brand | null | undefined
  readonly categories?: ReadonlyArray<typeof EmbeddedCategory.Type> | undefined
}): RelationsJson => ({
  ...(p.variants === undefined ? {} : { variants: p.variants.map(VariantModel.toJson) }),
  ...(p.brand === undefined ? {} : { brand: p.brand === null ? null : brandJson(p.brand) }),
  ...(p.categories === undefined ? {} : { categories: p.categories })
})

/** A single product as the API returns it (and as `product.*` events carry it). */
export const toJson = (p: Product): Operation.Immutable<ContractProduct> => ({
  ...fieldsJson(p),
  ...relationsJson(p),
  variants: p.variants.map(VariantModel.toJson)
})

/**
 * A list item: every scalar field, or only `fields` (plus `id`) when a sparse fieldset was asked
 * for, then the expanded relations.
 */
export const toListItem = (
  p: ListedProduct,
  fields: ReadonlyArray<Field> | undefined
): Operation.Immutable<ContractListItem> => {
  const all = fieldsJson(p)
  if (fields === undefined) return { ...all, ...relationsJson(p) }
  const picked: { -readonly [K in Field]?: FieldsJson[K] } = {}
  const copy = <K extends Field>(field: K) => {
    picked[field] = all[field]
  }
  for (const field of fields) copy(field)
  return { id: all.id, ...picked, ...relationsJson(p) }
}
