/**
 * @shopvo/sdk — the official TypeScript client of the Shopvo v1 API.
 *
 *     import { createClient } from "@shopvo/sdk"
 *     const client = createClient({ apiKey, signingSecret, siteId, baseUrl })
 *     const { items } = await client.products.list({ limit: 20, expand: ["variants"] })
 *
 * Web Crypto and fetch only: runs on Node 20+, Deno, Bun, browsers and edge runtimes.
 */
export { createClient, type ClientOptions, type RequestOptions, type ShopvoClient } from "./Client.js"
export { ShopvoConnectionError, ShopvoError, type ErrorDetail } from "./Errors.js"
export { PagedCall, type Page } from "./Pagination.js"
export type { RetryOptions } from "./Transport.js"
export { defaultToleranceSeconds, verify as verifyWebhook, webhooks, type VerifyOptions } from "./Webhooks.js"
export type * from "./generated/types.gen.js"
