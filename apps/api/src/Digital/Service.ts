/**
 * Digital products: a checkout of only digital lines ships nothing (`shipsGoods`), and the digital
 * lines of a paid order get download links signed with `@shopvo/signing`'s `DownloadLink` under a
 * secret of the site and mode, valid for `linkLifetimeSeconds`. Following a link checks the
 * signature (constant time) and the expiry before it reads anything, then that the order is
 * still paid.
 */
import { DownloadLink } from "@shopvo/signing"
import type { Tenant } from "@shopvo/kernel"
import { Data, Effect, Either, Option } from "effect"
import { DigitalRepo } from "./Repo.js"

/** How long a download link is valid after it was made. */
export const linkLifetimeSeconds = 24 * 60 * 60

/** Payment statuses whose digital lines may be downloaded. */
const paid: ReadonlySet<string> = new Set(["PAID", "PARTIALLY_REFUNDED"])

export class OrderNotFound extends Data.TaggedError("OrderNotFound")<{ readonly orderId: string }> {}
export class OrderNotPaid extends Data.TaggedError("OrderNotPaid")<{ readonly paymentStatus: string }> {
  override get message() {
    return `The order's payment status is ${this.paymentStatus}: it has no downloads`
  }
}
export class LinkRefused extends Data.TaggedError("LinkRefused")<{ readonly refusal: DownloadLink.Refusal }> {}
export class DownloadNotFound extends Data.TaggedError("DownloadNotFound")<{ readonly orderItemId: string }> {}

export interface IssuedLink {
  readonly orderItemId: string
  readonly productId: string
  readonly name: string
  readonly url: string
  readonly expiresAt: Date
}

const linkPath = (tenant: Tenant, orderItemId: string, expires: number, signature: string) =>
  `/api/v1/${encodeURIComponent(tenant.siteId)}/downloads/${encodeURIComponent(orderItemId)}` +
  `?expires=${expires}&mode=${tenant.livemode ? "live" : "test"}&signature=${signature}`

export class Digital extends Effect.Service<Digital>()("@shopvo/api/Digital", {
  accessors: true,
  dependencies: [DigitalRepo.Default],
  effect: Effect.gen(function* () {
    const repo = yield* DigitalRepo
    return {
      /** For checkout: whether the lines ship anything (false only when every product is digital). */
      shipsGoods: (tenant: Tenant, lines: ReadonlyArray<{ readonly productId: string }>) =>
        Effect.map(
          repo.digitalOnly(
            tenant,
            lines.map((line) => line.productId)
          ),
          (digitalOnly) => !digitalOnly
        ),
      /** Fresh links to the digital lines of a paid order, expiring `linkLifetimeSeconds` after `now` (Unix seconds). */
      links: (tenant: Tenant, orderId: string, now: number) =>
        Effect.gen(function* () {
          const order = yield* repo.order(tenant, orderId)
          if (Option.isNone(order)) return yield* new OrderNotFound({ orderId })
          if (!paid.has(order.value.paymentStatus))
            return yield* new OrderNotPaid({ paymentStatus: order.value.paymentStatus })
          const secret = yield* repo.secret(tenant)
          const expires = Math.floor(now) + linkLifetimeSeconds
          const lines = yield* repo.linesOfOrder(tenant, orderId)
          return lines.map(
            (line): IssuedLink => ({
              orderItemId: line.orderItemId,
              productId: line.productId,
              name: line.name,
              url: linkPath(
                tenant,
                line.orderItemId,
                expires,
                DownloadLink.sign(
                  { siteId: tenant.siteId, livemode: tenant.livemode, resourceId: line.orderItemId, expires },
                  secret
                )
              ),
              expiresAt: new Date(expires * 1000)
            })
          )
        }),
      /** Follows a link: the file of its line, once its signature and expiry hold and the order is paid. */
      follow: (tenant: Tenant, orderItemId: string, expires: number, signature: string, now: number) =>
        Effect.gen(function* () {
          const secret = yield* repo.knownSecret(tenant)
          // No key: this site and mode never issued a link.
          if (Option.isNone(secret)) return yield* new LinkRefused({ refusal: "invalid" })
          const verdict = DownloadLink.verify(
            { siteId: tenant.siteId, livemode: tenant.livemode, resourceId: orderItemId, expires },
            signature,
            secret.value,
            now
          )
          if (Either.isLeft(verdict)) return yield* new LinkRefused({ refusal: verdict.left })
          const line = yield* repo.line(tenant, orderItemId)
          if (line === undefined) return yield* new DownloadNotFound({ orderItemId })
          if (!paid.has(line.paymentStatus)) return yield* new OrderNotPaid({ paymentStatus: line.paymentStatus })
          return line
        })
    }
  })
}) {}
