import { Signature } from "@shopvo/signing"
import { Either } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { createClient, ShopvoConnectionError, ShopvoError } from "../src/index.js"
import { backoffMs, defaultRetry } from "../src/Transport.js"
import { type Received, type Reply, startLocalServer } from "./support/LocalServer.js"

const signingSecret = "sks_3a5f0c1e7b9d2486af13ce57b90d2e4f"
const product = { name: "Classic White T-Shirt", price: 2500 }
const fast = { initialDelayMs: 10, maxDelayMs: 40 }

let close: (() => Promise<void>) | undefined
afterEach(async () => {
  await close?.()
  close = undefined
})

const serve = async (script: ReadonlyArray<Reply>, fallback?: Reply) => {
  const server = await startLocalServer(script, fallback)
  close = server.close
  return server
}

const header = (received: Received, name: string) => {
  const value = received.headers[name]
  return Array.isArray(value) ? value.join(",") : value
}

/** What the API does: the signature must match the exact bytes received. */
const signatureOf = (received: Received) =>
  Signature.verify({
    body: new Uint8Array(received.body),
    header: header(received, "x-shopvo-signature"),
    secrets: signingSecret,
    now: Date.now() / 1000
  })

describe("retries", () => {
  it("retries 429 and 503, waiting Retry-After, with one Idempotency-Key and a fresh valid signature each time", async () => {
    const server = await serve([
      { status: 429, headers: { "retry-after": "1" }, body: { error: "Too many requests", code: "rate_limited" } },
      { status: 503, body: { error: "Unavailable", code: "service_unavailable" } },
      { status: 201, body: { success: true, data: { id: "prd_1" } } }
    ])
    const client = createClient({
      apiKey: "sk_test_k",
      signingSecret,
      siteId: "site_1",
      baseUrl: server.baseUrl,
      retry: fast
    })
    const created = await client.products.create(product)
    expect(created).toEqual({ success: true, data: { id: "prd_1" } })

    expect(server.received).toHaveLength(3)
    const [first, second, third] = server.received as [Received, Received, Received]
    expect(second.at - first.at).toBeGreaterThanOrEqual(950) // Retry-After: 1
    const keys = server.received.map((r) => header(r, "idempotency-key"))
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/)
    expect(new Set(keys).size).toBe(1)
    for (const received of server.received) {
      expect(received.url).toBe("/api/v1/site_1/products")
      expect(JSON.parse(received.body.toString("utf8"))).toEqual(product)
      expect(Either.isRight(signatureOf(received))).toBe(true)
    }
    // The API accepts a signature once: every attempt carries its own.
    expect(new Set([first, second, third].map((r) => header(r, "x-shopvo-signature"))).size).toBe(3)
  })

  it("retries network failures with backoff, then gives up with a ShopvoConnectionError", async () => {
    const server = await serve(["drop", "drop", { status: 200, body: { success: true, data: { id: "site_1" } } }])
    const client = createClient({ apiKey: "sk_test_k", siteId: "site_1", baseUrl: server.baseUrl, retry: fast })
    await expect(client.site.get()).resolves.toEqual({ success: true, data: { id: "site_1" } })
    expect(server.received).toHaveLength(3)

    const failing = await startLocalServer([], "drop")
    try {
      const once = createClient({
        apiKey: "sk_test_k",
        siteId: "site_1",
        baseUrl: failing.baseUrl,
        retry: { ...fast, maxRetries: 1 }
      })
      const error = await once.site.get().catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ShopvoConnectionError)
      expect(failing.received).toHaveLength(2)
    } finally {
      await failing.close()
    }
  })

  it("retry: false answers the first 429 as a typed error", async () => {
    const server = await serve([
      {
        status: 429,
        headers: { "retry-after": "7", "x-request-id": "req_abc" },
        body: { error: "Rate limit exceeded", code: "rate_limited" }
      }
    ])
    const client = createClient({ apiKey: "sk_test_k", siteId: "site_1", baseUrl: server.baseUrl, retry: false })
    const error = await client.products.list({ limit: 5 }).then(
      () => undefined,
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(ShopvoError)
    expect(error).toMatchObject({ status: 429, code: "rate_limited", retryAfter: 7, requestId: "req_abc" })
    expect(server.received).toHaveLength(1)
  })

  it("does not wait for a Retry-After longer than maxRetryAfterMs, and does not retry other statuses", async () => {
    const server = await serve([
      { status: 503, headers: { "retry-after": "120" }, body: { error: "Down", code: "service_unavailable" } }
    ])
    const client = createClient({ apiKey: "sk_test_k", siteId: "site_1", baseUrl: server.baseUrl, retry: fast })
    const started = Date.now()
    await expect(client.site.get()).rejects.toMatchObject({ status: 503, retryAfter: 120 })
    expect(Date.now() - started).toBeLessThan(1000)
    expect(server.received).toHaveLength(1)

    await close?.()
    const other = await serve([{ status: 500, body: { error: "Bug", code: "internal_error" } }])
    const client2 = createClient({ apiKey: "sk_test_k", siteId: "site_1", baseUrl: other.baseUrl, retry: fast })
    await expect(client2.site.get()).rejects.toMatchObject({ status: 500, code: "internal_error" })
    expect(other.received).toHaveLength(1)
  })

  it("backs off exponentially, capped, with jitter", () => {
    const policy = { ...defaultRetry, initialDelayMs: 100, maxDelayMs: 1000 }
    expect([0, 1, 2, 3, 4, 10].map((attempt) => backoffMs(policy, attempt, () => 0))).toEqual([
      50, 100, 200, 400, 500, 500
    ])
    expect([0, 1, 2, 3, 4, 10].map((attempt) => backoffMs(policy, attempt, () => 0.999999))).toEqual(
      [100, 200, 400, 800, 1000, 1000].map((ms) => expect.closeTo(ms, 0))
    )
  })
})

describe("requests", () => {
  it("signs exactly the bytes it sends (non-ASCII body), and reads over the empty body", async () => {
    const server = await serve([], { status: 201, body: { success: true, data: {} } })
    const client = createClient({ apiKey: "sk_test_k", signingSecret, siteId: "site_1", baseUrl: server.baseUrl })
    const body = { name: "Größe L / Schwarz 🧵", inventoryCount: 10, options: { Größe: "L" } }
    await client.products.createVariant("prd_abc", body)
    await client.products.listVariants("prd_abc")
    const [write, read] = server.received as [Received, Received]
    expect(write.method).toBe("POST")
    expect(write.url).toBe("/api/v1/site_1/products/prd_abc/variants")
    expect(write.body.equals(Buffer.from(JSON.stringify(body), "utf8"))).toBe(true)
    expect(header(write, "authorization")).toBe("Bearer sk_test_k")
    expect(Either.isRight(signatureOf(write))).toBe(true)
    expect(read.method).toBe("GET")
    expect(read.body.length).toBe(0)
    expect(header(read, "idempotency-key")).toBeUndefined()
    expect(Either.isRight(signatureOf(read))).toBe(true)
  })

  it("never reuses a signature: the same read twice in a second gets two (the API refuses a replay)", async () => {
    const server = await serve([], { status: 200, body: { success: true, data: {} } })
    const client = createClient({ apiKey: "sk_test_k", signingSecret, siteId: "site_1", baseUrl: server.baseUrl })
    await Promise.all([client.site.get(), client.site.get(), client.site.get()])
    const signatures = server.received.map((r) => header(r, "x-shopvo-signature"))
    expect(new Set(signatures).size).toBe(3)
    for (const received of server.received) expect(Either.isRight(signatureOf(received))).toBe(true)
  })

  it("uses the caller's Idempotency-Key, and sends no signature without a secret", async () => {
    const server = await serve([], { status: 200, body: { success: true, data: {} } })
    const client = createClient({ apiKey: "sk_test_k", siteId: "site_1", baseUrl: `${server.baseUrl}/` })
    await client.customers.update("cus_1", { firstName: "Jane" }, { idempotencyKey: "order-7-update" })
    const [received] = server.received as [Received]
    expect(received.url).toBe("/api/v1/site_1/customers/cus_1")
    expect(header(received, "idempotency-key")).toBe("order-7-update")
    expect(header(received, "x-shopvo-signature")).toBeUndefined()
  })

  it("sends expand as expand[] and drops undefined filters", async () => {
    const server = await serve([], {
      status: 200,
      body: { success: true, items: [], pagination: { page: 1, limit: 20, total: 0, totalPages: 0 } }
    })
    const client = createClient({ apiKey: "sk_test_k", siteId: "site_1", baseUrl: server.baseUrl })
    await client.products.list({ limit: 20, expand: ["variants", "brand"], search: undefined })
    expect(decodeURIComponent(server.received[0]!.url)).toBe(
      "/api/v1/site_1/products?limit=20&expand[]=variants&expand[]=brand"
    )
  })

  it("throws the error envelope as a ShopvoError with its details and request id", async () => {
    const server = await serve([
      {
        status: 400,
        headers: { "x-request-id": "req_123" },
        body: {
          error: "Request validation failed",
          code: "validation_error",
          details: [{ path: "body.name", message: "must be a string" }]
        }
      }
    ])
    const client = createClient({ apiKey: "sk_test_k", siteId: "site_1", baseUrl: server.baseUrl })
    const error = await client.products.create({ name: "", price: 100 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ShopvoError)
    expect(error).toMatchObject({
      status: 400,
      code: "validation_error",
      message: "Request validation failed",
      requestId: "req_123",
      details: [{ path: "body.name", message: "must be a string" }]
    })
  })

  it("iterates every page of an offset list and of a cursor list", async () => {
    const offsetPages: ReadonlyArray<Reply> = [1, 2, 3].map((page) => ({
      status: 200,
      body: { success: true, items: [{ id: `o${page}` }], pagination: { page, limit: 1, total: 3, totalPages: 3 } }
    }))
    const server = await serve(offsetPages)
    const client = createClient({ apiKey: "sk_test_k", siteId: "site_1", baseUrl: server.baseUrl })
    const ids: Array<string> = []
    for await (const order of client.orders.list({ limit: 1, status: "CONFIRMED" })) ids.push(order.id)
    expect(ids).toEqual(["o1", "o2", "o3"])
    expect(server.received.map((r) => r.url)).toEqual([
      "/api/v1/site_1/orders?limit=1&status=CONFIRMED",
      "/api/v1/site_1/orders?limit=1&status=CONFIRMED&page=2",
      "/api/v1/site_1/orders?limit=1&status=CONFIRMED&page=3"
    ])

    await close?.()
    const cursorServer = await serve([
      {
        status: 200,
        body: { success: true, items: [{ id: "c1" }, { id: "c2" }], cursor: "n1", hasNextPage: true, limit: 2 }
      },
      { status: 200, body: { success: true, items: [{ id: "c3" }], cursor: null, hasNextPage: false, limit: 2 } }
    ])
    const cursorClient = createClient({ apiKey: "sk_test_k", siteId: "site_1", baseUrl: cursorServer.baseUrl })
    const seen: Array<string> = []
    for await (const customer of cursorClient.customers.list({ limit: 2, cursor: "start" })) seen.push(customer.id)
    expect(seen).toEqual(["c1", "c2", "c3"])
    expect(cursorServer.received.map((r) => r.url)).toEqual([
      "/api/v1/site_1/customers?limit=2&cursor=start",
      "/api/v1/site_1/customers?limit=2&cursor=n1"
    ])
  })
})
