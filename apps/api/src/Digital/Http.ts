/**
 * Download routes: the links of an order (API key), and following one (public, signed).
 */
import { Clock, Effect } from "effect"
import * as ApiError from "../Platform/ApiError.js"
import { ok } from "../Platform/Envelope.js"
import type { Handler } from "../Platform/Pipeline.js"
import { Digital } from "./Service.js"

const nowSeconds = Effect.map(Clock.currentTimeMillis, (millis) => millis / 1000)

const notPaid = (error: { readonly message: string }) =>
  Effect.fail(ApiError.unprocessable(error.message, "order_not_paid"))

const listDownloads: Handler<"orders.listDownloads", Digital> = (request) =>
  Effect.flatMap(nowSeconds, (now) => Digital.links(request.tenant, request.params.orderId, now)).pipe(
    Effect.map((links) => ok(links.map((link) => ({ ...link, expiresAt: link.expiresAt.toISOString() })))),
    Effect.catchTags({
      OrderNotFound: () => Effect.fail(ApiError.notFound("Order")),
      OrderNotPaid: notPaid
    })
  )

const follow: Handler<"downloads.get", Digital> = (request) => {
  const { expires, mode, signature } = request.query
  // The link names its mode; the signature covers it, so a changed mode is refused.
  const tenant = { siteId: request.siteId, livemode: mode === "live" }
  return Effect.flatMap(nowSeconds, (now) =>
    Digital.follow(tenant, request.params.orderItemId, expires, signature, now)
  ).pipe(
    Effect.map((line) =>
      ok({ orderItemId: line.orderItemId, productId: line.productId, name: line.name, fileUrl: line.fileUrl })
    ),
    Effect.catchTags({
      LinkRefused: (error) =>
        Effect.fail(
          error.refusal === "expired"
            ? new ApiError.ApiError({
                status: 403,
                code: "download_link_expired",
                message: "This download link has expired"
              })
            : new ApiError.ApiError({
                status: 403,
                code: "download_link_invalid",
                message: "This download link is not valid"
              })
        ),
      DownloadNotFound: () => Effect.fail(ApiError.notFound("Download")),
      OrderNotPaid: notPaid
    })
  )
}

export const handlers = {
  "orders.listDownloads": listDownloads,
  "downloads.get": follow
}
