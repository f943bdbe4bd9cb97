import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Exit, Fiber, TestClock } from "effect"
import * as Destination from "../src/Destination.js"

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

describe("Destination", () => {
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
