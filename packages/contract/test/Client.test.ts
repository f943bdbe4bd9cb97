import { createClient, ShopvoApi } from "@shopvo/contract"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { createServer, type IncomingMessage, type Server } from "node:http"
import type { AddressInfo } from "node:net"

/** The generated client against a real local HTTP server: what goes over the wire is what we assert. */
describe("generated client", () => {
  let server: Server
  let baseUrl: string
  const seen: Array<{ method: string; url: string; headers: IncomingMessage["headers"]; body: string }> = []

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = ""
      req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")))
      req.on("end", () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body })
        res.setHeader("content-type", "application/json")
        res.end(JSON.stringify({ success: true, items: [], cursor: null, hasNextPage: false, limit: 20 }))
      })
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it("lists products with expand[], cursor and bearer auth", async () => {
    const client = createClient({ baseUrl, auth: () => "sk_test_abc" })
    const api = new ShopvoApi({ client })
    const { data, response } = await api.products.list({
      path: { siteId: "site_1" },
      query: { "expand[]": ["variants", "brand"], cursor: "c_123", limit: 20 }
    })
    expect(response.status).toBe(200)
    expect(data).toMatchObject({ success: true, hasNextPage: false })
    const request = seen.at(-1)!
    expect(request.method).toBe("GET")
    const url = new URL(request.url, baseUrl)
    expect(url.pathname).toBe("/api/v1/site_1/products")
    expect(url.searchParams.getAll("expand[]")).toEqual(["variants", "brand"])
    expect(url.search).toContain("expand[]=variants&expand[]=brand")
    expect(url.searchParams.get("cursor")).toBe("c_123")
    expect(request.headers.authorization).toBe("Bearer sk_test_abc")
  })

  it("sends JSON bodies for writes", async () => {
    const client = createClient({ baseUrl, auth: () => "sk_test_abc" })
    const api = new ShopvoApi({ client })
    await api.products.createVariant({
      path: { siteId: "site_1", productId: "prd_abc" },
      body: { name: "Large / Black", inventoryCount: 10, options: { Size: "Large", Color: "Black" } }
    })
    const request = seen.at(-1)!
    expect(request.method).toBe("POST")
    expect(request.headers["content-type"]).toContain("application/json")
    expect(JSON.parse(request.body)).toEqual({
      name: "Large / Black",
      inventoryCount: 10,
      options: { Size: "Large", Color: "Black" }
    })
  })
})
