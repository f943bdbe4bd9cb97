import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Either, Exit, Fiber, TestClock } from "effect"
import * as Destination from "../src/Webhooks/Destination.js"
import { start, type TestApi } from "./support/TestApi.js"

describe("Webhook subscriptions", () => {
  let api: TestApi
  let siteA: string
  let siteB: string
  let keyA: string
  let liveKeyA: string
  let keyB: string

  beforeAll(async () => {
    api = await start()
    siteA = (await api.createSite({ name: "A" })).id
    siteB = (await api.createSite({ name: "B" })).id
    keyA = (await api.createKey(siteA)).key
    liveKeyA = (await api.createKey(siteA, { mode: "live" })).key
    keyB = (await api.createKey(siteB)).key
  })
  afterAll(() => api.close())

  it("creates, reads, lists and deletes a subscription; the secret is shown once", async () => {
    const created = await api.request("POST", `/api/v1/${siteA}/webhooks`, {
      key: keyA,
      body: {
        url: "https://hooks.example.com/erp",
        events: ["order.created", "payment.confirmed"],
        description: "ERP sync"
      }
    })
    expect(created.status).toBe(201)
    expect(created.body.data).toMatchObject({
      url: "https://hooks.example.com/erp",
      livemode: false,
      description: "ERP sync"
    })
    expect(created.body.data.secret).toMatch(/^whsec_/)
    const id = created.body.data.id

    const got = await api.request("GET", `/api/v1/${siteA}/webhooks/${id}`, { key: keyA })
    expect(got.status).toBe(200)
    expect(got.body.data.secret).toBeUndefined()

    const list = await api.request("GET", `/api/v1/${siteA}/webhooks`, { key: keyA })
    expect(list.body.items.map((w: { id: string }) => w.id)).toContain(id)

    expect((await api.request("DELETE", `/api/v1/${siteA}/webhooks/${id}`, { key: keyA })).body).toEqual({
      success: true,
      deleted: true
    })
    expect((await api.request("GET", `/api/v1/${siteA}/webhooks/${id}`, { key: keyA })).status).toBe(404)
  })

  it("hides another site's subscriptions: 404 on every probe, never 403", async () => {
    const theirs = await api.request("POST", `/api/v1/${siteB}/webhooks`, {
      key: keyB,
      body: { url: "https://hooks.example.com/b", events: ["order.created"] }
    })
    const id = theirs.body.data.id
    for (const [method, path] of [
      ["GET", `/api/v1/${siteA}/webhooks/${id}`],
      ["DELETE", `/api/v1/${siteA}/webhooks/${id}`]
    ] as const) {
      const res = await api.request(method, path, { key: keyA })
      expect(res.status, `${method} ${path}`).toBe(404)
    }
    expect(
      (await api.request("GET", `/api/v1/${siteA}/webhooks`, { key: keyA })).body.items.map((w: { id: string }) => w.id)
    ).not.toContain(id)
    // Still there for its owner.
    expect((await api.request("GET", `/api/v1/${siteB}/webhooks/${id}`, { key: keyB })).status).toBe(200)
  })

  it("keeps test and live data apart within a site", async () => {
    const testHook = await api.request("POST", `/api/v1/${siteA}/webhooks`, {
      key: keyA,
      body: { url: "http://localhost:9999/test-only", events: ["order.created"] }
    })
    expect(testHook.status).toBe(201)
    const id = testHook.body.data.id
    expect((await api.request("GET", `/api/v1/${siteA}/webhooks/${id}`, { key: liveKeyA })).status).toBe(404)
    const liveList = await api.request("GET", `/api/v1/${siteA}/webhooks`, { key: liveKeyA })
    expect(liveList.body.items.map((w: { id: string }) => w.id)).not.toContain(id)
  })

  it("requires public https endpoints in live mode", async () => {
    const res = await api.request("POST", `/api/v1/${siteA}/webhooks`, {
      key: liveKeyA,
      body: { url: "http://localhost:9999/hook", events: ["order.created"] }
    })
    expect(res.status).toBe(422)
    expect(res.body.code).toBe("invalid_webhook_url")
  })

  it.each([
    ["https://169.254.169.254/latest/meta-data/", "169.254.169.254 is not a public address (link-local)"],
    ["https://[::ffff:127.0.0.1]/", "(loopback, embedded IPv4 127.0.0.1)"],
    ["https://[::ffff:7f00:1]/", "(loopback, embedded IPv4 127.0.0.1)"],
    ["https://100.64.0.1/", "(carrier-grade NAT)"],
    ["https://metadata.google.internal/computeMetadata/v1/", "metadata.google.internal is a local host name"],
    ["https://127.0.0.1/", "(loopback)"],
    ["https://10.0.0.1/", "(private)"],
    ["https://[::1]/", "(loopback)"],
    ["https://localhost/", "localhost is a local host name"],
    ["https://2130706433/", "127.0.0.1 is not a public address (loopback)"],
    ["https://[64:ff9b::a9fe:a9fe]/", "(link-local, embedded IPv4 169.254.169.254)"],
    ["http://hooks.example.com/x", "must use https, not http"]
  ])("live mode refuses %s with 422 naming why, and creates nothing", async (url, why) => {
    const before = (await api.request("GET", `/api/v1/${siteA}/webhooks`, { key: liveKeyA })).body.pagination.total
    const res = await api.request("POST", `/api/v1/${siteA}/webhooks`, {
      key: liveKeyA,
      body: { url, events: ["order.created"] }
    })
    expect(res.status).toBe(422)
    expect(res.body.code).toBe("invalid_webhook_url")
    expect(res.body.error).toContain(why)
    expect((await api.request("GET", `/api/v1/${siteA}/webhooks`, { key: liveKeyA })).body.pagination.total).toBe(
      before
    )
  })

  it.each([
    "https://93.184.215.14/hooks",
    "https://[2606:4700:4700::1111]/hooks",
    // A name that does not resolve (yet) is accepted: every delivery attempt resolves and checks it again.
    "https://hooks.shopvo-test.example/erp"
  ])("live mode accepts the public destination %s", async (url) => {
    const res = await api.request("POST", `/api/v1/${siteA}/webhooks`, {
      key: liveKeyA,
      body: { url, events: ["order.created"] }
    })
    expect(res.status).toBe(201)
    expect(res.body.data).toMatchObject({ url, livemode: true })
  })

  it("test mode still accepts http and local hosts", async () => {
    for (const url of ["http://127.0.0.1:8080/hook", "http://10.0.0.5/hook", "http://receiver/hook"]) {
      const res = await api.request("POST", `/api/v1/${siteA}/webhooks`, {
        key: keyA,
        body: { url, events: ["order.created"] }
      })
      expect(res.status, url).toBe(201)
    }
  })

  it("refuses a URL without a host in both modes", async () => {
    for (const key of [keyA, liveKeyA]) {
      for (const url of ["https://", "http://", "https:///path"]) {
        const res = await api.request("POST", `/api/v1/${siteA}/webhooks`, {
          key,
          body: { url, events: ["order.created"] }
        })
        expect(res.status, url).toBe(400)
        expect(res.body.code).toBe("validation_error")
      }
    }
  })

  it("stops at 20 subscriptions per site and mode, even under concurrent creates", async () => {
    const site = (await api.createSite()).id
    const key = (await api.createKey(site)).key
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        api.request("POST", `/api/v1/${site}/webhooks`, {
          key,
          body: { url: `https://hooks.example.com/${i}`, events: ["order.created"] }
        })
      )
    )
    expect(results.filter((r) => r.status === 201)).toHaveLength(20)
    expect(results.filter((r) => r.status === 422).every((r) => r.body.code === "webhook_limit_reached")).toBe(true)
  })

  it("checks scopes: webhooks:read cannot create", async () => {
    const reader = (await api.createKey(siteA, { scopes: ["webhooks:read"] })).key
    expect((await api.request("GET", `/api/v1/${siteA}/webhooks`, { key: reader })).status).toBe(200)
    const res = await api.request("POST", `/api/v1/${siteA}/webhooks`, {
      key: reader,
      body: { url: "https://hooks.example.com/x", events: ["order.created"] }
    })
    expect(res.status).toBe(403)
    expect(res.body.error).toContain("webhooks:write")
  })
})

/** A resolver that knows only `names`; any other lookup is a test bug and dies loudly. */
const resolverOf = (names: Record<string, ReadonlyArray<string>>): Destination.ResolverShape => ({
  lookup: (hostname) => {
    const found = names[hostname]
    if (!found) return Effect.dieMessage(`unexpected lookup of ${hostname}`)
    return Effect.succeed(found.map((address) => ({ address, family: address.includes(":") ? 6 : 4 })))
  }
})

const refusal = (url: string, livemode = true) =>
  Either.match(Destination.check(url, livemode), {
    onLeft: (refused) => refused.reason,
    onRight: () => undefined
  })

describe("Webhooks/Destination", () => {
  describe("IPv4 special-purpose ranges are refused in live mode", () => {
    it.each([
      ["0.1.2.3", "unspecified"],
      ["10.0.0.1", "private"],
      ["172.16.5.4", "private"],
      ["172.31.255.255", "private"],
      ["192.168.1.1", "private"],
      ["100.64.0.1", "carrierGradeNat"],
      ["100.127.255.254", "carrierGradeNat"],
      ["127.0.0.1", "loopback"],
      ["127.255.255.254", "loopback"],
      ["169.254.169.254", "linkLocal"],
      ["192.0.0.8", "reserved"],
      ["192.0.2.10", "reserved"],
      ["198.18.0.1", "reserved"],
      ["198.19.255.255", "reserved"],
      ["198.51.100.7", "reserved"],
      ["203.0.113.9", "reserved"],
      ["224.0.0.251", "multicast"],
      ["239.255.255.250", "multicast"],
      ["240.0.0.1", "reserved"],
      ["255.255.255.255", "broadcast"]
    ])("%s (%s)", (address, range) => {
      expect(refusal(`https://${address}/hook`)).toEqual(
        Destination.Reason.SpecialAddress({ hostname: address, address, range: { name: range } })
      )
    })
  })

  describe("IPv6 special-purpose ranges are refused in live mode", () => {
    it.each([
      ["::", "unspecified"],
      ["::1", "loopback"],
      ["fe80::1", "linkLocal"],
      ["febf:ffff::1", "linkLocal"],
      ["fec0::1", "deprecatedSiteLocal"],
      ["fc00::1", "uniqueLocal"],
      ["fd12:3456::1", "uniqueLocal"],
      ["ff02::1", "multicast"],
      ["2001::1", "teredo"],
      ["2001:db8::1", "reserved"],
      ["2001:2::1", "benchmarking"],
      ["100::1", "discard"],
      ["64:ff9b:1::a00:1", "rfc6052"],
      ["::7f00:1", "notGlobalUnicast"],
      ["::808:808", "notGlobalUnicast"],
      ["4000::1", "notGlobalUnicast"]
    ])("%s (%s)", (address, range) => {
      expect(refusal(`https://[${address}]/hook`)).toMatchObject({
        _tag: "SpecialAddress",
        address,
        range: { name: range }
      })
    })
  })

  describe("IPv6 forms carrying a refused IPv4 address take its range", () => {
    it.each([
      ["https://[::ffff:127.0.0.1]/", "loopback", "127.0.0.1"],
      ["https://[::ffff:7f00:1]/", "loopback", "127.0.0.1"],
      ["https://[0:0:0:0:0:ffff:a9fe:a9fe]/", "linkLocal", "169.254.169.254"],
      ["https://[::ffff:10.1.2.3]/", "private", "10.1.2.3"],
      ["https://[64:ff9b::127.0.0.1]/", "loopback", "127.0.0.1"],
      ["https://[64:ff9b::a9fe:a9fe]/", "linkLocal", "169.254.169.254"],
      ["https://[2002:7f00:1::1]/", "loopback", "127.0.0.1"],
      ["https://[2002:c0a8:101::1]/", "private", "192.168.1.1"],
      ["https://[2002:6440:1::]/", "carrierGradeNat", "100.64.0.1"]
    ])("%s (%s %s)", (url, range, embedded) => {
      expect(refusal(url)).toMatchObject({ _tag: "SpecialAddress", range: { name: range, embeddedIPv4: embedded } })
    })
  })

  describe("numeric host spellings are read as the address they mean", () => {
    it.each([
      "https://2130706433/",
      "https://0x7f000001/",
      "https://0x7f.1/",
      "https://0177.0.0.1/",
      "https://017700000001/",
      "https://127.1/",
      "https://127.0.1/",
      "https://\uFF11\uFF12\uFF17.\uFF10.\uFF10.\uFF11/",
      "https://user:pass@127.0.0.1:8443/",
      "https://public.example.com@127.0.0.1/"
    ])("%s is 127.0.0.1", (url) => {
      expect(refusal(url)).toMatchObject({ _tag: "SpecialAddress", address: "127.0.0.1", range: { name: "loopback" } })
    })
  })

  describe("local host names are refused in live mode before any lookup", () => {
    it.each([
      "localhost",
      "LOCALHOST.",
      "api.localhost",
      "metadata.google.internal",
      "metadata.google.internal.",
      "db.internal",
      "printer.local",
      "router.home.arpa",
      "box.localdomain",
      "metadata",
      "kubernetes"
    ])("%s", (hostname) => {
      expect(refusal(`https://${hostname}/hook`)).toMatchObject({ _tag: "LocalName" })
    })
  })

  describe("URL shape", () => {
    it.each(["https://", "http://", "https://:443/", "ftp://files.example.com/", "not a url", "/relative/path"])(
      "%s is not a webhook URL in either mode",
      (url) => {
        expect(refusal(url, true)).toEqual(Destination.Reason.NotAUrl())
        expect(refusal(url, false)).toEqual(Destination.Reason.NotAUrl())
      }
    )

    it("live mode requires https", () => {
      expect(refusal("http://hooks.example.com/")).toEqual(Destination.Reason.InsecureScheme({ scheme: "http" }))
    })

    it.each([
      "http://localhost:9999/hook",
      "http://127.0.0.1/",
      "http://[::1]:3000/",
      "http://receiver/",
      "https://10.0.0.1/"
    ])("test mode accepts %s", (url) => {
      expect(refusal(url, false)).toBeUndefined()
    })
  })

  describe("public destinations are accepted in live mode", () => {
    it.each([
      "https://hooks.example.com/shopvo",
      "https://8.8.8.8/hook",
      "https://93.184.215.14:8443/hook?x=1",
      "https://172.32.0.1/",
      "https://100.128.0.1/",
      "https://[2606:4700:4700::1111]/",
      "https://[2001:4860:4860::8888]/",
      "https://[64:ff9b::808:808]/",
      "https://[2002:808:808::1]/",
      "https://[::ffff:8.8.8.8]/"
    ])("%s", (url) => {
      expect(refusal(url)).toBeUndefined()
    })
  })

  describe("resolve: every address of a name is checked", () => {
    const resolver = resolverOf({
      "hooks.example.com": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
      "localtest.me": ["127.0.0.1"],
      "rebind.example.net": ["93.184.215.14", "10.0.0.7"],
      "metadata.example.org": ["::ffff:169.254.169.254"],
      "v6.example.org": ["fd00::5"]
    })
    const resolveWith = (url: string, livemode = true) =>
      Destination.resolve(url, livemode).pipe(Effect.provideService(Destination.Resolver, resolver))

    it.effect("returns all addresses of a public name, to connect to without resolving again", () =>
      Effect.gen(function* () {
        const destination = yield* resolveWith("https://hooks.example.com/shopvo")
        expect(destination.url.href).toBe("https://hooks.example.com/shopvo")
        expect(destination.addresses).toEqual([
          { address: "93.184.215.14", family: 4 },
          { address: "2606:2800:21f:cb07:6820:80da:af6b:8b2c", family: 6 }
        ])
      })
    )

    it.effect.each<readonly [url: string, hostname: string, address: string, range: string]>([
      ["https://localtest.me/", "localtest.me", "127.0.0.1", "loopback"],
      ["https://rebind.example.net/", "rebind.example.net", "10.0.0.7", "private"],
      ["https://metadata.example.org/", "metadata.example.org", "::ffff:169.254.169.254", "linkLocal"],
      ["https://v6.example.org/", "v6.example.org", "fd00::5", "uniqueLocal"]
    ])("refuses %s, which resolves to a non-public address", ([url, hostname, address, range]) =>
      Effect.gen(function* () {
        const refused = yield* Effect.flip(resolveWith(url))
        expect(refused).toMatchObject({
          _tag: "DestinationRefused",
          reason: { _tag: "SpecialAddress", hostname, address }
        })
        expect(refused._tag === "DestinationRefused" && refused.reason).toMatchObject({ range: { name: range } })
        expect(refused.message).toContain(`${hostname} resolves to ${address}`)
      })
    )

    it.effect("test mode returns local addresses as they are", () =>
      Effect.gen(function* () {
        const destination = yield* resolveWith("http://localtest.me:8080/hook", false)
        expect(destination.addresses).toEqual([{ address: "127.0.0.1", family: 4 }])
      })
    )

    it.effect("an IP literal is not looked up", () =>
      Effect.gen(function* () {
        const destination = yield* resolveWith("https://[2606:4700:4700::1111]/hook")
        expect(destination.addresses).toEqual([{ address: "2606:4700:4700::1111", family: 6 }])
      })
    )

    it.effect("a local name is refused without a lookup", () =>
      Effect.gen(function* () {
        const refused = yield* Effect.flip(resolveWith("https://metadata.google.internal/"))
        expect(refused).toMatchObject({ _tag: "DestinationRefused", reason: { _tag: "LocalName" } })
      })
    )

    it.effect("a name that does not resolve is a ResolutionFailed, not a refusal", () =>
      Effect.gen(function* () {
        const failed = yield* Effect.flip(
          Destination.resolve("https://gone.example.com/", true).pipe(
            Effect.provideService(Destination.Resolver, {
              lookup: (hostname) => Effect.fail(new Destination.ResolutionFailed({ hostname, code: "ENOTFOUND" }))
            })
          )
        )
        expect(failed).toEqual(new Destination.ResolutionFailed({ hostname: "gone.example.com", code: "ENOTFOUND" }))
      })
    )

    it.effect("the default resolver is the system's (/etc/hosts included)", () =>
      Effect.gen(function* () {
        const destination = yield* Destination.resolve("http://localhost:9999/hook", false)
        expect(destination.addresses.map(({ address }) => address)).toContainEqual(
          expect.stringMatching(/^(127\.0\.0\.1|::1)$/)
        )
      })
    )

    it.effect("a lookup that hangs fails after 5 seconds", () =>
      Effect.gen(function* () {
        const fiber = yield* Destination.resolve("https://slow.example.com/", true).pipe(
          Effect.provideService(Destination.Resolver, { lookup: () => Effect.never }),
          Effect.fork
        )
        yield* TestClock.adjust("5 seconds")
        const exit = yield* Fiber.await(fiber)
        expect(exit).toEqual(
          Exit.fail(new Destination.ResolutionFailed({ hostname: "slow.example.com", code: "ETIMEOUT" }))
        )
      })
    )
  })
})
