import { SqlClient } from "@effect/sql"
import { Order as OrderLifecycle, StateMachine } from "@shopvo/checkout"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Checkout, type Line } from "../src/Checkout/Service.js"
import { Customers } from "../src/Customers/Service.js"
import { Orders } from "../src/Orders/Service.js"
import { PaymentProvider, TestPaymentProvider, testRefunded } from "../src/Payments/Provider.js"
import { bodyOf, errorOf, start, type TestApi } from "./support/TestApi.js"

type Status = OrderLifecycle.OrderStatus

const address = {
  firstName: "Jane",
  lastName: "Smith",
  line1: "Ermou 25",
  city: "Athens",
  region: "Attica",
  postalCode: "10563",
  country: "GR",
  phone: "+30 210 1234567"
}

describe("Order lifecycle", () => {
  let api: TestApi
  let site: string
  let key: string
  let keyId: string
  let otherSite: string
  let otherKey: string

  const query = <A extends object>(text: string, params: ReadonlyArray<unknown> = []) =>
    api.run(Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe<A>(text, params)))

  const random = () => Math.random().toString(36).slice(2, 14)

  /** A product with one variant holding `stock` units at `price`. */
  const insertVariant = async (stock: number, price = 2999) => {
    const productId = `prd_${random()}`
    const variantId = `var_${random()}`
    await query(
      `insert into products (id, site_id, livemode, name, slug, price, currency, inventory_count, inventory_status)
       values ($1, $2, false, 'Mug', $3, $4, 'EUR', 0, 'OUT_OF_STOCK')`,
      [productId, site, productId.replace("_", "-"), price]
    )
    await query(
      `insert into variants (id, site_id, livemode, product_id, name, sku, price, inventory_count, inventory_status, is_default)
       values ($1, $2, false, $3, 'Blue', $4, $5, $6, 'IN_STOCK', true)`,
      [variantId, site, productId, `MUG-${random()}`, price, stock]
    )
    return { productId, variantId, price }
  }

  const stockOf = async (variantId: string) =>
    (await query<{ inventory_count: number }>("select inventory_count from variants where id = $1", [variantId]))[0]!
      .inventory_count

  const line = (item: { productId: string; variantId: string; price: number }, quantity: number): Line => ({
    id: `cli_${random()}`,
    productId: item.productId,
    variantId: item.variantId,
    name: "Mug — Blue",
    sku: "MUG-B",
    quantity,
    unitPrice: item.price
  })

  const advance = (body: Record<string, unknown>) => api.request("PATCH", `/api/v1/${site}/checkout`, { key, body })

  /** An order placed and paid through checkout (CONFIRMED, PAID), with the card captured by the test provider. */
  const placePaid = async (
    lines: ReadonlyArray<Line>,
    options: {
      readonly email?: string
      readonly promotionCode?: string
      readonly customerId?: string
      readonly storeCreditAmount?: number
    } = {}
  ) => {
    const view = await api.run(
      Checkout.start(
        { siteId: site, livemode: false },
        {
          cartId: `cart_${random()}`,
          customerId: options.customerId ?? null,
          currency: "EUR",
          lines,
          email: null,
          shippingAddress: null
        }
      )
    )
    const sessionId = view.session.id
    for (const body of [
      { state: "contact" },
      { state: "shipping", email: options.email ?? `buyer-${random()}@example.com` },
      {
        state: "payment",
        shippingAddress: address,
        shippingOptionId: "ship_standard",
        ...(options.promotionCode === undefined ? {} : { promotionCode: options.promotionCode }),
        ...(options.storeCreditAmount === undefined ? {} : { storeCreditAmount: options.storeCreditAmount })
      },
      { state: "review", payment: { method: "card", token: "tok_visa" } },
      { state: "complete" }
    ]) {
      const res = await advance({ sessionId, ...body })
      expect(res.status, res.text).toBe(200)
    }
    const orderId = bodyOf(await advance({ sessionId, state: "complete" }), "checkout.advance").data.orderId
    if (orderId === null) throw new Error("no order")
    return orderId
  }

  /** An order placed on terms: PENDING, nothing paid yet (as a B2B order on NET_30 is). */
  const placePending = async () => {
    const placed = await api.run(
      Orders.place(
        { siteId: site, livemode: false },
        {
          status: "PENDING",
          paymentStatus: "PENDING",
          customerId: null,
          email: `terms-${random()}@example.com`,
          currency: "EUR",
          items: [{ productId: "prd_terms", variantId: null, name: "Crate", sku: null, quantity: 1, unitPrice: 1000 }],
          subtotal: 1000,
          discountTotal: 0,
          shippingTotal: 0,
          taxTotal: 0,
          giftCardTotal: 0,
          storeCreditTotal: 0,
          total: 1000,
          shippingAddress: null,
          billingAddress: null,
          promotionCode: null,
          checkoutSessionId: `cs_${random()}`,
          cartId: `cart_${random()}`,
          paymentMethod: null,
          paymentReference: null
        }
      )
    )
    if (placed._tag === "None") throw new Error("not placed")
    return placed.value.id
  }

  const getOrder = async (orderId: string) =>
    bodyOf(await api.request("GET", `/api/v1/${site}/orders/${orderId}`, { key }), "orders.get").data
  const setStatus = (orderId: string, status: Status, note?: string) =>
    api.request("POST", `/api/v1/${site}/orders/${orderId}/status`, {
      key,
      body: note === undefined ? { status } : { status, note }
    })
  const timeline = async (orderId: string) =>
    bodyOf(await api.request("GET", `/api/v1/${site}/orders/${orderId}/timeline`, { key }), "orders.getTimeline").data
  const refund = (orderId: string, body: Record<string, unknown>) =>
    api.request("POST", `/api/v1/${site}/orders/${orderId}/refunds`, { key, body })
  const eventsOf = async (orderId: string) =>
    (
      await query<{ type: string }>(
        "select type from events where site_id = $1 and payload->>'id' = $2 order by created_at, id",
        [site, orderId]
      )
    ).map((e) => e.type)

  /** An order in `status`, reached through the API (a CANCELLED one was never paid, so it stays CANCELLED). */
  const orderIn = async (status: Status) => {
    if (status === "PENDING") return placePending()
    if (status === "CANCELLED") {
      const orderId = await placePending()
      expect((await setStatus(orderId, "CANCELLED")).status).toBe(200)
      return orderId
    }
    const item = await insertVariant(10)
    const orderId = await placePaid([line(item, 1)])
    const path: ReadonlyArray<Status> = ["PROCESSING", "SHIPPED", "DELIVERED"]
    if (status === "REFUNDED") {
      expect((await setStatus(orderId, "REFUNDED")).status).toBe(200)
      return orderId
    }
    for (const next of path.slice(0, path.indexOf(status) + 1)) {
      const moved = await setStatus(orderId, next)
      expect(moved.status, moved.text).toBe(200)
    }
    return orderId
  }

  beforeAll(async () => {
    api = await start()
    site = (await api.createSite()).id
    const created = await api.createKey(site)
    key = created.key
    keyId = created.id
    otherSite = (await api.createSite()).id
    otherKey = (await api.createKey(otherSite)).key
    await query(
      "update sites set checkout_limit_rpm = 100000, orders_limit_rpm = 100000, rate_limit_rpm = 1000 where id = $1",
      [site]
    )
  })

  afterAll(() => api.close())

  describe("moves", () => {
    const statuses = OrderLifecycle.OrderStatus.literals

    for (const from of statuses) {
      it(`from ${from}: every illegal move is 422 naming the allowed ones and changes nothing`, async () => {
        const orderId = await orderIn(from)
        const before = await getOrder(orderId)
        const entries = (await timeline(orderId)).length
        const events = (await eventsOf(orderId)).length
        const allowed = OrderLifecycle.allowedFrom(from)
        for (const to of statuses.filter((s) => !StateMachine.canTransition(OrderLifecycle.machine, from, s))) {
          const res = await setStatus(orderId, to)
          expect(res.status, `${from} → ${to}`).toBe(422)
          const error = errorOf(res)
          expect(error.code).toBe("illegal_transition")
          for (const name of allowed) expect(error.error).toContain(`"${name}"`)
          expect(error.details).toEqual([
            {
              path: "/status",
              message: allowed.length === 0 ? `${from} is final` : `allowed from ${from}: ${allowed.join(", ")}`
            }
          ])
        }
        expect(await getOrder(orderId)).toEqual(before)
        expect(await timeline(orderId)).toHaveLength(entries)
        expect(await eventsOf(orderId)).toHaveLength(events)
      })
    }

    it("walks a paid order CONFIRMED → PROCESSING → SHIPPED → DELIVERED → REFUNDED, each move on the timeline", async () => {
      const item = await insertVariant(10)
      const orderId = await placePaid([line(item, 2)])
      for (const to of ["PROCESSING", "SHIPPED", "DELIVERED"] as const) {
        const res = await setStatus(orderId, to, `to ${to}`)
        expect(res.status, res.text).toBe(200)
        expect(bodyOf(res, "orders.updateStatus").data.status).toBe(to)
      }
      const delivered = await getOrder(orderId)
      expect(delivered).toMatchObject({ fulfilmentStatus: "FULFILLED", paymentStatus: "PAID" })
      expect(delivered.items[0]).toMatchObject({ quantity: 2, fulfilledQuantity: 2 })

      const refunded = bodyOf(await setStatus(orderId, "REFUNDED"), "orders.updateStatus").data
      expect(refunded).toMatchObject({ status: "REFUNDED", paymentStatus: "REFUNDED", refundedTotal: refunded.total })

      const entries = await timeline(orderId)
      expect(entries.map((e) => [e.type, e.fromStatus, e.toStatus])).toEqual([
        ["placed", null, "CONFIRMED"],
        ["status_changed", "CONFIRMED", "PROCESSING"],
        ["fulfilled", "PROCESSING", "PROCESSING"],
        ["status_changed", "PROCESSING", "SHIPPED"],
        ["status_changed", "SHIPPED", "DELIVERED"],
        ["refunded", "DELIVERED", "DELIVERED"],
        ["status_changed", "DELIVERED", "REFUNDED"]
      ])
      expect(entries[1]).toMatchObject({ message: "to PROCESSING", apiKeyId: keyId, paymentStatus: "PAID" })
      expect(entries[0]!.apiKeyId).toBeNull()
      expect(entries[5]).toMatchObject({ amount: refunded.total, paymentStatus: "REFUNDED" })

      // Events of one transaction share a timestamp: compare them as a multiset.
      expect((await eventsOf(orderId)).sort()).toEqual(
        [
          "order.created",
          "order.placed",
          "order.paid",
          "order.updated",
          "order.updated",
          "order.shipped",
          "order.updated",
          "order.delivered",
          "order.completed",
          "order.refunded",
          "order.updated"
        ].sort()
      )
    })

    it("walks an order placed on terms PENDING → CONFIRMED, and another PENDING → CANCELLED", async () => {
      const confirmedId = await placePending()
      const confirmed = bodyOf(await setStatus(confirmedId, "CONFIRMED"), "orders.updateStatus").data
      expect(confirmed).toMatchObject({ status: "CONFIRMED", paymentStatus: "PENDING" })

      const cancelledId = await placePending()
      const cancelled = bodyOf(await setStatus(cancelledId, "CANCELLED", "Customer withdrew"), "orders.updateStatus")
      expect(cancelled.data).toMatchObject({ status: "CANCELLED", paymentStatus: "PENDING", refundedTotal: 0 })
      expect((await timeline(cancelledId)).map((e) => [e.type, e.toStatus, e.message])).toEqual([
        ["placed", "PENDING", "Order placed"],
        ["cancelled", "CANCELLED", "Customer withdrew"]
      ])
      // Nothing was paid, so there is nothing to refund: CANCELLED → REFUNDED needs money captured.
      const nothing = await setStatus(cancelledId, "REFUNDED")
      expect(nothing.status).toBe(422)
      expect(errorOf(nothing).code).toBe("order_not_paid")
      expect((await eventsOf(cancelledId)).sort()).toEqual(["order.cancelled", "order.updated"])
    })

    for (const from of ["CONFIRMED", "PROCESSING"] as const) {
      it(`cancelling a paid ${from} order refunds it: ${from} → CANCELLED → REFUNDED`, async () => {
        const orderId = await orderIn(from)
        const res = await setStatus(orderId, "CANCELLED")
        expect(res.status, res.text).toBe(200)
        const order = bodyOf(res, "orders.updateStatus").data
        expect(order).toMatchObject({ status: "REFUNDED", paymentStatus: "REFUNDED", refundedTotal: order.total })
        const moves = (await timeline(orderId)).filter((e) => e.type !== "placed" && e.type !== "refunded")
        expect(moves.slice(-2).map((e) => [e.fromStatus, e.toStatus])).toEqual([
          [from, "CANCELLED"],
          ["CANCELLED", "REFUNDED"]
        ])
      })
    }

    for (const from of ["CONFIRMED", "PROCESSING", "SHIPPED"] as const) {
      it(`refunds a paid ${from} order in full: ${from} → REFUNDED`, async () => {
        const orderId = await orderIn(from)
        const order = bodyOf(await setStatus(orderId, "REFUNDED"), "orders.updateStatus").data
        expect(order).toMatchObject({ status: "REFUNDED", paymentStatus: "REFUNDED", refundedTotal: order.total })
        expect((await timeline(orderId)).at(-1)).toMatchObject({ fromStatus: from, toStatus: "REFUNDED" })
      })
    }

    it("covers every legal move of the lifecycle in the walks above", () => {
      const walked = new Set([
        "CONFIRMED>PROCESSING",
        "PROCESSING>SHIPPED",
        "SHIPPED>DELIVERED",
        "DELIVERED>REFUNDED",
        "PENDING>CONFIRMED",
        "PENDING>CANCELLED",
        "CONFIRMED>CANCELLED",
        "PROCESSING>CANCELLED",
        "CANCELLED>REFUNDED",
        "CONFIRMED>REFUNDED",
        "PROCESSING>REFUNDED",
        "SHIPPED>REFUNDED"
      ])
      const legal = statuses.flatMap((from) =>
        StateMachine.targets(OrderLifecycle.machine, from).map((to) => `${from}>${to}`)
      )
      expect(new Set(legal)).toEqual(walked)
    })

    it("another site cannot see or move the order (404)", async () => {
      const orderId = await placePending()
      for (const [method, path, body] of [
        ["POST", "status", { status: "CONFIRMED" }],
        ["POST", "cancel", {}],
        ["GET", "timeline", undefined],
        ["GET", "fulfilments", undefined]
      ] as const) {
        const res = await api.request(method, `/api/v1/${otherSite}/orders/${orderId}/${path}`, { key: otherKey, body })
        expect(res.status).toBe(404)
        expect(errorOf(res).code).toBe("not_found")
      }
      expect((await getOrder(orderId)).status).toBe("PENDING")
    })
  })

  describe("fulfilments", () => {
    it("ships lines partly then fully, with tracking, and the order shows it", async () => {
      const mug = await insertVariant(10)
      const cup = await insertVariant(10, 1500)
      const orderId = await placePaid([line(mug, 2), line(cup, 1)])
      const [mugLine, cupLine] = (await getOrder(orderId)).items
      const fulfil = (body: Record<string, unknown>) =>
        api.request("POST", `/api/v1/${site}/orders/${orderId}/fulfilments`, { key, body })

      // CONFIRMED cannot ship before it is processed.
      const early = await fulfil({})
      expect(early.status).toBe(422)
      expect(errorOf(early).code).toBe("illegal_transition")
      expect((await setStatus(orderId, "PROCESSING")).status).toBe(200)

      const first = await fulfil({
        lines: [{ orderItemId: mugLine!.id, quantity: 1 }],
        carrier: "ELTA Courier",
        trackingNumber: "EC1GR",
        trackingUrl: "https://track.example.com/EC1GR"
      })
      expect(first.status, first.text).toBe(201)
      expect(bodyOf(first, "orders.createFulfilment").data).toMatchObject({
        orderId,
        lines: [{ orderItemId: mugLine!.id, quantity: 1 }],
        carrier: "ELTA Courier",
        trackingNumber: "EC1GR",
        trackingUrl: "https://track.example.com/EC1GR",
        apiKeyId: keyId
      })
      const partly = await getOrder(orderId)
      expect(partly).toMatchObject({ status: "SHIPPED", fulfilmentStatus: "PARTIALLY_FULFILLED" })
      expect(partly.items.map((i) => i.fulfilledQuantity)).toEqual([1, 0])

      for (const [lines, reason] of [
        [[{ orderItemId: mugLine!.id, quantity: 2 }], "has 1 left to ship, 2 asked"],
        [[{ orderItemId: "oli_nope", quantity: 1 }], "is not a line of this order"]
      ] as const) {
        const refused = await fulfil({ lines })
        expect(refused.status).toBe(422)
        expect(errorOf(refused)).toMatchObject({ code: "fulfilment_invalid" })
        expect(errorOf(refused).error).toContain(reason)
      }

      const rest = await fulfil({ carrier: "ACS" })
      expect(bodyOf(rest, "orders.createFulfilment").data.lines).toEqual([
        { orderItemId: mugLine!.id, quantity: 1 },
        { orderItemId: cupLine!.id, quantity: 1 }
      ])
      const full = await getOrder(orderId)
      expect(full).toMatchObject({ status: "SHIPPED", fulfilmentStatus: "FULFILLED" })
      expect(full.items.map((i) => i.fulfilledQuantity)).toEqual([2, 1])

      const nothing = await fulfil({})
      expect(errorOf(nothing)).toMatchObject({
        code: "fulfilment_invalid",
        error: "Cannot fulfil: every line has shipped"
      })

      const listed = bodyOf(
        await api.request("GET", `/api/v1/${site}/orders/${orderId}/fulfilments`, { key }),
        "orders.listFulfilments"
      ).data
      expect(listed.map((f) => [f.carrier, f.trackingNumber])).toEqual([
        ["ELTA Courier", "EC1GR"],
        ["ACS", null]
      ])
      // One move to SHIPPED, one order.shipped; the second parcel is an order.updated.
      expect((await eventsOf(orderId)).filter((e) => e === "order.shipped")).toHaveLength(1)
      expect((await timeline(orderId)).filter((e) => e.type === "fulfilled").map((e) => e.message)).toEqual([
        "Shipped 1 item via ELTA Courier (tracking EC1GR)",
        "Shipped 2 items via ACS"
      ])
    })
  })

  describe("cancel", () => {
    it("restocks, releases the promotion use and refunds through the provider, in one go", async () => {
      const item = await insertVariant(5)
      const promo = await api.request("POST", `/api/v1/${site}/promotions`, {
        key,
        body: { code: `TENOFF${random().slice(0, 6).toUpperCase()}`, type: "PERCENTAGE", value: 10, maxUses: 1 }
      })
      const code = bodyOf(promo, "promotions.create").data.code
      const orderId = await placePaid([line(item, 2)], { promotionCode: code })
      expect(await stockOf(item.variantId)).toBe(3)
      const usesOf = async () =>
        (
          await query<{ used_count: number }>("select used_count from promotions where site_id = $1 and code = $2", [
            site,
            code
          ])
        )[0]!.used_count
      expect(await usesOf()).toBe(1)
      const placed = await getOrder(orderId)
      const reference = (
        await query<{ payment_reference: string }>("select payment_reference from orders where id = $1", [orderId])
      )[0]!.payment_reference

      const res = await api.request("POST", `/api/v1/${site}/orders/${orderId}/cancel`, {
        key,
        body: { reason: "Out of time" }
      })
      expect(res.status, res.text).toBe(200)
      expect(bodyOf(res, "orders.cancel").data).toMatchObject({
        status: "REFUNDED",
        paymentStatus: "REFUNDED",
        refundedTotal: placed.total
      })
      expect(await stockOf(item.variantId)).toBe(5)
      expect(await usesOf()).toBe(0)
      expect(testRefunded(reference)).toBe(placed.total)
      expect(await eventsOf(orderId)).toEqual(
        expect.arrayContaining(["order.cancelled", "order.refunded", "order.updated"])
      )
      const entries = await timeline(orderId)
      expect(entries.map((e) => e.type)).toEqual(["placed", "cancelled", "refunded", "status_changed"])
      expect(entries[1]!.message).toBe("Out of time")

      // Shipped goods come back through a refund, not a cancellation.
      const shipped = await orderIn("SHIPPED")
      const refused = await api.request("POST", `/api/v1/${site}/orders/${shipped}/cancel`, { key, body: {} })
      expect(errorOf(refused).code).toBe("illegal_transition")
    })

    it("gives back the store credit the order spent, and refunds only what the card paid", async () => {
      const email = `credit-${random()}@example.com`
      const customer = await api.run(Customers.findOrCreateByEmail({ siteId: site, livemode: false }, { email }))
      const customerId = customer.customer.id
      const balance = async () =>
        bodyOf(await api.request("GET", `/api/v1/${site}/store-credit/${customerId}`, { key }), "storeCredit.get").data
          .balance
      const issued = await api.request("POST", `/api/v1/${site}/store-credit/${customerId}`, {
        key,
        body: { type: "CREDIT", amount: 1000 }
      })
      expect(issued.status, issued.text).toBe(201)
      const item = await insertVariant(5)
      const orderId = await placePaid([line(item, 2)], { email, customerId, storeCreditAmount: 1000 })
      const placed = await getOrder(orderId)
      expect(placed).toMatchObject({ storeCreditTotal: 1000, total: 5998 })
      expect(await balance()).toBe(0)

      const cancelled = bodyOf(
        await api.request("POST", `/api/v1/${site}/orders/${orderId}/cancel`, { key, body: {} }),
        "orders.cancel"
      ).data
      expect(cancelled).toMatchObject({ status: "REFUNDED", paymentStatus: "REFUNDED", refundedTotal: 4998 })
      expect(await balance()).toBe(1000)
      const reference = (
        await query<{ payment_reference: string }>("select payment_reference from orders where id = $1", [orderId])
      )[0]!.payment_reference
      expect(testRefunded(reference)).toBe(4998)
    })

    it("cancels without a restock when asked", async () => {
      const item = await insertVariant(5)
      const orderId = await placePaid([line(item, 1)])
      const res = await api.request("POST", `/api/v1/${site}/orders/${orderId}/cancel`, {
        key,
        body: { restock: false }
      })
      expect(res.status).toBe(200)
      expect(await stockOf(item.variantId)).toBe(4)
    })
  })

  describe("refunds", () => {
    it("refunds part by amount, then lines with a restock, never more than captured", async () => {
      const item = await insertVariant(10, 1000)
      const orderId = await placePaid([line(item, 3)])
      const placed = await getOrder(orderId)
      // 3 × 10.00 + 4.99 shipping (not free under 50.00).
      expect(placed.total).toBe(3499)

      const partial = await refund(orderId, { amount: 499, reason: "Late delivery" })
      expect(partial.status, partial.text).toBe(201)
      expect(bodyOf(partial, "orders.refund").data).toMatchObject({
        paymentStatus: "PARTIALLY_REFUNDED",
        status: "CONFIRMED",
        refundedTotal: 499
      })

      const byLine = await refund(orderId, {
        lines: [{ orderItemId: placed.items[0]!.id, quantity: 2 }],
        restock: true
      })
      expect(bodyOf(byLine, "orders.refund").data).toMatchObject({ refundedTotal: 2499 })
      expect(bodyOf(byLine, "orders.refund").data.items[0]!.refundedQuantity).toBe(2)
      expect(await stockOf(item.variantId)).toBe(9)

      const both = await refund(orderId, { amount: 100, lines: [{ orderItemId: placed.items[0]!.id, quantity: 1 }] })
      expect(errorOf(both)).toMatchObject({ code: "refund_invalid", error: "Give `amount` or `lines`, not both" })
      const negative = await refund(orderId, { amount: -5 })
      expect(negative.status).toBe(400)
      expect(errorOf(negative).code).toBe("validation_error")
      const unknownStatus = await setStatus(orderId, "LOST" as Status)
      expect(unknownStatus.status).toBe(400)
      const tooMuchLines = await refund(orderId, { lines: [{ orderItemId: placed.items[0]!.id, quantity: 2 }] })
      expect(errorOf(tooMuchLines)).toMatchObject({ code: "refund_invalid" })
      const tooMuch = await refund(orderId, { amount: 1001 })
      expect(errorOf(tooMuch)).toMatchObject({
        code: "refund_exceeds_captured",
        error: "Refund of 1001 exceeds the refundable amount of 1000"
      })
      expect((await getOrder(orderId)).refundedTotal).toBe(2499)

      const rest = bodyOf(await refund(orderId, {}), "orders.refund").data
      expect(rest).toMatchObject({ paymentStatus: "REFUNDED", status: "REFUNDED", refundedTotal: 3499 })
      const again = await refund(orderId, { amount: 1 })
      expect(errorOf(again).code).toBe("order_not_paid")
      const rows = await query<{ amount: string; method: string }>(
        "select amount, method from refunds where order_id = $1 order by created_at",
        [orderId]
      )
      expect(rows.map((r) => Number(r.amount))).toEqual([499, 2000, 1000])
    })

    it("refunds as store credit instead of money, and takes back the points earned on the refunded part", async () => {
      const item = await insertVariant(10, 5000)
      const email = `loyal-${random()}@example.com`
      const orderId = await placePaid([line(item, 2)], { email })
      const order = await getOrder(orderId)
      const customerId = order.customerId!
      const points = async () =>
        bodyOf(await api.request("GET", `/api/v1/${site}/loyalty/${customerId}`, { key }), "loyalty.get").data.points
      // 1 point per euro of the 100.00 total (shipping is free over 50.00).
      expect(order.total).toBe(10000)
      expect(await points()).toBe(100)

      const credit = await refund(orderId, { amount: 2500, method: "STORE_CREDIT" })
      expect(credit.status, credit.text).toBe(201)
      const balance = bodyOf(
        await api.request("GET", `/api/v1/${site}/store-credit/${customerId}`, { key }),
        "storeCredit.get"
      ).data.balance
      expect(balance).toBe(2500)
      expect(await points()).toBe(75)

      await refund(orderId, {})
      expect(await points()).toBe(0)
      const reference = (
        await query<{ payment_reference: string }>("select payment_reference from orders where id = $1", [orderId])
      )[0]!.payment_reference
      // Only the money part went through the provider.
      expect(testRefunded(reference)).toBe(7500)
    })

    it("50 concurrent partial refunds never refund more than was captured; the provider refunded exactly their sum", async () => {
      const item = await insertVariant(10)
      const orderId = await placePaid([line(item, 2)])
      const captured = (await getOrder(orderId)).total
      expect(captured).toBe(5998)
      const results = await Promise.all(Array.from({ length: 50 }, () => refund(orderId, { amount: 150 })))
      const succeeded = results.filter((r) => r.status === 201)
      const refused = results.filter((r) => r.status !== 201)
      // Queued on the order's row, each sees the ones before it: ⌊5998 / 150⌋ fit.
      expect(succeeded).toHaveLength(39)
      for (const res of refused) expect(errorOf(res).code).toBe("refund_exceeds_captured")

      const rows = await query<{ total: string }>(
        "select coalesce(sum(amount), 0) as total from refunds where order_id = $1",
        [orderId]
      )
      const recorded = Number(rows[0]!.total)
      const reference = (
        await query<{ payment_reference: string }>("select payment_reference from orders where id = $1", [orderId])
      )[0]!.payment_reference
      expect(recorded).toBe(39 * 150)
      expect(testRefunded(reference)).toBe(recorded)
      expect(recorded).toBeLessThanOrEqual(captured)
      const order = await getOrder(orderId)
      expect(order).toMatchObject({ refundedTotal: recorded, paymentStatus: "PARTIALLY_REFUNDED" })
      expect((await timeline(orderId)).filter((e) => e.type === "refunded")).toHaveLength(39)
    })
  })

  describe("a refund interrupted after the provider refunded", () => {
    it("is recorded by its retry, and the provider refunds it once", async () => {
      const item = await insertVariant(10, 1000)
      const orderId = await placePaid([line(item, 2)])
      const reference = (
        await query<{ payment_reference: string }>("select payment_reference from orders where id = $1", [orderId])
      )[0]!.payment_reference
      // The refund's own row cannot be written: the transaction fails after the provider call,
      // as it would if the process died there.
      const trigger = `refunds_fail_${orderId.replace(/\W/g, "_")}`
      await query(
        `create function ${trigger}() returns trigger language plpgsql as $$
           begin if new.order_id = '${orderId}' then raise exception 'interrupted'; end if; return new; end $$`
      )
      await query(`create trigger ${trigger} before insert on refunds for each row execute function ${trigger}()`)
      const interrupted = await refund(orderId, { amount: 700 })
      expect(interrupted.status).toBe(500)
      expect(testRefunded(reference)).toBe(700) // the provider did refund
      expect(await getOrder(orderId)).toMatchObject({ refundedTotal: 0, paymentStatus: "PAID" })

      await query(`drop trigger ${trigger} on refunds`)
      await query(`drop function ${trigger}()`)
      const retried = await refund(orderId, { amount: 700 })
      expect(retried.status, retried.text).toBe(201)
      expect(bodyOf(retried, "orders.refund").data).toMatchObject({ refundedTotal: 700 })
      expect(testRefunded(reference)).toBe(700) // the same refund to the provider, not a second
      // A later refund of the same amount is a new one.
      expect((await refund(orderId, { amount: 700 })).status).toBe(201)
      expect(testRefunded(reference)).toBe(1400)
    })
  })

  describe("test payment provider", () => {
    it("refunds once per idempotency key and never more than it captured", async () => {
      const reference = `auth_test_tok_visa_${random()}`
      const refundOf = (amount: number, idempotencyKey: string) =>
        api.run(
          Effect.flatMap(PaymentProvider, (provider) =>
            provider.refund({ reference, amount, currency: "EUR", idempotencyKey })
          ).pipe(Effect.either, Effect.provide(TestPaymentProvider))
        )
      await api.run(
        Effect.flatMap(PaymentProvider, (provider) =>
          provider.capture({ reference, amount: 1000, currency: "EUR" })
        ).pipe(Effect.provide(TestPaymentProvider))
      )
      const first = await refundOf(600, "k1")
      const replay = await refundOf(600, "k1")
      expect(first._tag === "Right" && replay._tag === "Right" && replay.right).toEqual(
        first._tag === "Right" && first.right
      )
      expect(testRefunded(reference)).toBe(600)
      const over = await refundOf(401, "k2")
      expect(over._tag === "Left" && over.left._tag).toBe("RefundRejected")
      expect(testRefunded(reference)).toBe(600)
      const unknown = await api.run(
        Effect.flatMap(PaymentProvider, (provider) =>
          provider.refund({ reference: "auth_unknown", amount: 1, currency: "EUR", idempotencyKey: "k3" })
        ).pipe(Effect.either, Effect.provide(TestPaymentProvider))
      )
      expect(unknown._tag === "Left" && unknown.left._tag === "RefundRejected" && unknown.left.reason).toBe(
        "unknown payment"
      )
    })
  })

  describe("list filters", () => {
    it("lists orders by customer email (any case) and by product", async () => {
      const mug = await insertVariant(10)
      const cup = await insertVariant(10)
      const email = `filter-${random()}@example.com`
      const first = await placePaid([line(mug, 1)], { email })
      const second = await placePaid([line(cup, 1)], { email })
      const other = await placePaid([line(mug, 1)])
      const list = async (params: string) =>
        bodyOf(await api.request("GET", `/api/v1/${site}/orders?${params}`, { key }), "orders.list").items.map(
          (o) => o.id
        )
      expect(await list(`email=${encodeURIComponent(email.toUpperCase())}`)).toEqual([second, first])
      expect(await list(`productId=${mug.productId}`)).toEqual([other, first])
      expect(await list(`productId=${mug.productId}&email=${encodeURIComponent(email)}`)).toEqual([first])
      expect(await list("productId=prd_none")).toEqual([])
    })
  })
})
