/**
 * SQL for digital products: whether a checkout's lines ship anything, the digital lines of an
 * order, and the secret a site and mode sign download links with. Runs inside the caller's
 * transaction.
 */
import { randomBytes } from "node:crypto"
import { Database, type Tenant, TenantSchema } from "@shopvo/kernel"
import { SqlClient, SqlSchema } from "@effect/sql"
import { Cause, Effect, Option, Schema } from "effect"

/** A line of a digital product of an order, with the order's payment status and the product's file. */
export class DigitalLine extends Schema.Class<DigitalLine>("DigitalLine")({
  orderItemId: Schema.String,
  productId: Schema.String,
  name: Schema.String,
  paymentStatus: Schema.String,
  fileUrl: Schema.String
}) {}

export class DigitalRepo extends Effect.Service<DigitalRepo>()("@shopvo/api/DigitalRepo", {
  accessors: true,
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const digitalOnly = SqlSchema.single({
      Request: Schema.Struct({ tenant: TenantSchema, productIds: Schema.Array(Schema.String) }),
      Result: Schema.Struct({ digitalOnly: Schema.Boolean }),
      // Every product found and digital; a product gone from the catalogue counts as shipped.
      execute: ({ tenant, productIds }) =>
        sql`select coalesce(bool_and(type = 'digital'), false) and count(*) = ${productIds.length} as "digitalOnly"
            from products
            where site_id = ${tenant.siteId} and livemode = ${tenant.livemode} and id = any(${productIds})`
    })

    const order = SqlSchema.findOne({
      Request: Schema.Struct({ tenant: TenantSchema, orderId: Schema.String }),
      Result: Schema.Struct({ paymentStatus: Schema.String }),
      execute: ({ tenant, orderId }) =>
        sql`select payment_status as "paymentStatus" from orders
            where site_id = ${tenant.siteId} and livemode = ${tenant.livemode} and id = ${orderId}`
    })

    const linesOf = SqlSchema.findAll({
      Request: Schema.Struct({
        tenant: TenantSchema,
        orderId: Schema.NullOr(Schema.String),
        itemId: Schema.NullOr(Schema.String)
      }),
      Result: DigitalLine,
      execute: ({ tenant, orderId, itemId }) =>
        sql`select i.id as "orderItemId", i.product_id as "productId", i.name,
                   o.payment_status as "paymentStatus", p.download_file as "fileUrl"
            from order_items i
            join orders o on o.site_id = i.site_id and o.id = i.order_id
            join products p on p.site_id = i.site_id and p.livemode = i.livemode and p.id = i.product_id
            where i.site_id = ${tenant.siteId} and i.livemode = ${tenant.livemode} and p.type = 'digital'
              ${orderId === null ? sql`` : sql`and i.order_id = ${orderId}`}
              ${itemId === null ? sql`` : sql`and i.id = ${itemId}`}
            order by i.position`
    })

    const makeSecret = SqlSchema.void({
      Request: Schema.Struct({ tenant: TenantSchema, candidate: Schema.String }),
      execute: ({ tenant, candidate }) =>
        sql`insert into download_keys (site_id, livemode, secret)
            values (${tenant.siteId}, ${tenant.livemode}, ${candidate})
            on conflict (site_id, livemode) do nothing`
    })

    // A statement of its own after the insert: it sees a key a concurrent first use committed.
    const secret = SqlSchema.findOne({
      Request: TenantSchema,
      Result: Schema.Struct({ secret: Schema.String }),
      execute: (tenant) =>
        sql`select secret from download_keys where site_id = ${tenant.siteId} and livemode = ${tenant.livemode}`
    })

    const orDie = <A, E, R>(effect: Effect.Effect<A, E | Cause.NoSuchElementException, R>) =>
      Effect.catchIf(effect, Cause.isNoSuchElementException, Effect.die)

    return {
      /** Whether every product of `productIds` is digital (none: false). */
      digitalOnly: (tenant: Tenant, productIds: ReadonlyArray<string>) =>
        productIds.length === 0
          ? Effect.succeed(false)
          : Database.boundary(
              Effect.map(orDie(digitalOnly({ tenant, productIds: [...new Set(productIds)] })), (row) => row.digitalOnly)
            ),
      /** The order's payment status; `None` when the caller has no such order. */
      order: (tenant: Tenant, orderId: string) => Database.boundary(order({ tenant, orderId })),
      /** The digital lines of an order, in order. */
      linesOfOrder: (tenant: Tenant, orderId: string) => Database.boundary(linesOf({ tenant, orderId, itemId: null })),
      /** The order line `itemId` when it is of a digital product (none otherwise). */
      line: (tenant: Tenant, itemId: string) =>
        Database.boundary(Effect.map(linesOf({ tenant, orderId: null, itemId }), (rows) => rows[0])),
      /** The site and mode's download-link secret, made on first use. */
      secret: (tenant: Tenant) =>
        Database.boundary(
          makeSecret({ tenant, candidate: randomBytes(32).toString("hex") }).pipe(
            Effect.zipRight(secret(tenant)),
            Effect.flatMap(
              Option.match({ onNone: () => Effect.dieMessage("download key vanished"), onSome: Effect.succeed })
            ),
            Effect.map((row) => row.secret)
          )
        ),
      /** The site and mode's download-link secret if one was made (following a link never makes one). */
      knownSecret: (tenant: Tenant) =>
        Database.boundary(
          Effect.map(
            secret(tenant),
            Option.map((row) => row.secret)
          )
        )
    }
  })
}) {}
