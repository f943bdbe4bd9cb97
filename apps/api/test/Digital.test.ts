import { DownloadLink } from "@shopvo/signing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Checkout } from "../src/Checkout/Service.js"
import { prepareSite, shop } from "./support/Shop.js"
import { bodyOf, errorOf, start, type TestApi } from "./support/TestApi.js"

describe("Digital products", () => {
  let api: TestApi
  let site: string
  let key: string
  let store: ReturnType<typeof shop>

  const products = () => `/api/v1/${site}/products`
  const downloads = (orderId: string, k = key, s = site) =>
    api.request("GET", `/api/v1/${s}/orders/${orderId}/downloads`, { key: k })
  /** A paid order of these products, placed without shipping details when `ship` is false. */
  const paidOrder = async (productIds: ReadonlyArray<string>, ship = false) => {
    const sessionId = await store.session(productIds)
    await store.toReview(sessionId, { email: "buyer@example.com", ship })
    const res = await store.complete(sessionId)
    expect(res.status, res.text).toBe(200)
    return bodyOf(res, "checkout.advance").data.orderId!
  }

  beforeAll(async () => {
    api = await start()
    site = (await api.createSite({ name: "Downloads", currency: "EUR", plan: "enterprise" })).id
    key = (await api.createKey(site)).key
    await prepareSite(api, site)
    store = shop(api, site, key)
  })
  afterAll(() => api.close())

  it("creates a digital product with its file; a digital one without a file, or a physical one with one, is a 400", async () => {
    const res = await api.request("POST", products(), {
      key,
      body: {
        name: "Premium Icon Pack",
        price: 2999,
        type: "digital",
        downloadFile: "https://files.example.com/icons.zip"
      }
    })
    expect(res.status, res.text).toBe(201)
    expect(bodyOf(res, "products.create").data).toMatchObject({
      type: "digital",
      downloadFile: "https://files.example.com/icons.zip"
    })
    const plain = bodyOf(
      await api.request("POST", products(), { key, body: { name: "Mug", price: 900 } }),
      "products.create"
    )
    expect(plain.data).toMatchObject({ type: "physical", downloadFile: null })

    for (const body of [
      { name: "No file", price: 100, type: "digital" },
      { name: "Shipped file", price: 100, downloadFile: "https://files.example.com/x.zip" }
    ]) {
      const bad = await api.request("POST", products(), { key, body })
      expect([bad.status, errorOf(bad).code]).toEqual([400, "validation_error"])
      expect(errorOf(bad).details?.[0]?.path).toBe("body.downloadFile")
    }
    // Becoming physical drops the file; becoming digital needs one.
    const id = bodyOf(res, "products.create").data.id
    const physical = await api.request("PATCH", `${products()}/${id}`, { key, body: { type: "physical" } })
    expect(bodyOf(physical, "products.update").data).toMatchObject({ type: "physical", downloadFile: null })
    const noFile = await api.request("PATCH", `${products()}/${id}`, { key, body: { type: "digital" } })
    expect(noFile.status).toBe(400)
  })

  it("a cart of only digital lines completes without a shipping address or option; a mixed one still needs them", async () => {
    const ebook = await store.product({ digital: true, price: 1500 })
    const mug = await store.product({ price: 900 })
    const orderId = await paidOrder([ebook])
    const [order] = await store.query<{ shipping_address: unknown; shipping_total: string; total: string }>(
      "select shipping_address, shipping_total::text, total::text from orders where id = $1",
      [orderId]
    )
    expect(order).toEqual({ shipping_address: null, shipping_total: "0", total: "1500" })

    const mixed = await store.session([ebook, mug])
    await api.run(Checkout.advance(store.tenant, { sessionId: mixed, state: "contact" }))
    await api.run(Checkout.advance(store.tenant, { sessionId: mixed, state: "shipping", email: "buyer@example.com" }))
    const refused = await api.request("PATCH", `/api/v1/${site}/checkout`, {
      key,
      body: { sessionId: mixed, state: "payment" }
    })
    expect([refused.status, errorOf(refused).code]).toEqual([422, "illegal_transition"])
    expect(errorOf(refused).details?.map((d) => d.path)).toEqual(["/shippingAddress", "/shippingOptionId"])
  })

  it("a paid order gets signed links to its digital lines; following one gives the file", async () => {
    const ebook = await store.product({ digital: true, name: "Ebook" })
    const mug = await store.product({ name: "Mug" })
    const orderId = await paidOrder([ebook, mug], true)
    const res = await downloads(orderId)
    const links = bodyOf(res, "orders.listDownloads").data
    expect(links).toHaveLength(1)
    expect(links[0]).toMatchObject({ productId: ebook, name: "Ebook" })
    const expiresIn = new Date(links[0]!.expiresAt).getTime() - Date.now()
    expect(expiresIn).toBeGreaterThan(23 * 3600 * 1000)
    expect(expiresIn).toBeLessThanOrEqual(24 * 3600 * 1000)

    // No API key needed: the signature is the credential.
    const followed = await api.request("GET", links[0]!.url)
    expect(bodyOf(followed, "downloads.get").data).toEqual({
      orderItemId: links[0]!.orderItemId,
      productId: ebook,
      name: "Ebook",
      fileUrl: `https://files.example.com/${ebook}.zip`
    })
  })

  it("an altered link is 403 download_link_invalid; an expired genuine one 403 download_link_expired", async () => {
    const orderId = await paidOrder([await store.product({ digital: true })])
    const link = bodyOf(await downloads(orderId), "orders.listDownloads").data[0]!
    const url = new URL(link.url, "http://localhost")
    const variant = (change: (params: URLSearchParams) => void, pathname = url.pathname) => {
      const params = new URLSearchParams(url.search)
      change(params)
      return `${pathname}?${params.toString()}`
    }
    const signature = url.searchParams.get("signature")!
    const flipped = `${signature.slice(0, -1)}${signature.endsWith("0") ? "1" : "0"}`
    for (const altered of [
      variant((p) => p.set("expires", String(Number(p.get("expires")) + 3600))),
      variant((p) => p.set("signature", flipped)),
      variant((p) => p.set("mode", "live")),
      variant(() => {}, url.pathname.replace(link.orderItemId, "oli_other"))
    ]) {
      const res = await api.request("GET", altered)
      expect([res.status, errorOf(res).code], altered).toEqual([403, "download_link_invalid"])
    }

    // A link signed with the site's own secret but already past its expiry.
    const [row] = await store.query<{ secret: string }>("select secret from download_keys where site_id = $1", [site])
    const expires = Math.floor(Date.now() / 1000) - 60
    const expired = DownloadLink.sign(
      { siteId: site, livemode: false, resourceId: link.orderItemId, expires },
      row!.secret
    )
    const res = await api.request(
      "GET",
      variant((p) => {
        p.set("expires", String(expires))
        p.set("signature", expired)
      })
    )
    expect([res.status, errorOf(res).code]).toEqual([403, "download_link_expired"])
  })

  it("an unpaid order has no downloads (422 order_not_paid); another site's key sees no order (404)", async () => {
    const orderId = await paidOrder([await store.product({ digital: true })])
    const before = bodyOf(await downloads(orderId), "orders.listDownloads").data[0]!
    await store.query("update orders set payment_status = 'REFUNDED', refunded_total = total where id = $1", [orderId])
    const refused = await downloads(orderId)
    expect([refused.status, errorOf(refused).code]).toEqual([422, "order_not_paid"])
    // A link given out before the refund no longer gives the file.
    const followed = await api.request("GET", before.url)
    expect([followed.status, errorOf(followed).code]).toEqual([422, "order_not_paid"])

    const other = (await api.createSite({ name: "Other" })).id
    const otherKey = (await api.createKey(other)).key
    const paid = await paidOrder([await store.product({ digital: true })])
    expect((await downloads(paid, otherKey, other)).status).toBe(404)
    // Its link, moved to the other site's path, is not valid there.
    const link = bodyOf(await downloads(paid), "orders.listDownloads").data[0]!
    const moved = await api.request("GET", link.url.replace(`/api/v1/${site}/`, `/api/v1/${other}/`))
    expect([moved.status, errorOf(moved).code]).toEqual([403, "download_link_invalid"])
  })

  it("lists products by type", async () => {
    const digitalOnly = bodyOf(
      await api.request("GET", `${products()}?type=digital&limit=100`, { key }),
      "products.list"
    ).items
    expect(digitalOnly.length).toBeGreaterThan(0)
    expect(digitalOnly.every((p) => p.type === "digital")).toBe(true)
    const physical = bodyOf(
      await api.request("GET", `${products()}?type=physical&limit=100`, { key }),
      "products.list"
    ).items
    expect(physical.every((p) => p.type === "physical")).toBe(true)
    expect(physical.length).toBeGreaterThan(0)
  })
})
