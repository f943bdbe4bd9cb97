/**
 * SQL for shipping zones, shipping options, pickup points, variant parcels and the site's tax
 * mode. Every statement names the tenant's site and mode; the functions run inside whatever
 * transaction their caller opened.
 */
import { Database, Ids, type Tenant } from "@shopvo/kernel"
import { Shipping } from "@shopvo/pricing"
import { SqlClient, SqlSchema } from "@effect/sql"
import { Effect, Option, Schema } from "effect"

export class Zone extends Schema.Class<Zone>("ShippingZoneRow")({
  id: Schema.String,
  name: Schema.String,
  countries: Schema.Array(Schema.String),
  postalPrefixes: Schema.Array(Schema.String),
  taxRate: Schema.Int,
  createdAt: Schema.DateTimeUtcFromDate
}) {}

export class OptionRow extends Schema.Class<OptionRow>("ShippingOptionRow")({
  id: Schema.String,
  zoneId: Schema.NullOr(Schema.String),
  name: Schema.String,
  carrier: Schema.String,
  service: Schema.String,
  currency: Schema.String,
  rate: Shipping.Rate,
  minDays: Schema.Int,
  maxDays: Schema.Int,
  toPickupPoint: Schema.Boolean,
  position: Schema.Int,
  createdAt: Schema.DateTimeUtcFromDate
}) {}

export class PickupPoint extends Schema.Class<PickupPoint>("PickupPointRow")({
  id: Schema.String,
  carrier: Schema.String,
  code: Schema.String,
  name: Schema.String,
  line1: Schema.String,
  city: Schema.String,
  postalCode: Schema.String,
  country: Schema.String,
  latitudeE6: Schema.Int,
  longitudeE6: Schema.Int,
  active: Schema.Boolean,
  createdAt: Schema.DateTimeUtcFromDate
}) {}

/** A pickup point as written (coordinates in millionths of a degree). */
export interface NewPickupPoint {
  readonly carrier: string
  readonly code: string
  readonly name: string
  readonly line1: string
  readonly city: string
  readonly postalCode: string
  readonly country: string
  readonly latitudeE6: number
  readonly longitudeE6: number
}

export interface NewZone {
  readonly name: string
  readonly countries: ReadonlyArray<string>
  readonly postalPrefixes: ReadonlyArray<string>
  readonly taxRate: number
}

export interface NewOption {
  readonly zoneId: string | null
  readonly name: string
  readonly carrier: string
  readonly service: string
  readonly currency: string
  readonly rate: Shipping.Rate
  readonly minDays: number
  readonly maxDays: number
  readonly toPickupPoint: boolean
  readonly position: number
}

/** What a line's parcel is made of: its variant's (or its product's default variant's) weight and box. */
export const ParcelRow = Schema.Struct({
  productId: Schema.String,
  variantId: Schema.NullOr(Schema.String),
  weightGrams: Schema.NullOr(Schema.Int),
  lengthMm: Schema.NullOr(Schema.Int),
  widthMm: Schema.NullOr(Schema.Int),
  heightMm: Schema.NullOr(Schema.Int)
})

const zoneColumns = `id, name, countries, postal_prefixes as "postalPrefixes", tax_rate as "taxRate", created_at as "createdAt"`
const optionColumns = `id, zone_id as "zoneId", name, carrier, service, currency, rate, min_days as "minDays",
  max_days as "maxDays", to_pickup_point as "toPickupPoint", position, created_at as "createdAt"`
const pickupColumns = `id, carrier, code, name, line1, city, postal_code as "postalCode", country,
  latitude_e6 as "latitudeE6", longitude_e6 as "longitudeE6", active, created_at as "createdAt"`

/** What quoting a checkout reads of the site's setup, in one statement. */
export const QuoteSetup = Schema.Struct({
  zones: Schema.parseJson(
    Schema.Array(
      Schema.Struct({
        id: Schema.String,
        countries: Schema.Array(Schema.String),
        postalPrefixes: Schema.Array(Schema.String),
        taxRate: Schema.Int
      })
    )
  ),
  options: Schema.parseJson(
    Schema.Array(
      Schema.Struct({
        id: Schema.String,
        zoneId: Schema.NullOr(Schema.String),
        name: Schema.String,
        carrier: Schema.String,
        service: Schema.String,
        currency: Schema.String,
        rate: Shipping.Rate,
        minDays: Schema.Int,
        maxDays: Schema.Int,
        toPickupPoint: Schema.Boolean
      })
    )
  ),
  pricesIncludeTax: Schema.NullOr(Schema.Boolean)
})

/** The most points a search ranks (a site's network near one place is far smaller). */
const searchCandidates = 5000

export class ShippingRepo extends Effect.Service<ShippingRepo>()("@shopvo/api/ShippingRepo", {
  accessors: true,
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const tenantIs = (tenant: Tenant) => sql`site_id = ${tenant.siteId} and livemode = ${tenant.livemode}`
    const textArray = (values: ReadonlyArray<string>) =>
      sql`array(select jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`

    const first = <A>(rows: ReadonlyArray<A>) =>
      rows[0] === undefined ? Effect.dieMessage("shipping statement returned no row") : Effect.succeed(rows[0])

    return {
      zones: (tenant: Tenant) =>
        Database.boundary(
          SqlSchema.findAll({
            Request: Schema.Void,
            Result: Zone,
            execute: () =>
              sql`select ${sql.literal(zoneColumns)} from shipping_zones where ${tenantIs(tenant)}
                  order by created_at, id`
          })(undefined)
        ),
      insertZone: (tenant: Tenant, zone: NewZone) =>
        Database.boundary(
          Effect.flatMap(
            SqlSchema.findAll({
              Request: Schema.Void,
              Result: Zone,
              execute: () =>
                sql`insert into shipping_zones (id, site_id, livemode, name, countries, postal_prefixes, tax_rate)
                    values (${Ids.make("zone")}, ${tenant.siteId}, ${tenant.livemode}, ${zone.name},
                      ${textArray(zone.countries)}, ${textArray(zone.postalPrefixes)}, ${zone.taxRate})
                    returning ${sql.literal(zoneColumns)}`
            })(undefined),
            first
          )
        ),
      /** Whether a zone was deleted (its options go with it). */
      deleteZone: (tenant: Tenant, id: string) =>
        Database.boundary(
          Effect.map(
            sql`delete from shipping_zones where ${tenantIs(tenant)} and id = ${id} returning id`,
            (rows) => rows.length > 0
          )
        ),
      zoneExists: (tenant: Tenant, id: string) =>
        Database.boundary(
          Effect.map(
            sql`select 1 from shipping_zones where ${tenantIs(tenant)} and id = ${id}`,
            (rows) => rows.length > 0
          )
        ),
      /** Every option of the site, by zone and display order. */
      options: (tenant: Tenant) =>
        Database.boundary(
          SqlSchema.findAll({
            Request: Schema.Void,
            Result: OptionRow,
            execute: () =>
              sql`select ${sql.literal(optionColumns)} from shipping_options where ${tenantIs(tenant)}
                  order by zone_id nulls first, position, id`
          })(undefined)
        ),
      insertOption: (tenant: Tenant, option: NewOption) =>
        Database.boundary(
          Effect.flatMap(
            SqlSchema.findAll({
              Request: Schema.Void,
              Result: OptionRow,
              execute: () =>
                sql`insert into shipping_options (id, site_id, livemode, zone_id, name, carrier, service, currency,
                      rate, min_days, max_days, to_pickup_point, position)
                    values (${Ids.make("ship")}, ${tenant.siteId}, ${tenant.livemode}, ${option.zoneId}, ${option.name},
                      ${option.carrier}, ${option.service}, ${option.currency},
                      ${JSON.stringify(Schema.encodeSync(Shipping.Rate)(option.rate))}::jsonb,
                      ${option.minDays}, ${option.maxDays}, ${option.toPickupPoint}, ${option.position})
                    returning ${sql.literal(optionColumns)}`
            })(undefined),
            first
          )
        ),
      deleteOption: (tenant: Tenant, id: string) =>
        Database.boundary(
          Effect.map(
            sql`delete from shipping_options where ${tenantIs(tenant)} and id = ${id} returning id`,
            (rows) => rows.length > 0
          )
        ),
      /** Inserts a point; none when the carrier already has one with this code. */
      insertPickupPoint: (tenant: Tenant, point: NewPickupPoint) =>
        Database.boundary(
          Effect.map(
            SqlSchema.findAll({
              Request: Schema.Void,
              Result: PickupPoint,
              execute: () =>
                sql`insert into pickup_points (id, site_id, livemode, carrier, code, name, line1, city, postal_code,
                      country, latitude_e6, longitude_e6)
                    values (${Ids.make("pup")}, ${tenant.siteId}, ${tenant.livemode}, ${point.carrier}, ${point.code},
                      ${point.name}, ${point.line1}, ${point.city}, ${point.postalCode}, ${point.country},
                      ${point.latitudeE6}, ${point.longitudeE6})
                    on conflict (site_id, livemode, carrier, code) do nothing
                    returning ${sql.literal(pickupColumns)}`
            })(undefined),
            (rows) => Option.fromNullable(rows[0])
          )
        ),
      /** Creates the point, or updates (and reactivates) the carrier's point with its code; true when created. */
      upsertPickupPoint: (tenant: Tenant, point: NewPickupPoint) =>
        Database.boundary(
          Effect.flatMap(
            SqlSchema.findAll({
              Request: Schema.Void,
              Result: Schema.Struct({ created: Schema.Boolean }),
              execute: () =>
                sql`insert into pickup_points (id, site_id, livemode, carrier, code, name, line1, city, postal_code,
                      country, latitude_e6, longitude_e6)
                    values (${Ids.make("pup")}, ${tenant.siteId}, ${tenant.livemode}, ${point.carrier}, ${point.code},
                      ${point.name}, ${point.line1}, ${point.city}, ${point.postalCode}, ${point.country},
                      ${point.latitudeE6}, ${point.longitudeE6})
                    on conflict (site_id, livemode, carrier, code) do update set
                      name = excluded.name, line1 = excluded.line1, city = excluded.city,
                      postal_code = excluded.postal_code, country = excluded.country,
                      latitude_e6 = excluded.latitude_e6, longitude_e6 = excluded.longitude_e6, active = true
                    returning (xmax = 0) as created`
            })(undefined),
            (rows) => Effect.map(first(rows), (row) => row.created)
          )
        ),
      deactivatePickupPoint: (tenant: Tenant, id: string) =>
        Database.boundary(
          Effect.map(
            SqlSchema.findAll({
              Request: Schema.Void,
              Result: PickupPoint,
              execute: () =>
                sql`update pickup_points set active = false where ${tenantIs(tenant)} and id = ${id}
                    returning ${sql.literal(pickupColumns)}`
            })(undefined),
            (rows) => Option.fromNullable(rows[0])
          )
        ),
      pickupPoint: (tenant: Tenant, id: string) =>
        Database.boundary(
          Effect.map(
            SqlSchema.findAll({
              Request: Schema.Void,
              Result: PickupPoint,
              execute: () =>
                sql`select ${sql.literal(pickupColumns)} from pickup_points where ${tenantIs(tenant)} and id = ${id}`
            })(undefined),
            (rows) => Option.fromNullable(rows[0])
          )
        ),
      /** The active points a search ranks: of `carrier` and `country` when given. */
      activePickupPoints: (tenant: Tenant, filter: { readonly carrier?: string; readonly country?: string }) =>
        Database.boundary(
          SqlSchema.findAll({
            Request: Schema.Void,
            Result: PickupPoint,
            execute: () =>
              sql`select ${sql.literal(pickupColumns)} from pickup_points where ${tenantIs(tenant)} and active
                  ${filter.carrier === undefined ? sql`` : sql`and carrier = ${filter.carrier}`}
                  ${filter.country === undefined ? sql`` : sql`and country = ${filter.country}`}
                  order by id limit ${searchCandidates}`
          })(undefined)
        ),
      /** Sets a variant's weight and box; false when the site has no such variant. */
      setVariantParcel: (
        tenant: Tenant,
        variantId: string,
        parcel: { readonly weightGrams: number; readonly dimensions: Shipping.Item["dimensions"] }
      ) =>
        Database.boundary(
          Effect.map(
            sql`update variants set weight_grams = ${parcel.weightGrams},
                  length_mm = ${parcel.dimensions?.lengthMm ?? null}, width_mm = ${parcel.dimensions?.widthMm ?? null},
                  height_mm = ${parcel.dimensions?.heightMm ?? null}
                where ${tenantIs(tenant)} and id = ${variantId} returning id`,
            (rows) => rows.length > 0
          )
        ),
      /** The weight and box of each product's default variant and of each named variant. */
      parcels: (tenant: Tenant, productIds: ReadonlyArray<string>, variantIds: ReadonlyArray<string>) =>
        Database.boundary(
          SqlSchema.findAll({
            Request: Schema.Void,
            Result: ParcelRow,
            execute: () =>
              sql`select product_id as "productId", case when is_default then null else id end as "variantId",
                    weight_grams as "weightGrams", length_mm as "lengthMm", width_mm as "widthMm", height_mm as "heightMm"
                  from variants where ${tenantIs(tenant)} and is_default
                    and product_id = any(${textArray(productIds)})
                  union all
                  select product_id, id, weight_grams, length_mm, width_mm, height_mm
                  from variants where ${tenantIs(tenant)} and id = any(${textArray(variantIds)})`
          })(undefined)
        ),
      /** The site's zones, every option (all currencies, in display order) and tax mode (null: never set). */
      quoteSetup: (tenant: Tenant) =>
        Database.boundary(
          Effect.flatMap(
            SqlSchema.findAll({
              Request: Schema.Void,
              Result: QuoteSetup,
              execute: () =>
                sql`select
                      (select coalesce(jsonb_agg(jsonb_build_object('id', id, 'countries', countries,
                          'postalPrefixes', postal_prefixes, 'taxRate', tax_rate)), '[]')::text
                        from shipping_zones where ${tenantIs(tenant)}) as zones,
                      (select coalesce(jsonb_agg(jsonb_build_object('id', id, 'zoneId', zone_id, 'name', name,
                          'carrier', carrier, 'service', service, 'currency', currency, 'rate', rate,
                          'minDays', min_days, 'maxDays', max_days, 'toPickupPoint', to_pickup_point)
                          order by position, id), '[]')::text
                        from shipping_options where ${tenantIs(tenant)}) as options,
                      (select prices_include_tax from tax_settings where ${tenantIs(tenant)}) as "pricesIncludeTax"`
            })(undefined),
            first
          )
        ),
      /** Whether the site's prices include tax (true until it says otherwise). */
      pricesIncludeTax: (tenant: Tenant) =>
        Database.boundary(
          Effect.map(
            sql<{ readonly prices_include_tax: boolean }>`select prices_include_tax from tax_settings
              where ${tenantIs(tenant)}`,
            (rows) => rows[0]?.prices_include_tax ?? true
          )
        ),
      setPricesIncludeTax: (tenant: Tenant, include: boolean) =>
        Database.boundary(
          sql`insert into tax_settings (site_id, livemode, prices_include_tax)
              values (${tenant.siteId}, ${tenant.livemode}, ${include})
              on conflict (site_id, livemode) do update set prices_include_tax = excluded.prices_include_tax`
        )
    }
  })
}) {}
