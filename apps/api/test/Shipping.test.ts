import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Checkout, type Line } from "../src/Checkout/Service.js"
import { bodyOf, errorOf, start, type TestApi } from "./support/TestApi.js"

const person = { firstName: "Anna", lastName: "de Vries", phone: "+31 20 555 0101" }
const rotterdam = { ...person, line1: "Coolsingel 40", city: "Rotterdam", postalCode: "3011 AD", country: "NL" }
const amsterdam = { ...person, line1: "Damrak 1", city: "Amsterdam", postalCode: "1012 JS", country: "NL" }
const brussels = { ...person, line1: "Rue Neuve 1", city: "Brussels", postalCode: "1000", country: "BE" }
const newYork = { ...person, line1: "5th Avenue 1", city: "New York", postalCode: "10001", country: "US" }

const pickupCsv = (rows: ReadonlyArray<string>) =>
  ["carrier,code,name,line1,city,postalCode,country,latitude,longitude", ...rows].join("\r\n")

describe("Shipping", () => {
  let api: TestApi
  let site: string
  let key: string
  let item: { productId: string; variantId: string }

  const query = <A extends object>(text: string, params: ReadonlyArray<unknown> = []) =>
    api.run(Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe<A>(text, params)))
  const random = () => Math.random().toString(36).slice(2, 14)
  const path = (rest: string, siteId = site) => `/api/v1/${siteId}${rest}`
  const post = (rest: string, body: unknown) => api.request("POST", path(rest), { key, body })

  /** A product with one default variant at 2999, plenty in stock. */
  const insertVariant = async (siteId: string) => {
    const productId = `prd_${random()}`
    const variantId = `var_${random()}`
    await query(
      `insert into products (id, site_id, livemode, name, slug, price, currency, inventory_count, inventory_status)
       values ($1, $2, false, 'Ceramic Mug', $3, 2999, 'EUR', 0, 'OUT_OF_STOCK')`,
      [productId, siteId, productId.replace("_", "-")]
    )
    await query(
      `insert into variants (id, site_id, livemode, product_id, name, sku, price, inventory_count, inventory_status, is_default)
       values ($1, $2, false, $3, 'Blue', $4, 2999, 100, 'IN_STOCK', true)`,
      [variantId, siteId, productId, `MUG-${random()}`]
    )
    return { productId, variantId }
  }

  /** A session of two mugs (5998), moved to `shipping` with an email. */
  const session = async (quantity = 2) => {
    const line: Line = {
      id: `cli_${random()}`,
      productId: item.productId,
      variantId: item.variantId,
      name: "Ceramic Mug — Blue",
      sku: "MUG-B",
      quantity,
      unitPrice: 2999
    }
    const started = await api.run(
      Checkout.start(
        { siteId: site, livemode: false },
        {
          cartId: `cart_${random()}`,
          customerId: null,
          currency: "EUR",
          lines: [line],
          email: null,
          shippingAddress: null
        }
      )
    )
    const sessionId = started.session.id
    expect((await advance({ sessionId, state: "contact" })).status).toBe(200)
    expect((await advance({ sessionId, state: "shipping", email: "anna@example.com" })).status).toBe(200)
    return sessionId
  }
  const advance = (body: Record<string, unknown>) => api.request("PATCH", path("/checkout"), { key, body })
  const optionsFor = async (sessionId: string, shippingAddress: object) => {
    const res = await advance({ sessionId, state: "shipping", shippingAddress })
    return bodyOf(res, "checkout.advance").data.availableShippingOptions
  }

  const zoneIds: Record<string, string> = {}
  const optionIds: Record<string, string> = {}

  beforeAll(async () => {
    api = await start()
    site = (await api.createSite()).id
    key = (await api.createKey(site)).key
    await query("update sites set checkout_limit_rpm = 100000, rate_limit_rpm = 1000 where id = $1", [site])
    item = await insertVariant(site)

    for (const [name, body] of Object.entries({
      nl: { name: "Netherlands", countries: ["NL"], taxRate: 2100 },
      amsterdam: { name: "Amsterdam", countries: ["NL"], postalPrefixes: ["10"], taxRate: 2100 },
      benelux: { name: "Belgium and Germany", countries: ["BE", "DE"], taxRate: 2100 }
    })) {
      const res = await post("/shipping/zones", body)
      expect(res.status).toBe(201)
      zoneIds[name] = bodyOf(res, "shipping.createZone").data.id
    }
    const options = {
      postnl: {
        zoneId: zoneIds["nl"],
        name: "PostNL Standard",
        carrier: "PostNL",
        service: "Standard",
        currency: "EUR",
        rate: {
          type: "WEIGHT_BANDS",
          bands: [
            { upTo: 1000, amount: 495 },
            { upTo: 5000, amount: 795 }
          ]
        },
        estimatedDays: { min: 1, max: 2 }
      },
      postnlUsd: {
        zoneId: zoneIds["nl"],
        name: "PostNL (USD)",
        carrier: "PostNL",
        service: "Standard",
        currency: "USD",
        rate: { type: "FLAT", amount: 600 },
        estimatedDays: { min: 1, max: 2 }
      },
      pickup: {
        zoneId: zoneIds["nl"],
        name: "PostNL pickup point",
        carrier: "PostNL",
        service: "Pickup",
        currency: "EUR",
        rate: { type: "FLAT", amount: 295 },
        estimatedDays: { min: 1, max: 3 },
        toPickupPoint: true
      },
      courier: {
        zoneId: zoneIds["amsterdam"],
        name: "Bike courier",
        carrier: "Cycloon",
        service: "Same day",
        currency: "EUR",
        rate: {
          type: "ORDER_VALUE_BANDS",
          bands: [
            { upTo: 4999, amount: 899 },
            { upTo: null, amount: 399 }
          ]
        },
        estimatedDays: { min: 0, max: 0 }
      },
      dhl: {
        zoneId: zoneIds["benelux"],
        name: "DHL Parcel",
        carrier: "DHL",
        service: "Parcel Connect",
        currency: "EUR",
        rate: { type: "FREE_OVER", amount: 1295, threshold: 10000 },
        estimatedDays: { min: 2, max: 4 }
      },
      world: {
        name: "International",
        carrier: "PostNL",
        service: "International",
        currency: "EUR",
        rate: { type: "FLAT", amount: 2500 },
        estimatedDays: { min: 5, max: 10 }
      }
    }
    for (const [name, body] of Object.entries(options)) {
      const res = await post("/shipping/options", body)
      expect(res.status, res.text).toBe(201)
      optionIds[name] = bodyOf(res, "shipping.createOption").data.id
    }
    const parcel = await api.request("PUT", path(`/shipping/variants/${item.variantId}/parcel`), {
      key,
      body: { weightGrams: 600, dimensions: { lengthMm: 120, widthMm: 90, heightMm: 100 } }
    })
    expect(bodyOf(parcel, "shipping.setVariantParcel").data.weightGrams).toBe(600)
    const variant = await api.request("GET", path(`/products/${item.productId}/variants`), { key })
    expect(bodyOf(variant, "products.listVariants").data[0]?.parcel).toEqual({
      weightGrams: 600,
      dimensions: { lengthMm: 120, widthMm: 90, heightMm: 100 }
    })
  })

  afterAll(() => api.close())

  it("offers each address exactly the options of its most specific zone, priced for the cart, as label-ready rates", async () => {
    const sessionId = await session()
    // Two mugs: 1200 g, boxes stacked to 120 × 90 × 200 mm; subtotal 5998.
    const parcel = { weightGrams: 1200, dimensions: { lengthMm: 120, widthMm: 90, heightMm: 200 } }

    // A country zone: the weight band covering 1200 g (the USD option is not in the cart's currency).
    expect(await optionsFor(sessionId, rotterdam)).toEqual([
      {
        id: optionIds["postnl"],
        name: "PostNL Standard",
        amount: 795,
        currency: "EUR",
        carrier: "PostNL",
        service: "Standard",
        parcel,
        estimatedDelivery: { minDays: 1, maxDays: 2 },
        toPickupPoint: false
      }
    ])
    // A postal-code zone beats its country's: only the courier, in the order-value band over 49.99.
    expect((await optionsFor(sessionId, amsterdam)).map((o) => [o.name, o.amount, o.carrier, o.service])).toEqual([
      ["Bike courier", 399, "Cycloon", "Same day"]
    ])
    // A multi-country zone: not yet free under 100.00.
    expect((await optionsFor(sessionId, brussels)).map((o) => [o.name, o.amount])).toEqual([["DHL Parcel", 1295]])
    // No zone: the options of no zone.
    expect((await optionsFor(sessionId, newYork)).map((o) => [o.name, o.amount])).toEqual([["International", 2500]])

    // Choosing an option of another zone is refused.
    const refused = await advance({ sessionId, state: "shipping", shippingOptionId: optionIds["postnl"] })
    expect(refused.status).toBe(422)
    expect(errorOf(refused).code).toBe("shipping_option_unavailable")
  })

  it("prices the bands and the threshold from the cart: heavier parcels and larger orders move band, too heavy is not offered", async () => {
    const one = await session(1)
    expect((await optionsFor(one, rotterdam)).map((o) => o.amount)).toEqual([495])
    expect((await optionsFor(one, amsterdam)).map((o) => o.amount)).toEqual([899])
    const four = await session(4)
    expect((await optionsFor(four, brussels)).map((o) => o.amount)).toEqual([0])
    // Nine mugs weigh 5400 g, beyond the last band of 5000: PostNL Standard is not offered.
    const nine = await session(9)
    expect(await optionsFor(nine, rotterdam)).toEqual([])
  })

  it("taxes by the zone's rate, inside prices that include tax or on top of prices that exclude it", async () => {
    const settings = await api.request("GET", path("/tax/settings"), { key })
    expect(bodyOf(settings, "tax.getSettings").data).toEqual({ pricesIncludeTax: true })

    const sessionId = await session()
    const chose = await advance({
      sessionId,
      state: "shipping",
      shippingAddress: rotterdam,
      shippingOptionId: optionIds["postnl"]
    })
    // 21% inside 5998 is 1040.99 → 1041, inside 795 it is 137.98 → 138: 1179 included, nothing added.
    expect(bodyOf(chose, "checkout.advance").data.totals).toMatchObject({
      subtotal: 5998,
      shippingTotal: 795,
      taxTotal: 0,
      taxIncluded: 1179,
      total: 6793
    })
    // Outside every zone the rate is 0.
    const abroad = await advance({
      sessionId,
      state: "shipping",
      shippingAddress: newYork,
      shippingOptionId: optionIds["world"]
    })
    expect(bodyOf(abroad, "checkout.advance").data.totals).toMatchObject({ taxIncluded: 0, total: 5998 + 2500 })

    const exclusive = await api.request("PUT", path("/tax/settings"), { key, body: { pricesIncludeTax: false } })
    expect(bodyOf(exclusive, "tax.updateSettings").data).toEqual({ pricesIncludeTax: false })
    try {
      const taxed = await advance({
        sessionId,
        state: "payment",
        shippingAddress: rotterdam,
        shippingOptionId: optionIds["postnl"]
      })
      expect(taxed.status, taxed.text).toBe(200)
      // 21% of 5998 is 1259.58 → 1260, of 795 it is 166.95 → 167: 1427 on top.
      expect(bodyOf(taxed, "checkout.advance").data.totals).toMatchObject({
        subtotal: 5998,
        shippingTotal: 795,
        taxTotal: 1427,
        taxIncluded: 0,
        total: 8220,
        amountDue: 8220
      })
      expect(
        (await advance({ sessionId, state: "review", payment: { method: "card", token: "tok_visa" } })).status
      ).toBe(200)
      const done = bodyOf(await advance({ sessionId, state: "complete" }), "checkout.advance").data
      const order = bodyOf(await api.request("GET", path(`/orders/${done.orderId}`), { key }), "orders.get").data
      expect(order).toMatchObject({ subtotal: 5998, shippingTotal: 795, taxTotal: 1427, total: 8220 })
    } finally {
      await api.request("PUT", path("/tax/settings"), { key, body: { pricesIncludeTax: true } })
    }
  })

  it("imports pickup points from CSV or JSON, refusing the whole import when a row is bad", async () => {
    const bad = await api.request("POST", path("/shipping/pickup-points/import"), {
      key,
      rawBody: pickupCsv([
        "PostNL,NL-1,Albert Heijn Damrak,Damrak 49,Amsterdam,1012 LL,NL,52.376,4.8964",
        "PostNL,NL-2,Primera Kalverstraat,Kalverstraat 2,Amsterdam,1012 PC,NL,north,4.8918",
        "PostNL,,Bruna,Coolsingel 5,Rotterdam,3011 AD,Netherlands,51.92,4.47"
      ]),
      headers: { "content-type": "text/csv" }
    })
    expect(bad.status).toBe(400)
    const details = errorOf(bad).details ?? []
    expect(details.map((d) => d.path).sort()).toEqual(["/1/latitude", "/2/code", "/2/country"])
    // A NUL in a CSV field reached PostgreSQL's text and answered 500; refused like a NUL in JSON.
    const nul = await api.request("POST", path("/shipping/pickup-points/import"), {
      key,
      rawBody: pickupCsv(["PostNL,NL-1,Albert\u0000Heijn,Damrak 49,Amsterdam,1012 LL,NL,52.376,4.8964"]),
      headers: { "content-type": "text/csv" }
    })
    expect(nul.status, nul.text).toBe(400)
    expect(errorOf(nul).code).toBe("validation_error")
    expect(
      (await query<{ n: number }>("select count(*)::int as n from pickup_points where site_id = $1", [site]))[0]!.n
    ).toBe(0)

    const imported = await api.request("POST", path("/shipping/pickup-points/import"), {
      key,
      rawBody: pickupCsv([
        "PostNL,NL-1,Albert Heijn Damrak,Damrak 49,Amsterdam,1012 LL,NL,52.376,4.8964",
        'PostNL,NL-2,"Primera, Kalverstraat",Kalverstraat 2,Amsterdam,1012 PC,NL,52.3713,4.8918',
        "PostNL,NL-3,Bruna Coolsingel,Coolsingel 5,Rotterdam,3011 AD,NL,51.9205,4.4777",
        "DHL,D-1,DHL ServicePoint Zuid,Beethovenstraat 10,Amsterdam,1077 JH,NL,52.3464,4.8738"
      ]),
      headers: { "content-type": "text/csv; charset=utf-8" }
    })
    expect(bodyOf(imported, "shipping.importPickupPoints").data).toEqual({ imported: 4, created: 4, updated: 0 })

    // JSON rows: an existing code is updated, the rest created.
    const json = await post("/shipping/pickup-points/import", [
      {
        carrier: "PostNL",
        code: "NL-3",
        name: "Bruna Lijnbaan",
        line1: "Lijnbaan 10",
        city: "Rotterdam",
        postalCode: "3012 EL",
        country: "NL",
        latitude: 51.9198,
        longitude: 4.4749
      }
    ])
    expect(bodyOf(json, "shipping.importPickupPoints").data).toEqual({ imported: 1, created: 0, updated: 1 })
    const badJson = await post("/shipping/pickup-points/import", [{ carrier: "PostNL", code: "NL-9", latitude: 200 }])
    expect(badJson.status).toBe(400)
    expect(errorOf(badJson).details?.map((d) => d.path)).toContain("/0/latitude")
  })

  it("finds pickup points nearest first, near coordinates or a postal code, and leaves deactivated ones out", async () => {
    const near = await api.request("GET", path("/shipping/pickup-points?latitude=52.3731&longitude=4.8922"), { key })
    const found = bodyOf(near, "shipping.searchPickupPoints").data
    expect(found.map((p) => p.code)).toEqual(["NL-2", "NL-1", "D-1", "NL-3"])
    const distances = found.map((p) => p.distanceMeters ?? -1)
    expect(distances).toEqual([...distances].sort((a, b) => a - b))
    expect(distances[0]).toBeLessThan(300)

    const byPostalCode = await api.request(
      "GET",
      path("/shipping/pickup-points?postalCode=3012AB&country=NL&carrier=PostNL"),
      {
        key
      }
    )
    expect(bodyOf(byPostalCode, "shipping.searchPickupPoints").data.map((p) => p.code)).toEqual([
      "NL-3",
      "NL-2",
      "NL-1"
    ])

    const dhl = found.find((p) => p.code === "D-1")!
    const off = await api.request("POST", path(`/shipping/pickup-points/${dhl.id}/deactivate`), { key })
    expect(bodyOf(off, "shipping.deactivatePickupPoint").data.active).toBe(false)
    const after = await api.request("GET", path("/shipping/pickup-points?latitude=52.3731&longitude=4.8922&limit=10"), {
      key
    })
    expect(bodyOf(after, "shipping.searchPickupPoints").data.map((p) => p.code)).toEqual(["NL-2", "NL-1", "NL-3"])

    const neither = await api.request("GET", path("/shipping/pickup-points?latitude=52.3"), { key })
    expect(neither.status).toBe(400)
  })

  it("completes a checkout that ships to a pickup point, offering only its carrier's pickup options", async () => {
    const points = bodyOf(
      await api.request("GET", path("/shipping/pickup-points?latitude=51.92&longitude=4.475&limit=1"), { key }),
      "shipping.searchPickupPoints"
    ).data
    const point = points[0]!
    expect(point.code).toBe("NL-3")
    const sessionId = await session()

    // A pickup point needs a recipient's name.
    const nameless = await advance({ sessionId, state: "shipping", pickupPointId: point.id })
    expect(nameless.status).toBe(422)
    expect(errorOf(nameless).code).toBe("pickup_point_unavailable")

    const chose = await advance({ sessionId, state: "shipping", pickupPointId: point.id, shippingAddress: rotterdam })
    const view = bodyOf(chose, "checkout.advance").data
    expect(view.pickupPointId).toBe(point.id)
    expect(view.shippingAddress).toMatchObject({
      firstName: "Anna",
      lastName: "de Vries",
      company: "Bruna Lijnbaan",
      line1: "Lijnbaan 10",
      postalCode: "3012 EL",
      country: "NL"
    })
    // The point's zone is the Netherlands: of its options, only PostNL's pickup option delivers to a point.
    expect(view.availableShippingOptions.map((o) => [o.name, o.amount, o.toPickupPoint])).toEqual([
      ["PostNL pickup point", 295, true]
    ])

    for (const body of [
      { state: "payment", shippingOptionId: optionIds["pickup"] },
      { state: "review", payment: { method: "card", token: "tok_visa" } },
      { state: "complete" }
    ]) {
      const res = await advance({ sessionId, ...body })
      expect(res.status, res.text).toBe(200)
    }
    const done = bodyOf(
      await api.request("GET", path(`/checkout?sessionId=${sessionId}`), { key }),
      "checkout.get"
    ).data
    expect(done.state).toBe("complete")
    expect(done.totals).toMatchObject({ shippingTotal: 295, total: 5998 + 295 })
    const order = bodyOf(await api.request("GET", path(`/orders/${done.orderId}`), { key }), "orders.get").data
    expect(order.shippingAddress).toMatchObject({ company: "Bruna Lijnbaan", line1: "Lijnbaan 10", city: "Rotterdam" })
    expect(order.shippingTotal).toBe(295)

    // A point in Amsterdam's zone, which has no pickup option, is offered nothing.
    const damrak = bodyOf(
      await api.request("GET", path("/shipping/pickup-points?postalCode=1012LL&country=NL&limit=1"), { key }),
      "shipping.searchPickupPoints"
    ).data[0]!
    expect(damrak.code).toBe("NL-1")
    const other = await session()
    // The recipient may be named by the billing address.
    const inAmsterdam = await advance({
      sessionId: other,
      state: "shipping",
      pickupPointId: damrak.id,
      billingAddress: rotterdam
    })
    const amsterdamView = bodyOf(inAmsterdam, "checkout.advance").data
    expect(amsterdamView.shippingAddress).toMatchObject({ firstName: "Anna", company: "Albert Heijn Damrak" })
    expect(amsterdamView.availableShippingOptions).toEqual([])

    // A deactivated point cannot be chosen.
    const inactive = await query<{ id: string }>("select id from pickup_points where site_id = $1 and not active", [
      site
    ])
    const refused = await advance({
      sessionId: other,
      state: "shipping",
      pickupPointId: inactive[0]!.id,
      shippingAddress: rotterdam
    })
    expect(refused.status).toBe(422)
    expect(errorOf(refused).code).toBe("pickup_point_unavailable")
  })

  it("refuses bad setup with 4xx and changes nothing; needs admin:*; keeps sites apart", async () => {
    const before = bodyOf(await api.request("GET", path("/shipping/options"), { key }), "shipping.listOptions").data
      .length

    const unordered = await post("/shipping/options", {
      name: "Broken",
      carrier: "PostNL",
      service: "Standard",
      currency: "EUR",
      rate: {
        type: "WEIGHT_BANDS",
        bands: [
          { upTo: 5000, amount: 795 },
          { upTo: 1000, amount: 495 }
        ]
      },
      estimatedDays: { min: 3, max: 1 }
    })
    expect(unordered.status).toBe(400)
    expect(
      errorOf(unordered)
        .details?.map((d) => d.path)
        .sort()
    ).toEqual(["/estimatedDays/max", "/rate/bands"])
    const unknownZone = await post("/shipping/options", {
      zoneId: "zone_missing",
      name: "Lost",
      carrier: "PostNL",
      service: "Standard",
      currency: "EUR",
      rate: { type: "FLAT", amount: 100 },
      estimatedDays: { min: 1, max: 2 }
    })
    expect(unknownZone.status).toBe(404)
    const fractional = await post("/shipping/options", {
      name: "Float",
      carrier: "PostNL",
      service: "Standard",
      currency: "EUR",
      rate: { type: "FLAT", amount: 4.95 },
      estimatedDays: { min: 1, max: 2 }
    })
    expect(fractional.status).toBe(400)
    const badZone = await post("/shipping/zones", { name: "Nowhere", countries: ["nl"] })
    expect(badZone.status).toBe(400)
    const after = bodyOf(await api.request("GET", path("/shipping/options"), { key }), "shipping.listOptions").data
      .length
    expect(after).toBe(before)

    const taken = await post("/shipping/pickup-points", {
      carrier: "PostNL",
      code: "NL-1",
      name: "Duplicate",
      line1: "Damrak 1",
      city: "Amsterdam",
      postalCode: "1012 JS",
      country: "NL",
      latitude: 52.37,
      longitude: 4.89
    })
    expect(taken.status).toBe(409)

    const reader = (await api.createKey(site, { scopes: ["read:checkout"] })).key
    const forbidden = await api.request("POST", path("/shipping/zones"), {
      key: reader,
      body: { name: "Sneaky", countries: ["NL"] }
    })
    expect(forbidden.status).toBe(403)
    // Shoppers' keys can search pickup points.
    expect(
      (await api.request("GET", path("/shipping/pickup-points?latitude=52&longitude=4"), { key: reader })).status
    ).toBe(200)

    const otherSite = (await api.createSite({ name: "Other" })).id
    const otherKey = (await api.createKey(otherSite)).key
    const foreign = await api.request("DELETE", path(`/shipping/zones/${zoneIds["benelux"]}`, otherSite), {
      key: otherKey
    })
    expect(foreign.status).toBe(404)
    const foreignZones = await api.request("GET", path("/shipping/zones", otherSite), { key: otherKey })
    expect(bodyOf(foreignZones, "shipping.listZones").data).toEqual([])
    const foreignPoints = await api.request(
      "GET",
      path("/shipping/pickup-points?latitude=52.37&longitude=4.89", otherSite),
      {
        key: otherKey
      }
    )
    expect(bodyOf(foreignPoints, "shipping.searchPickupPoints").data).toEqual([])
    // Live keys see nothing of the test-mode setup.
    const live = (await api.createKey(site, { mode: "live" })).key
    expect(bodyOf(await api.request("GET", path("/shipping/zones"), { key: live }), "shipping.listZones").data).toEqual(
      []
    )

    const zones = bodyOf(await api.request("GET", path("/shipping/zones"), { key }), "shipping.listZones").data
    expect(zones.find((z) => z.name === "Amsterdam")?.postalPrefixes).toEqual(["10"])
  })
})
