/**
 * The API server: every route group's handlers on the spec-built router, behind the request
 * pipeline and the edge (request ids, request logs, the envelope for whatever Node refuses),
 * listening with Node's HTTP server.
 *
 * The database, key cache, limiter and validators are all built before the listener opens
 * (the listener is the last layer), so no request can arrive before the server can answer it.
 */
import { HttpMiddleware, HttpRouter, HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { createServer } from "node:http"
import { Effect, Layer } from "effect"
import type { SqlClient } from "@effect/sql"
import { ApiConfig } from "./Config.js"
import { type Services, ServicesLive } from "./Services.js"
import * as B2B from "./B2B/Http.js"
import * as Blacklist from "./Blacklist/Http.js"
import * as Brands from "./Brands/Http.js"
import * as Cart from "./Cart/Http.js"
import * as Categories from "./Categories/Http.js"
import * as Checkout from "./Checkout/Http.js"
import * as Content from "./Content/Http.js"
import * as Currencies from "./Currencies/Http.js"
import * as Customers from "./Customers/Http.js"
import * as Digital from "./Digital/Http.js"
import * as GiftCards from "./GiftCards/Http.js"
import * as Loyalty from "./Loyalty/Http.js"
import * as StoreCredit from "./StoreCredit/Http.js"
import * as Metafields from "./Metafields/Http.js"
import * as OrderLifecycle from "./OrderLifecycle/Http.js"
import * as Orders from "./Orders/Http.js"
import * as Payments from "./Payments/Http.js"
import * as Auth from "./Platform/Auth.js"
import * as Edge from "./Platform/Edge.js"
import * as Pipeline from "./Platform/Pipeline.js"
import * as RateLimits from "./Platform/RateLimits.js"
import * as Products from "./Products/Http.js"
import * as Promotions from "./Promotions/Http.js"
import * as Router from "./Platform/Router.js"
import * as Validation from "./Platform/Validation.js"
import * as Inventory from "./Inventory/Http.js"
import * as Reviews from "./Reviews/Http.js"
import * as Settlement from "./Settlement/Http.js"
import * as Shipping from "./Shipping/Http.js"
import * as Sites from "./Sites/Http.js"
import * as Variants from "./Variants/Http.js"
import * as Vault from "./Vault/Http.js"
import * as Webhooks from "./Webhooks/Http.js"

/** Every implemented operation, by `operationId`. */
export const handlers: Router.Handlers<Services | SqlClient.SqlClient> = {
  ...Sites.handlers,
  ...Products.handlers,
  ...Categories.handlers,
  ...Brands.handlers,
  ...Content.handlers,
  ...Metafields.handlers,
  ...Webhooks.handlers,
  ...Variants.handlers,
  ...Reviews.handlers,
  ...Inventory.handlers,
  ...Customers.handlers,
  ...Promotions.handlers,
  ...Cart.handlers,
  ...Orders.handlers,
  ...OrderLifecycle.handlers,
  ...Checkout.handlers,
  ...GiftCards.handlers,
  ...StoreCredit.handlers,
  ...Loyalty.handlers,
  ...Payments.handlers,
  ...Currencies.handlers,
  ...Settlement.handlers,
  ...B2B.handlers,
  ...Blacklist.handlers,
  ...Digital.handlers,
  ...Shipping.handlers,
  ...Vault.handlers
}

/** The platform services every request uses. */
export const PlatformLive = Pipeline.layer.pipe(
  Layer.provideMerge(Auth.layer),
  Layer.provideMerge(RateLimits.layer),
  Layer.provideMerge(Validation.layer)
)

/** Serves the API on `PORT`/`HOST` with every aggregate's service; requires the database and configuration. */
export const ServerLive = Layer.unwrapEffect(
  Effect.gen(function* () {
    const { port, host } = yield* ApiConfig
    const router = yield* Router.make(handlers)
    // Parse errors (oversized headers, an unparsable request line) are answered by the edge,
    // logged with the same logger as every request.
    const runtime = yield* Effect.runtime<never>()
    const listen = () => createServer().on("clientError", Edge.onClientError(runtime))
    return HttpServer.serve(Edge.serve(router)).pipe(
      // No tracing spans (the HTTP span, @effect/sql's query spans) unless a tracer is configured:
      // with no exporter they are pure cost, ~30% of a trivial request.
      HttpMiddleware.withTracerDisabledWhen(() => true),
      Layer.provide(Layer.setTracerEnabled(false)),
      // The router's default (100 characters) would turn a long id into "no route" (404) before the
      // operation could answer it; the edge's 16 KB header limit bounds the path anyway.
      Layer.provide(HttpRouter.setRouterConfig({ maxParamLength: 16_384 })),
      // Merged so tests (and embedders) can read the bound address from `HttpServer`.
      Layer.provideMerge(NodeHttpServer.layer(listen, { port, host }))
    )
  })
).pipe(Layer.provide(PlatformLive), Layer.provide(ServicesLive))
