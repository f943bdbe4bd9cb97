import { SqlClient } from "@effect/sql"
import { Effect, Option } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Checkout } from "../src/Checkout/Service.js"
import { Orders } from "../src/Orders/Service.js"
import { testCallback, testLedger } from "../src/Payments/Provider.js"
import { Payments } from "../src/Payments/Service.js"
import { bodyOf, errorOf, start, type TestApi } from "./support/TestApi.js"

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

describe("Payment sessions", () => {
  let api: TestApi
  let site: string
  let key: string

  const query = <A extends object>(text: string, params: ReadonlyArray<unknown> = []) =>
    api.run(Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe<A>(text, params)))
  const random = () => Math.random().toString(36).slice(2, 14)
  const tenant = () => ({ siteId: site, livemode: false })

  /** A product with one variant in stock at 2999 (the catalogue's endpoints are another aggregate's). */
  const insertVariant = async (stock = 10) => {
    const productId = `prd_${random()}`
    const variantId = `var_${random()}`
    await query(
      `insert into products (id, site_id, livemode, name, slug, price, currency, inventory_count, inventory_status)
       values ($1, $2, false, 'Classic White T-Shirt', $3, 2999, 'EUR', 0, 'OUT_OF_STOCK')`,
      [productId, site, productId.replace("_", "-")]
    )
    await query(
      `insert into variants (id, site_id, livemode, product_id, name, sku, price, inventory_count, inventory_status, is_default)
       values ($1, $2, false, $3, 'Small / White', $4, 2999, $5, 'IN_STOCK', true)`,
      [variantId, site, productId, `TS-${random()}`, stock]
    )
    return { productId, variantId }
  }

  /** A checkout of two shirts (5998 due, shipping free over 50.00). */
  const startCheckout = async () => {
    const item = await insertVariant()
    const view = await api.run(
      Checkout.start(tenant(), {
        cartId: `cart_${random()}`,
        customerId: null,
        currency: "EUR",
        lines: [
          {
            id: `cli_${random()}`,
            productId: item.productId,
            variantId: item.variantId,
            name: "Classic White T-Shirt — Small / White",
            sku: "TS-WHT-S",
            quantity: 2,
            unitPrice: 2999
          }
        ],
        email: null,
        shippingAddress: null
      })
    )
    return view.session.id
  }

  const post = (path: string, body: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    api.request("POST", `/api/v1/${site}/payments/sessions${path}`, { key, body, headers })

  const session = async (id: string) =>
    bodyOf(await api.request("GET", `/api/v1/${site}/payments/sessions/${id}`, { key }), "payments.getSession").data

  const create = async (body: Record<string, unknown>) => {
    const res = await post("", body)
    expect(res.status, res.text).toBe(201)
    return bodyOf(res, "payments.createSession").data
  }

  /** A session for a new checkout, confirmed with `token`. */
  const confirmed = async (token: string, method = "card") => {
    const created = await create({ checkoutSessionId: await startCheckout(), method })
    const res = await post(`/${created.id}/confirm`, { token })
    return { id: created.id, res }
  }

  const callback = (reference: string, options: { secret?: string; timestamp?: number; body?: string } = {}) => {
    const signed = testCallback(reference, options)
    return api.request("POST", `/api/v1/${site}/payments/callbacks`, {
      rawBody: options.body ?? signed.body,
      headers: { "x-provider-signature": signed.signature }
    })
  }

  const referenceOf = async (id: string) =>
    (
      await query<{ provider_reference: string }>("select provider_reference from payment_sessions where id = $1", [id])
    )[0]!.provider_reference

  const eventsOf = (paymentSessionId: string) =>
    query<{ type: string; payload: Record<string, unknown> }>(
      "select type, payload from events where site_id = $1 and payload->>'paymentSessionId' = $2 order by created_at, id",
      [site, paymentSessionId]
    )

  beforeAll(async () => {
    api = await start()
    site = (await api.createSite()).id
    key = (await api.createKey(site)).key
    await query("update sites set checkout_limit_rpm = 100000, rate_limit_rpm = 1000 where id = $1", [site])
  })

  afterAll(() => api.close())

  it("card: create, confirm (authorized), partial capture (payment.succeeded), partial refunds up to the capture", async () => {
    const checkoutSessionId = await startCheckout()
    const created = await create({ checkoutSessionId, method: "card", currency: "EUR" })
    expect(created).toMatchObject({
      status: "requires_confirmation",
      amount: 5998,
      currency: "EUR",
      capturedAmount: 0,
      checkoutSessionId,
      livemode: false
    })

    const authorized = await post(`/${created.id}/confirm`, { token: "tok_visa" })
    expect(bodyOf(authorized, "payments.confirmSession").data).toMatchObject({ status: "authorized", nextAction: null })

    const captured = await post(`/${created.id}/capture`, { amount: 5000 })
    expect(bodyOf(captured, "payments.captureSession").data).toMatchObject({
      status: "succeeded",
      capturedAmount: 5000
    })
    const reference = await referenceOf(created.id)
    expect(testLedger(reference)).toEqual([{ kind: "charge", amount: 5000 }])

    // Captured once: a second capture is refused and charges nothing.
    const again = await post(`/${created.id}/capture`, {})
    expect(again.status).toBe(422)
    expect(errorOf(again).code).toBe("illegal_payment_transition")

    const refunded = await post(`/${created.id}/refund`, { amount: 1500, reason: "one item returned" })
    expect(bodyOf(refunded, "payments.refundSession").data).toMatchObject({
      status: "partially_refunded",
      refundedAmount: 1500
    })
    const tooMuch = await post(`/${created.id}/refund`, { amount: 3501 })
    expect(tooMuch.status).toBe(422)
    expect(errorOf(tooMuch).code).toBe("refund_exceeds_captured")
    const rest = await post(`/${created.id}/refund`, {})
    expect(bodyOf(rest, "payments.refundSession").data).toMatchObject({ status: "refunded", refundedAmount: 5000 })
    expect(testLedger(reference)).toEqual([
      { kind: "charge", amount: 5000 },
      { kind: "refund", amount: 1500 },
      { kind: "refund", amount: 3500 }
    ])

    const events = await eventsOf(created.id)
    expect(events.map((e) => e.type)).toEqual(["payment.succeeded"])
    expect(events[0]!.payload).toMatchObject({ amount: 5000, capturedAmount: 5000, currency: "EUR", method: "card" })
  })

  it("a declined card is 422 payment_failed, saved failed with payment.failed, and can be confirmed again", async () => {
    const { id, res } = await confirmed("tok_declined")
    expect(res.status).toBe(422)
    expect(errorOf(res).code).toBe("payment_failed")
    expect(await session(id)).toMatchObject({ status: "failed", failureCode: "card_declined" })
    expect((await eventsOf(id)).map((e) => e.type)).toEqual(["payment.failed"])

    const retried = await post(`/${id}/confirm`, { token: "tok_visa" })
    expect(bodyOf(retried, "payments.confirmSession").data).toMatchObject({
      status: "authorized",
      failureCode: null,
      failureMessage: null
    })
  })

  it("the provider not answering is a 503 and changes nothing", async () => {
    const { id, res } = await confirmed("tok_network_error")
    expect(res.status).toBe(503)
    expect(await session(id)).toMatchObject({ status: "requires_confirmation" })
    expect(await eventsOf(id)).toEqual([])
  })

  it("refuses bad input with 4xx and changes nothing", async () => {
    const checkoutSessionId = await startCheckout()
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ method: "card" }, 400, "validation_error"],
      [{ checkoutSessionId, orderId: "order_x", method: "card" }, 400, "validation_error"],
      [{ checkoutSessionId: "cs_missing", method: "card" }, 422, "checkout_not_found"],
      [{ orderId: "order_missing", method: "card" }, 422, "order_not_found"],
      [{ checkoutSessionId, method: "card", amount: 5999 }, 422, "amount_out_of_range"],
      [{ checkoutSessionId, method: "card", currency: "USD" }, 422, "currency_not_supported"],
      [{ checkoutSessionId, method: "on_account" }, 422, "customer_required"],
      [{ checkoutSessionId, method: "cash" }, 400, "validation_error"]
    ]
    for (const [body, status, code] of cases) {
      const res = await post("", body)
      expect(res.status, JSON.stringify(body)).toBe(status)
      expect(errorOf(res).code).toBe(code)
    }
    expect(
      (
        await query<{ n: number }>("select count(*)::int as n from payment_sessions where checkout_session_id = $1", [
          checkoutSessionId
        ])
      )[0]!.n
    ).toBe(0)

    const created = await create({ checkoutSessionId, method: "card" })
    const noToken = await post(`/${created.id}/confirm`, {})
    expect(noToken.status).toBe(400)
    expect(errorOf(noToken).code).toBe("validation_error")
    await post(`/${created.id}/confirm`, { token: "tok_visa" })
    const overCapture = await post(`/${created.id}/capture`, { amount: 5999 })
    expect(overCapture.status).toBe(422)
    expect(errorOf(overCapture).code).toBe("capture_exceeds_authorized")
    const refundUncaptured = await post(`/${created.id}/refund`, { amount: 1 })
    expect(errorOf(refundUncaptured).code).toBe("illegal_payment_transition")
    expect(await session(created.id)).toMatchObject({ status: "authorized", capturedAmount: 0, refundedAmount: 0 })
  })

  it("void releases an authorization; a voided session cannot be captured", async () => {
    const { id } = await confirmed("tok_visa")
    const voided = await post(`/${id}/void`, { reason: "customer changed their mind" })
    expect(bodyOf(voided, "payments.voidSession").data).toMatchObject({ status: "canceled", capturedAmount: 0 })
    const capture = await post(`/${id}/capture`, {})
    expect(capture.status).toBe(422)
    expect(errorOf(capture).code).toBe("illegal_payment_transition")
    expect(testLedger(await referenceOf(id))).toEqual([])
  })

  it("a capture retried with the same Idempotency-Key after a lost answer charges once", async () => {
    const { id } = await confirmed("tok_capture_timeout")
    const headers = { "idempotency-key": `capture-${random()}` }
    // The provider charges, but its answer is lost: 503, nothing recorded here.
    const first = await post(`/${id}/capture`, {}, headers)
    expect(first.status).toBe(503)
    expect(await session(id)).toMatchObject({ status: "authorized", capturedAmount: 0 })
    // The retry reaches the provider with the same key and gets the first charge back.
    const retry = await post(`/${id}/capture`, {}, headers)
    expect(bodyOf(retry, "payments.captureSession").data).toMatchObject({ status: "succeeded", capturedAmount: 5998 })
    const replay = await post(`/${id}/capture`, {}, headers)
    expect(replay.status).toBe(200)
    expect(testLedger(await referenceOf(id))).toEqual([{ kind: "charge", amount: 5998 }])
    expect((await eventsOf(id)).map((e) => e.type)).toEqual(["payment.succeeded"])
  })

  it("a capture retried without an Idempotency-Key after a lost answer still charges once", async () => {
    const { id } = await confirmed("tok_capture_timeout")
    expect((await post(`/${id}/capture`, {})).status).toBe(503)
    // The session's state names the capture to the provider, so the retry is the same charge.
    const retry = await post(`/${id}/capture`, {})
    expect(bodyOf(retry, "payments.captureSession").data).toMatchObject({ status: "succeeded", capturedAmount: 5998 })
    expect(testLedger(await referenceOf(id))).toEqual([{ kind: "charge", amount: 5998 }])
    // Two refunds of the same amount are two refunds.
    expect((await post(`/${id}/refund`, { amount: 1000 })).status).toBe(200)
    expect((await post(`/${id}/refund`, { amount: 1000 })).status).toBe(200)
    expect(testLedger(await referenceOf(id)).filter((entry) => entry.kind === "refund")).toHaveLength(2)
  })

  it("concurrent captures with one Idempotency-Key charge once", async () => {
    const { id } = await confirmed("tok_visa")
    const headers = { "idempotency-key": `capture-${random()}` }
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => post(`/${id}/capture`, { amount: 4000 }, headers))
    )
    expect(answers.filter((res) => res.status === 200).length).toBeGreaterThanOrEqual(1)
    for (const res of answers) expect([200, 409]).toContain(res.status)
    expect(testLedger(await referenceOf(id))).toEqual([{ kind: "charge", amount: 4000 }])
    expect(await session(id)).toMatchObject({ capturedAmount: 4000 })
  })

  it("20 concurrent partial refunds never together exceed the capture", async () => {
    const { id } = await confirmed("tok_visa")
    await post(`/${id}/capture`, { amount: 5000 })
    // 20 × 300 = 6000 asked of 5000 captured: exactly 16 fit.
    const answers = await Promise.all(Array.from({ length: 20 }, () => post(`/${id}/refund`, { amount: 300 })))
    const statuses = answers.map((res) => res.status)
    expect(statuses.filter((s) => s === 200)).toHaveLength(16)
    for (const res of answers.filter((r) => r.status !== 200)) expect(errorOf(res).code).toBe("refund_exceeds_captured")
    expect(await session(id)).toMatchObject({
      status: "partially_refunded",
      refundedAmount: 4800,
      capturedAmount: 5000
    })
    const refunds = testLedger(await referenceOf(id)).filter((entry) => entry.kind === "refund")
    expect(refunds.reduce((sum, entry) => sum + entry.amount, 0)).toBe(4800)
  })

  it("3-D Secure: requires_action, then the provider's signed callback authorizes it (a repeat changes nothing)", async () => {
    const { id, res } = await confirmed("tok_3ds_succeeds")
    const waiting = bodyOf(res, "payments.confirmSession").data
    expect(waiting).toMatchObject({ status: "requires_action", nextAction: { type: "redirect" } })
    const reference = await referenceOf(id)
    expect(waiting.nextAction?.url).toContain(reference)

    const resolved = await callback(reference)
    expect(bodyOf(resolved, "payments.handleCallback").data).toMatchObject({ status: "authorized", nextAction: null })
    const repeated = await callback(reference)
    expect(bodyOf(repeated, "payments.handleCallback").data).toMatchObject({ status: "authorized" })
    expect(bodyOf(await post(`/${id}/capture`, {}), "payments.captureSession").data.status).toBe("succeeded")
  })

  it("3-D Secure late failure: the callback fails the session with payment.failed", async () => {
    const { id } = await confirmed("tok_3ds_fails")
    const resolved = await callback(await referenceOf(id))
    expect(bodyOf(resolved, "payments.handleCallback").data).toMatchObject({
      status: "failed",
      failureCode: "authentication_failed"
    })
    const events = await eventsOf(id)
    expect(events.map((e) => e.type)).toEqual(["payment.failed"])
    expect(events[0]!.payload).toMatchObject({ failureCode: "authentication_failed", orderId: null, amount: 5998 })
  })

  it("a callback with a wrong, stale or missing signature is 401 and changes nothing", async () => {
    const { id } = await confirmed("tok_3ds_succeeds")
    const reference = await referenceOf(id)
    const forged = await callback(reference, { secret: "not_the_provider_secret" })
    expect(forged.status).toBe(401)
    expect(errorOf(forged).code).toBe("signature_mismatch")
    const stale = await callback(reference, { timestamp: Math.floor(Date.now() / 1000) - 3600 })
    expect(errorOf(stale).code).toBe("signature_expired")
    // The signature covers the exact bytes: a changed outcome no longer matches.
    const tampered = await callback(reference, {
      body: JSON.stringify({ reference, outcome: "succeeded", livemode: false })
    })
    expect(errorOf(tampered).code).toBe("signature_mismatch")
    const unsigned = await api.request("POST", `/api/v1/${site}/payments/callbacks`, {
      body: { reference, outcome: "authorized", livemode: false }
    })
    expect(unsigned.status).toBe(401)
    expect(errorOf(unsigned).code).toBe("signature_missing")
    expect(await session(id)).toMatchObject({ status: "requires_action" })
  })

  it("bank transfer: instructions, then funds received (payment.succeeded) or expired (payment.failed)", async () => {
    const { id, res } = await confirmed("tok_unused", "bank_transfer")
    expect(bodyOf(res, "payments.confirmSession").data).toMatchObject({
      status: "requires_action",
      nextAction: { type: "bank_transfer", url: null }
    })
    const received = await callback(await referenceOf(id))
    expect(bodyOf(received, "payments.handleCallback").data).toMatchObject({
      status: "succeeded",
      capturedAmount: 5998
    })
    expect((await eventsOf(id)).map((e) => e.type)).toEqual(["payment.succeeded"])

    const expiring = await confirmed("tok_transfer_expires", "bank_transfer")
    const expired = await callback(await referenceOf(expiring.id))
    expect(bodyOf(expired, "payments.handleCallback").data).toMatchObject({
      status: "failed",
      failureCode: "transfer_expired"
    })
  })

  it("another site's key, or a live key, never sees the session (404)", async () => {
    const { id } = await confirmed("tok_visa")
    const other = await api.createSite()
    const otherKey = (await api.createKey(other.id)).key
    const foreign = await api.request("GET", `/api/v1/${other.id}/payments/sessions/${id}`, { key: otherKey })
    expect(foreign.status).toBe(404)
    const liveKey = (await api.createKey(site, { mode: "live" })).key
    const live = await api.request("GET", `/api/v1/${site}/payments/sessions/${id}`, { key: liveKey })
    expect(live.status).toBe(404)
    const capture = await api.request("POST", `/api/v1/${site}/payments/sessions/${id}/capture`, {
      key: liveKey,
      body: {}
    })
    expect(capture.status).toBe(404)
    expect(await session(id)).toMatchObject({ status: "authorized" })
  })

  describe("an order on terms, paid later through a session", () => {
    const placePendingOrder = async (customerId: string | null) =>
      api.run(
        Orders.place(tenant(), {
          status: "PENDING",
          paymentStatus: "PENDING",
          customerId,
          email: "buyer@acme.example",
          currency: "EUR",
          items: [
            { productId: "prd_terms", variantId: null, name: "Pallet", sku: null, quantity: 1, unitPrice: 12000 }
          ],
          subtotal: 12000,
          discountTotal: 0,
          shippingTotal: 0,
          taxTotal: 0,
          giftCardTotal: 0,
          storeCreditTotal: 0,
          total: 12000,
          shippingAddress: null,
          billingAddress: null,
          promotionCode: null,
          checkoutSessionId: `cs_${random()}`,
          cartId: `cart_${random()}`,
          paymentMethod: null,
          paymentReference: null
        }).pipe(Effect.map(Option.getOrThrow))
      )

    const order = async (id: string) =>
      bodyOf(await api.request("GET", `/api/v1/${site}/orders/${id}`, { key }), "orders.get").data

    it("a late bank-transfer failure marks the order FAILED; a card payment then makes it PAID (payment.confirmed)", async () => {
      const placed = await placePendingOrder(null)
      const transfer = await create({ orderId: placed.id, method: "bank_transfer" })
      expect(transfer).toMatchObject({ amount: 12000, orderId: placed.id, checkoutSessionId: null })
      await post(`/${transfer.id}/confirm`, { token: "tok_transfer_expires" })
      await callback(await referenceOf(transfer.id))
      expect(await order(placed.id)).toMatchObject({ paymentStatus: "FAILED" })
      const failed = await eventsOf(transfer.id)
      expect(failed[0]!.payload).toMatchObject({ orderNumber: placed.number, paymentStatus: "FAILED" })

      const card = await create({ orderId: placed.id, method: "card" })
      await post(`/${card.id}/confirm`, { token: "tok_visa" })
      expect(bodyOf(await post(`/${card.id}/capture`, {}), "payments.captureSession").data.status).toBe("succeeded")
      expect(await order(placed.id)).toMatchObject({ paymentStatus: "PAID" })
      const confirmedEvents = await query<{ payload: Record<string, unknown> }>(
        "select payload from events where site_id = $1 and type = 'payment.confirmed' and payload->>'orderId' = $2",
        [site, placed.id]
      )
      expect(confirmedEvents.map((e) => e.payload)).toEqual([
        { orderId: placed.id, orderNumber: placed.number, amount: 12000, currency: "EUR", paymentStatus: "PAID" }
      ])

      // Paid: no further session for it.
      const more = await post("", { orderId: placed.id, method: "card" })
      expect(errorOf(more).code).toBe("illegal_payment_transition")
    })

    it("on_account (B2B terms) is authorized for an order with a customer", async () => {
      const customerId = `cust_${random()}`
      await query(
        "insert into customers (id, site_id, livemode, email, first_name, last_name) values ($1, $2, false, $3, 'Ada', 'Buyer')",
        [customerId, site, `${random()}@acme.example`]
      )
      const placed = await placePendingOrder(customerId)
      const onAccount = await create({ orderId: placed.id, method: "on_account" })
      expect(onAccount.customerId).toBe(customerId)
      const res = await post(`/${onAccount.id}/confirm`, {})
      expect(bodyOf(res, "payments.confirmSession").data.status).toBe("authorized")
      expect(await order(placed.id)).toMatchObject({ paymentStatus: "PENDING" })
    })
  })

  describe("checkout through sessions", () => {
    const advance = (body: Record<string, unknown>) => api.request("PATCH", `/api/v1/${site}/checkout`, { key, body })

    const toPayment = async (sessionId: string) => {
      for (const body of [
        { state: "contact" },
        { state: "shipping", email: "jane@example.com" },
        { state: "payment", shippingAddress: address, shippingOptionId: "ship_standard" }
      ]) {
        const res = await advance({ sessionId, ...body })
        expect(res.status, res.text).toBe(200)
      }
    }

    it("3-D Secure at review: requires_action, the callback authorizes, review and complete capture through the session", async () => {
      const sessionId = await startCheckout()
      await toPayment(sessionId)
      const waiting = bodyOf(
        await advance({ sessionId, state: "review", payment: { method: "card", token: "tok_3ds_succeeds" } }),
        "checkout.advance"
      ).data
      expect(waiting).toMatchObject({ state: "payment", payment: { status: "requires_action", method: "card" } })
      const paymentSessionId = waiting.payment?.paymentSessionId ?? ""
      expect(await session(paymentSessionId)).toMatchObject({ status: "requires_action", checkoutSessionId: sessionId })

      // Before the provider answers, review is refused.
      const early = await advance({ sessionId, state: "review" })
      expect(errorOf(early).code).toBe("illegal_transition")

      await callback(await referenceOf(paymentSessionId))
      const got = bodyOf(
        await api.request("GET", `/api/v1/${site}/checkout?sessionId=${sessionId}`, { key }),
        "checkout.get"
      )
      expect(got.data.payment).toMatchObject({ status: "authorized", paymentSessionId })

      expect(bodyOf(await advance({ sessionId, state: "review" }), "checkout.advance").data.state).toBe("review")
      const complete = bodyOf(await advance({ sessionId, state: "complete" }), "checkout.advance").data
      expect(complete.state).toBe("complete")
      expect(await session(paymentSessionId)).toMatchObject({
        status: "succeeded",
        capturedAmount: 5998,
        orderId: complete.orderId
      })
      expect(testLedger(await referenceOf(paymentSessionId))).toEqual([{ kind: "charge", amount: 5998 }])
      const order = bodyOf(
        await api.request("GET", `/api/v1/${site}/orders/${complete.orderId}`, { key }),
        "orders.get"
      )
      expect(order.data).toMatchObject({ paymentStatus: "PAID", total: 5998 })
      expect((await eventsOf(paymentSessionId)).map((e) => e.type)).toEqual(["payment.succeeded"])

      // The order's refunds go through the session that captured it, bounded by the capture.
      const orderId = complete.orderId ?? ""
      const refunded = await api.run(Payments.refundOrder(tenant(), orderId, { amount: 998, idempotencyKey: "r1" }))
      expect(refunded).toMatchObject({ id: paymentSessionId, status: "partially_refunded", refundedAmount: 998 })
      await api.run(Payments.refundOrder(tenant(), orderId, { amount: 998, idempotencyKey: "r1" }))
      expect(await session(paymentSessionId)).toMatchObject({ refundedAmount: 998 })
      const tooMuch = await api.run(Effect.either(Payments.refundOrder(tenant(), orderId, { amount: 5001 })))
      expect(tooMuch._tag === "Left" && tooMuch.left._tag).toBe("RefundExceedsCaptured")
    })

    it("a late failure after requires_action: the checkout shows it failed, places no order, and takes a new card", async () => {
      const sessionId = await startCheckout()
      await toPayment(sessionId)
      const waiting = bodyOf(
        await advance({ sessionId, state: "review", payment: { method: "card", token: "tok_3ds_fails" } }),
        "checkout.advance"
      ).data
      const failedSessionId = waiting.payment?.paymentSessionId ?? ""
      await callback(await referenceOf(failedSessionId))

      const got = bodyOf(
        await api.request("GET", `/api/v1/${site}/checkout?sessionId=${sessionId}`, { key }),
        "checkout.get"
      )
      expect(got.data).toMatchObject({ state: "payment", payment: { status: "failed" }, orderId: null })
      expect((await eventsOf(failedSessionId)).map((e) => e.type)).toEqual(["payment.failed"])
      const complete = await advance({ sessionId, state: "review" })
      expect(errorOf(complete).code).toBe("illegal_transition")

      const review = await advance({ sessionId, state: "review", payment: { method: "card", token: "tok_visa" } })
      expect(bodyOf(review, "checkout.advance").data).toMatchObject({
        state: "review",
        payment: { status: "authorized" }
      })
      const placed = bodyOf(await advance({ sessionId, state: "complete" }), "checkout.advance").data
      expect(placed.orderId).not.toBeNull()
      expect(await session(failedSessionId)).toMatchObject({ status: "failed", orderId: null })
    })

    it("new payment details release the session that was waiting for action", async () => {
      const sessionId = await startCheckout()
      await toPayment(sessionId)
      const waiting = bodyOf(
        await advance({ sessionId, state: "review", payment: { method: "card", token: "tok_3ds_succeeds" } }),
        "checkout.advance"
      ).data
      await advance({ sessionId, state: "review", payment: { method: "card", token: "tok_visa" } })
      expect(await session(waiting.payment?.paymentSessionId ?? "")).toMatchObject({ status: "canceled" })
    })

    it("a declined card at review is saved failed on its payment session with payment.failed", async () => {
      const sessionId = await startCheckout()
      await toPayment(sessionId)
      const declined = await advance({ sessionId, state: "review", payment: { method: "card", token: "tok_declined" } })
      expect(errorOf(declined).code).toBe("payment_failed")
      const rows = await query<{ id: string; status: string }>(
        "select id, status from payment_sessions where checkout_session_id = $1",
        [sessionId]
      )
      expect(rows.map((r) => r.status)).toEqual(["failed"])
      expect((await eventsOf(rows[0]!.id)).map((e) => e.type)).toEqual(["payment.failed"])
    })
  })
})
