/**
 * Where webhooks may be delivered: the guard against server-side request forgery (SSRF).
 *
 * A subscription URL is checked when it is saved, and the webhook worker checks it again before
 * every delivery attempt, after DNS resolution, because a name's addresses can change in between
 * (DNS rebinding). The worker then connects only to the addresses `resolve` returned, never
 * resolving the name a second time.
 *
 * The policy:
 * - Every URL is an absolute `http` or `https` URL with a host.
 * - Live mode: `https` only, and the host must be public. An IP literal, and every address a name
 *   resolves to, must be public unicast: outside every IANA special-purpose range (loopback,
 *   private, CGNAT, link-local, unique-local, multicast, documentation, benchmarking, reserved…),
 *   inside IPv6 global unicast (2000::/3), and not an IPv6 form that carries a refused IPv4
 *   address (IPv4-mapped, NAT64, 6to4). Names reserved for local networks (`localhost`, `*.local`,
 *   `*.internal`…) and single-label names are refused before any lookup.
 * - Test mode: `http` too, and any host, so test events can reach a receiver on the developer's
 *   own machine.
 *
 * Hosts are read by WHATWG URL parsing, the parser `fetch` uses, which already turns numeric
 * tricks (`2130706433`, `0x7f.1`, `0177.0.0.1`, `127.1`) into the dotted quad they mean.
 *
 * This module depends on nothing of the HTTP layer, so the worker can share it.
 */
import * as dns from "node:dns/promises"
import { Context, Data, Duration, Effect, Either, Option } from "effect"
import ipaddr from "ipaddr.js"

/** An address to connect to. */
export interface ResolvedAddress {
  readonly address: string
  readonly family: 4 | 6
}

/** A destination that passed the guard: connect only to `addresses`, sending `Host: url.host`. */
export interface Destination {
  readonly url: URL
  readonly addresses: readonly [ResolvedAddress, ...Array<ResolvedAddress>]
}

/** The special-purpose range an address is in; for an IPv6 form carrying an IPv4 address, the IPv4 address's. */
export interface SpecialRange {
  /** The range's name as `ipaddr.js` gives it (`loopback`, `linkLocal`…), or `notGlobalUnicast`. */
  readonly name: string
  readonly embeddedIPv4?: string
}

/** Why a URL may not receive webhooks. */
export type Reason = Data.TaggedEnum<{
  /** Not an absolute `http(s)` URL with a host. */
  NotAUrl: Record<never, never>
  /** Live mode requires `https`; `scheme` is the one given, without its colon. */
  InsecureScheme: { readonly scheme: string }
  /** A name reserved for local networks, or a single label completed by local search domains. */
  LocalName: { readonly hostname: string }
  /** The host is, or resolves to, an address that is not public. */
  SpecialAddress: { readonly hostname: string; readonly address: string; readonly range: SpecialRange }
}>
export const Reason = Data.taggedEnum<Reason>()

const rangeLabels: Readonly<Record<string, string>> = {
  unspecified: "unspecified",
  broadcast: "broadcast",
  multicast: "multicast",
  linkLocal: "link-local",
  loopback: "loopback",
  carrierGradeNat: "carrier-grade NAT",
  private: "private",
  reserved: "reserved",
  uniqueLocal: "unique-local",
  deprecatedSiteLocal: "site-local",
  benchmarking: "benchmarking",
  teredo: "Teredo",
  rfc6052: "NAT64 local-use",
  rfc6145: "IPv4-translated",
  notGlobalUnicast: "non-global IPv6"
}

const describeRange = (range: SpecialRange) =>
  `${rangeLabels[range.name] ?? range.name}${range.embeddedIPv4 ? `, embedded IPv4 ${range.embeddedIPv4}` : ""}`

const describeReason = Reason.$match({
  NotAUrl: () => "it must be an absolute http or https URL with a host",
  InsecureScheme: ({ scheme }) => `live-mode webhook URLs must use https, not ${scheme}`,
  LocalName: ({ hostname }) => `${hostname} is a local host name, not a public one`,
  SpecialAddress: ({ address, hostname, range }) =>
    hostname === address
      ? `${address} is not a public address (${describeRange(range)})`
      : `${hostname} resolves to ${address}, which is not a public address (${describeRange(range)})`
})

/** The URL may not receive webhooks in this mode. */
export class DestinationRefused extends Data.TaggedError("DestinationRefused")<{
  readonly url: string
  readonly reason: Reason
}> {
  override get message() {
    return `Webhook URL refused: ${describeReason(this.reason)}`
  }
}

/** The host name did not resolve (now): a delivery attempt fails and is retried. */
export class ResolutionFailed extends Data.TaggedError("ResolutionFailed")<{
  readonly hostname: string
  /** The resolver's error code (`ENOTFOUND`, `EAI_AGAIN`, `ETIMEOUT`…). */
  readonly code: string
}> {
  override get message() {
    return `${this.hostname} did not resolve (${this.code})`
  }
}

/** Looks up every address of a host name. */
export interface ResolverShape {
  readonly lookup: (hostname: string) => Effect.Effect<ReadonlyArray<ResolvedAddress>, ResolutionFailed>
}

const systemResolver: ResolverShape = {
  lookup: (hostname) =>
    Effect.tryPromise({
      // getaddrinfo, as Node's `fetch` resolves: /etc/hosts and search domains included.
      try: () => dns.lookup(hostname, { all: true }),
      catch: (error) =>
        new ResolutionFailed({
          hostname,
          code: error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : "EUNKNOWN"
        })
    }).pipe(Effect.map((found) => found.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }))))
}

/** How host names are resolved: the system resolver unless replaced (tests inject their own). */
export class Resolver extends Context.Reference<Resolver>()("@shopvo/kernel/Destination/Resolver", {
  defaultValue: (): ResolverShape => systemResolver
}) {}

/** Longest wait for a lookup: a hung resolver must not hold a request or a delivery slot. */
const lookupTimeout = Duration.seconds(5)

const nat64 = ipaddr.IPv6.parseCIDR("64:ff9b::/96")
const globalUnicast = ipaddr.IPv6.parseCIDR("2000::/3")

const ipv4Of = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff])

/** The IPv4 address an IPv6 address stands for, when its form is one that carries packets to it. */
const embeddedIPv4 = (address: ipaddr.IPv6): ipaddr.IPv4 | undefined => {
  const [, second = 0, third = 0, , , , seventh = 0, eighth = 0] = address.parts
  if (address.isIPv4MappedAddress() || address.match(nat64)) return ipv4Of(seventh, eighth)
  if (address.range() === "6to4") return ipv4Of(second, third)
  return undefined
}

/**
 * The special-purpose range of an IP address (canonical text, as URL parsing or DNS give it), or
 * none when it is public unicast. Text that is not an IP address is refused too.
 */
export const specialRange = (address: string): Option.Option<SpecialRange> => {
  if (!ipaddr.isValid(address)) return Option.some({ name: "invalid" })
  const parsed = ipaddr.parse(address)
  if (parsed.kind() === "ipv4") {
    const range = parsed.range()
    return range === "unicast" ? Option.none() : Option.some({ name: range })
  }
  const v6 = parsed as ipaddr.IPv6
  const v4 = embeddedIPv4(v6)
  if (v4) {
    return Option.map(specialRange(v4.toString()), (range) => ({ name: range.name, embeddedIPv4: v4.toString() }))
  }
  const range = v6.range()
  if (range !== "unicast") return Option.some({ name: range })
  // Covers what ipaddr.js leaves as unicast outside 2000::/3: IPv4-compatible ::/96, 100::/8, …
  return v6.match(globalUnicast) ? Option.none() : Option.some({ name: "notGlobalUnicast" })
}

/**
 * Domains that never name a public host: RFC 6761 special-use names, mDNS `.local` (RFC 6762),
 * `home.arpa` (RFC 8375), `.internal` (reserved by ICANN for private use; cloud metadata lives
 * there), `.alt` and the common `localdomain`.
 */
const localDomains = ["localhost", "local", "internal", "localdomain", "home.arpa", "test", "invalid", "onion", "alt"]

/** Whether a host name is reserved for local networks or is a single label (completed by local search domains). */
export const isLocalName = (hostname: string): boolean => {
  const name = hostname.toLowerCase().replace(/\.$/, "")
  return !name.includes(".") || localDomains.some((domain) => name === domain || name.endsWith(`.${domain}`))
}

/** The host of a URL that passed the structural checks. */
export type Host =
  | { readonly _tag: "Address"; readonly address: string; readonly family: 4 | 6 }
  | { readonly _tag: "Name"; readonly name: string }

const hostOf = (hostname: string): Host => {
  if (hostname.startsWith("[")) return { _tag: "Address", address: hostname.slice(1, -1), family: 6 }
  // URL parsing left any IPv4 host as a dotted quad; a name never is one (its last label is not numeric).
  if (ipaddr.IPv4.isValidFourPartDecimal(hostname)) return { _tag: "Address", address: hostname, family: 4 }
  return { _tag: "Name", name: hostname }
}

const parseUrl = (url: string): URL | undefined => {
  try {
    return new URL(url)
  } catch {
    return undefined
  }
}

/**
 * The checks that need no network: the URL's shape, its scheme for the mode, and in live mode
 * an IP-literal host or a local name. A name passing here still has to pass `resolve`.
 */
export const check = (
  url: string,
  livemode: boolean
): Either.Either<{ readonly url: URL; readonly host: Host }, DestinationRefused> => {
  const refuse = (reason: Reason) => Either.left(new DestinationRefused({ url, reason }))
  const parsed = parseUrl(url)
  if (!parsed || (parsed.protocol !== "https:" && parsed.protocol !== "http:") || parsed.hostname === "") {
    return refuse(Reason.NotAUrl())
  }
  if (livemode && parsed.protocol !== "https:")
    return refuse(Reason.InsecureScheme({ scheme: parsed.protocol.slice(0, -1) }))
  const host = hostOf(parsed.hostname)
  if (livemode) {
    if (host._tag === "Name" && isLocalName(host.name)) return refuse(Reason.LocalName({ hostname: host.name }))
    if (host._tag === "Address") {
      const range = specialRange(host.address)
      if (Option.isSome(range)) {
        return refuse(Reason.SpecialAddress({ hostname: host.address, address: host.address, range: range.value }))
      }
    }
  }
  return Either.right({ url: parsed, host })
}

/**
 * The full guard: `check`, then the name's addresses (all of them: one refused address refuses
 * the URL, or a rebinding name could answer a public and a private one). Returns what to connect
 * to. `ResolutionFailed` means the name did not resolve now, which is not a refusal.
 */
export const resolve = (
  url: string,
  livemode: boolean
): Effect.Effect<Destination, DestinationRefused | ResolutionFailed> =>
  Effect.gen(function* () {
    const target = yield* check(url, livemode)
    const host = target.host
    if (host._tag === "Address") {
      return { url: target.url, addresses: [{ address: host.address, family: host.family }] } as const
    }
    const resolver = yield* Resolver
    const found = yield* resolver.lookup(host.name).pipe(
      Effect.timeoutFail({
        duration: lookupTimeout,
        onTimeout: () => new ResolutionFailed({ hostname: host.name, code: "ETIMEOUT" })
      })
    )
    const [first, ...rest] = found
    if (!first) return yield* new ResolutionFailed({ hostname: host.name, code: "ENODATA" })
    if (livemode) {
      for (const { address } of found) {
        const range = specialRange(address)
        if (Option.isSome(range)) {
          return yield* new DestinationRefused({
            url,
            reason: Reason.SpecialAddress({ hostname: host.name, address, range: range.value })
          })
        }
      }
    }
    return { url: target.url, addresses: [first, ...rest] } as const
  })
