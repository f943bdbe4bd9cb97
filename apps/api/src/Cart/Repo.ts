/**
 * SQL for carts and their lines, per site and mode, and the catalogue facts a cart needs (a
 * product's status, currency and stock, a variant of it). Lines are read joined with the
 * catalogue, so their names and prices are always the catalogue's current ones. The functions run
 * inside whatever transaction their caller opened; `lock` holds the cart row until it ends.
 */
import { Database, Ids, type Tenant, TenantSchema } from "@shopvo/kernel"
import { Currency } from "@shopvo/pricing"
import { SqlClient, SqlSchema, type Statement } from "@effect/sql"
import { Cause, Effect, type Option, Schema } from "effect"
import { nameSeparator } from "../Inventory/Adjustments.js"

type SqlValue = string | null | Statement.Fragment

/** A `bigint` money column: `pg` hands it over as a string. */
const Amount = Schema.compose(Schema.NumberFromString, Schema.NonNegativeInt)

export const CartStatus = Schema.Literal("ACTIVE", "ABANDONED", "CONVERTED")
export type CartStatus = typeof CartStatus.Type

export const ProductStatus = Schema.Literal("ACTIVE", "DRAFT", "ARCHIVED")

/** The cart row, without its lines. */
export class CartRecord extends Schema.Class<CartRecord>("CartRecord")({
  id: Schema.String,
  status: CartStatus,
  sessionId: Schema.NullOr(Schema.String),
  customerId: Schema.NullOr(Schema.String),
  email: Schema.NullOr(Schema.String),
  currency: Currency.Code,
  promotionCode: Schema.NullOr(Schema.String),
  orderId: Schema.NullOr(Schema.String),
  lastActivityAt: Schema.DateFromSelf,
  createdAt: Schema.DateFromSelf,
  updatedAt: Schema.DateFromSelf
}) {}

/**
 * What the catalogue prices an item at for a cart: the product's currency (the one `price` is in)
 * and the prices set in the cart's currency, if any.
 */
export class LinePrices extends Schema.Class<LinePrices>("LinePrices")({
  productCurrency: Schema.String,
  productPriceInCurrency: Schema.NullOr(Amount),
  variantPriceInCurrency: Schema.NullOr(Amount)
}) {}

/** A line with what the catalogue says of its product and variant today. */
export class CartLine extends Schema.Class<CartLine>("CartLine")({
  id: Schema.String,
  productId: Schema.String,
  variantId: Schema.NullOr(Schema.String),
  quantity: Schema.Int,
  /** The product's name, and the variant's after a dash. */
  name: Schema.String,
  sku: Schema.NullOr(Schema.String),
  productPrice: Amount,
  variantPrice: Schema.NullOr(Amount),
  productStatus: ProductStatus,
  ...LinePrices.fields
}) {}

/** A product as a cart line needs it. */
export class CatalogueProduct extends Schema.Class<CatalogueProduct>("CatalogueProduct")({
  id: Schema.String,
  name: Schema.String,
  sku: Schema.NullOr(Schema.String),
  status: ProductStatus,
  currency: Schema.String,
  /** The product's own stock, which applies only while it has no variants. */
  stock: Schema.Int,
  hasVariants: Schema.Boolean
}) {}

export class CatalogueVariant extends Schema.Class<CatalogueVariant>("CatalogueVariant")({
  id: Schema.String,
  name: Schema.String,
  sku: Schema.NullOr(Schema.String),
  stock: Schema.Int
}) {}

/** How `update` and `remove` name a line (the spec's order: line id, else variant, else product). */
export type LineSelector =
  | { readonly _tag: "Line"; readonly lineId: string }
  | { readonly _tag: "Variant"; readonly variantId: string }
  | { readonly _tag: "Product"; readonly productId: string }

export interface NewCart {
  readonly sessionId: string | null
  readonly customerId: string | null
  readonly email: string | null
  readonly currency: string
}

const CartKey = Schema.Struct({ tenant: TenantSchema, cartId: Schema.String })

export class CartRepo extends Effect.Service<CartRepo>()("@shopvo/api/CartRepo", {
  accessors: true,
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const columns = sql`id, status, session_id as "sessionId", customer_id as "customerId", email, currency,
      promotion_code as "promotionCode", order_id as "orderId", last_activity_at as "lastActivityAt",
      created_at as "createdAt", updated_at as "updatedAt"`
    const cartIs = (tenant: Tenant, cartId: string) =>
      sql`site_id = ${tenant.siteId} and livemode = ${tenant.livemode} and id = ${cartId}`

    const insert = SqlSchema.single({
      Request: Schema.Struct({
        tenant: TenantSchema,
        sessionId: Schema.NullOr(Schema.String),
        customerId: Schema.NullOr(Schema.String),
        email: Schema.NullOr(Schema.String),
        currency: Schema.String
      }),
      Result: CartRecord,
      execute: ({ tenant, ...cart }) =>
        sql`insert into carts (id, site_id, livemode, session_id, customer_id, email, currency)
            values (${Ids.make("cart")}, ${tenant.siteId}, ${tenant.livemode}, ${cart.sessionId},
                    ${cart.customerId}, ${cart.email}, ${cart.currency})
            returning ${columns}`
    })

    const find = SqlSchema.findOne({
      Request: CartKey,
      Result: CartRecord,
      execute: ({ tenant, cartId }) => sql`select ${columns} from carts where ${cartIs(tenant, cartId)}`
    })

    const lock = SqlSchema.findOne({
      Request: CartKey,
      Result: CartRecord,
      execute: ({ tenant, cartId }) => sql`select ${columns} from carts where ${cartIs(tenant, cartId)} for update`
    })

    const touch = SqlSchema.single({
      Request: CartKey,
      Result: CartRecord,
      execute: ({ tenant, cartId }) =>
        sql`update carts set status = 'ACTIVE', last_activity_at = now()
            where ${cartIs(tenant, cartId)} returning ${columns}`
    })

    const convert = SqlSchema.single({
      Request: Schema.Struct({ tenant: TenantSchema, cartId: Schema.String, orderId: Schema.String }),
      Result: CartRecord,
      execute: ({ tenant, cartId, orderId }) =>
        sql`update carts set status = 'CONVERTED', order_id = ${orderId}, last_activity_at = now()
            where ${cartIs(tenant, cartId)} returning ${columns}`
    })

    const remove = SqlSchema.findOne({
      Request: CartKey,
      Result: Schema.Struct({ id: Schema.String }),
      execute: ({ tenant, cartId }) => sql`delete from carts where ${cartIs(tenant, cartId)} returning id`
    })

    // The prices set in `currency` for the product and for its variant `variant` (a column or null).
    const pricesIn = (tenant: Tenant, currency: SqlValue, product: SqlValue, variant: SqlValue) =>
      sql`p.currency as "productCurrency",
          (select amount from product_prices pp where pp.site_id = ${tenant.siteId} and pp.livemode = ${tenant.livemode}
             and pp.product_id = ${product} and pp.variant_id is null and pp.currency = ${currency}) as "productPriceInCurrency",
          (select amount from product_prices vp where vp.site_id = ${tenant.siteId} and vp.livemode = ${tenant.livemode}
             and vp.product_id = ${product} and vp.variant_id = ${variant} and vp.currency = ${currency}) as "variantPriceInCurrency"`

    const linePrices = SqlSchema.findOne({
      Request: Schema.Struct({
        tenant: TenantSchema,
        productId: Schema.String,
        variantId: Schema.NullOr(Schema.String),
        currency: Schema.String
      }),
      Result: Schema.Struct({
        productPrice: Amount,
        variantPrice: Schema.NullOr(Amount),
        ...LinePrices.fields
      }),
      execute: ({ tenant, productId, variantId, currency }) =>
        sql`select p.price as "productPrice", v.price as "variantPrice",
                   ${pricesIn(tenant, currency, productId, variantId)}
            from products p
            left join variants v on v.site_id = p.site_id and v.livemode = p.livemode and v.id = ${variantId}
            where p.site_id = ${tenant.siteId} and p.livemode = ${tenant.livemode} and p.id = ${productId}`
    })

    // Every line, whatever its product's currency: the service prices it in the cart's.
    const lines = SqlSchema.findAll({
      Request: CartKey,
      Result: CartLine,
      execute: ({ tenant, cartId }) =>
        sql`select l.id, l.product_id as "productId", l.variant_id as "variantId", l.quantity,
                   p.name || coalesce(${nameSeparator} || v.name, '') as name, coalesce(v.sku, p.sku) as sku,
                   p.price as "productPrice", v.price as "variantPrice", p.status as "productStatus",
                   ${pricesIn(tenant, sql`c.currency`, sql`l.product_id`, sql`l.variant_id`)}
            from cart_lines l
            join carts c on c.site_id = l.site_id and c.id = l.cart_id
            join products p on p.site_id = l.site_id and p.id = l.product_id
            left join variants v on v.site_id = l.site_id and v.id = l.variant_id
            where l.site_id = ${tenant.siteId} and l.livemode = ${tenant.livemode} and l.cart_id = ${cartId}
            order by l.created_at, l.id`
    })

    const findLine = SqlSchema.findOne({
      Request: Schema.Struct({
        tenant: TenantSchema,
        cartId: Schema.String,
        selector: Schema.Union(
          Schema.TaggedStruct("Line", { lineId: Schema.String }),
          Schema.TaggedStruct("Variant", { variantId: Schema.String }),
          Schema.TaggedStruct("Product", { productId: Schema.String })
        )
      }),
      Result: Schema.Struct({
        id: Schema.String,
        productId: Schema.String,
        variantId: Schema.NullOr(Schema.String),
        quantity: Schema.Int
      }),
      execute: ({ tenant, cartId, selector }) =>
        sql`select id, product_id as "productId", variant_id as "variantId", quantity from cart_lines
            where site_id = ${tenant.siteId} and livemode = ${tenant.livemode} and cart_id = ${cartId} and ${
              selector._tag === "Line"
                ? sql`id = ${selector.lineId}`
                : selector._tag === "Variant"
                  ? sql`variant_id = ${selector.variantId}`
                  : sql`product_id = ${selector.productId} and variant_id is null`
            }`
    })

    const insertLine = SqlSchema.void({
      Request: Schema.Struct({
        tenant: TenantSchema,
        cartId: Schema.String,
        productId: Schema.String,
        variantId: Schema.NullOr(Schema.String),
        quantity: Schema.Int
      }),
      execute: ({ tenant, ...line }) =>
        sql`insert into cart_lines (id, site_id, livemode, cart_id, product_id, variant_id, quantity)
            values (${Ids.make("cli")}, ${tenant.siteId}, ${tenant.livemode}, ${line.cartId}, ${line.productId},
                    ${line.variantId}, ${line.quantity})`
    })

    const LineKey = Schema.Struct({ tenant: TenantSchema, lineId: Schema.String })
    const lineIs = (tenant: Tenant, lineId: string) =>
      sql`site_id = ${tenant.siteId} and livemode = ${tenant.livemode} and id = ${lineId}`

    const setQuantity = SqlSchema.void({
      Request: Schema.Struct({ tenant: TenantSchema, lineId: Schema.String, quantity: Schema.Int }),
      execute: ({ tenant, lineId, quantity }) =>
        sql`update cart_lines set quantity = ${quantity} where ${lineIs(tenant, lineId)}`
    })

    const deleteLine = SqlSchema.void({
      Request: LineKey,
      execute: ({ tenant, lineId }) => sql`delete from cart_lines where ${lineIs(tenant, lineId)}`
    })

    const findProduct = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, productId: Schema.String }),
      Result: CatalogueProduct,
      execute: ({ tenant, productId }) =>
        sql`select p.id, p.name, p.sku, p.status, p.currency, p.inventory_count as stock,
                   exists (select 1 from variants v where v.site_id = p.site_id and v.product_id = p.id) as "hasVariants"
            from products p
            where p.site_id = ${tenant.siteId} and p.livemode = ${tenant.livemode} and p.id = ${productId}`
    })

    const variantColumns = sql`id, name, sku, inventory_count as stock`
    const variantsOf = (tenant: Tenant, productId: string) =>
      sql`site_id = ${tenant.siteId} and livemode = ${tenant.livemode} and product_id = ${productId}`

    const findVariant = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, productId: Schema.String, variantId: Schema.String }),
      Result: CatalogueVariant,
      execute: ({ tenant, productId, variantId }) =>
        sql`select ${variantColumns} from variants where ${variantsOf(tenant, productId)} and id = ${variantId}`
    })

    // The default variant; should a product have lost it, its first variant.
    const defaultVariant = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, productId: Schema.String }),
      Result: CatalogueVariant,
      execute: ({ tenant, productId }) =>
        sql`select ${variantColumns} from variants where ${variantsOf(tenant, productId)}
            order by is_default desc, created_at, id limit 1`
    })

    type Unavailable = Database.DatabaseUnavailable
    // `single` on a row the caller has locked or just written: no row is a bug.
    const orDieIfNone = <A, E, R>(self: Effect.Effect<A, E | Cause.NoSuchElementException, R>) =>
      Effect.catchIf(self, Cause.isNoSuchElementException, Effect.die)

    return {
      insert: (tenant: Tenant, cart: NewCart): Effect.Effect<CartRecord, Unavailable> =>
        Database.boundary(insert({ tenant, ...cart })).pipe(orDieIfNone),
      find: (tenant: Tenant, cartId: string): Effect.Effect<Option.Option<CartRecord>, Unavailable> =>
        Database.boundary(find({ tenant, cartId })),
      /** Like `find`, locking the cart row (`for update`) until the caller's transaction ends. */
      lock: (tenant: Tenant, cartId: string): Effect.Effect<Option.Option<CartRecord>, Unavailable> =>
        Database.boundary(lock({ tenant, cartId })),
      /** Records activity on an existing cart: `ACTIVE` again (an abandoned cart comes back), now. */
      touch: (tenant: Tenant, cartId: string): Effect.Effect<CartRecord, Unavailable> =>
        Database.boundary(touch({ tenant, cartId })).pipe(orDieIfNone),
      convert: (tenant: Tenant, cartId: string, orderId: string): Effect.Effect<CartRecord, Unavailable> =>
        Database.boundary(convert({ tenant, cartId, orderId })).pipe(orDieIfNone),
      /** Deletes a cart with its lines; `None` when there was none. */
      delete: (tenant: Tenant, cartId: string): Effect.Effect<Option.Option<{ readonly id: string }>, Unavailable> =>
        Database.boundary(remove({ tenant, cartId })),
      /** What the catalogue prices an item (not yet in the cart) at, for a cart in `currency`. */
      linePrices: (tenant: Tenant, productId: string, variantId: string | null, currency: string) =>
        Database.boundary(linePrices({ tenant, productId, variantId, currency })),
      /** The cart's lines with their catalogue prices, in the order they were added. */
      lines: (tenant: Tenant, cartId: string): Effect.Effect<ReadonlyArray<CartLine>, Unavailable> =>
        Database.boundary(lines({ tenant, cartId })),
      findLine: (tenant: Tenant, cartId: string, selector: LineSelector) =>
        Database.boundary(findLine({ tenant, cartId, selector })),
      insertLine: (
        tenant: Tenant,
        line: {
          readonly cartId: string
          readonly productId: string
          readonly variantId: string | null
          readonly quantity: number
        }
      ): Effect.Effect<void, Unavailable> => Database.boundary(insertLine({ tenant, ...line })),
      setQuantity: (tenant: Tenant, lineId: string, quantity: number): Effect.Effect<void, Unavailable> =>
        Database.boundary(setQuantity({ tenant, lineId, quantity })),
      deleteLine: (tenant: Tenant, lineId: string): Effect.Effect<void, Unavailable> =>
        Database.boundary(deleteLine({ tenant, lineId })),
      findProduct: (tenant: Tenant, productId: string): Effect.Effect<Option.Option<CatalogueProduct>, Unavailable> =>
        Database.boundary(findProduct({ tenant, productId })),
      /** The variant `variantId` of the product, or its default one when `variantId` is undefined. */
      findVariant: (
        tenant: Tenant,
        productId: string,
        variantId: string | undefined
      ): Effect.Effect<Option.Option<CatalogueVariant>, Unavailable> =>
        Database.boundary(
          variantId === undefined
            ? defaultVariant({ tenant, productId })
            : findVariant({ tenant, productId, variantId })
        )
    }
  })
}) {}
