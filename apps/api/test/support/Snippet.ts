/**
 * The reference's SDK snippet (kept verbatim in apps/sdk/test/fixtures/reference-snippet.txt) with
 * its placeholders filled in: the key, secret, site and domain, the product id (`prd_abc`) and the
 * order number (`ORD-1042`) of a live store. Nothing else of the code is changed.
 */
import { readFileSync } from "node:fs"

export const snippetPath = new URL("../../../sdk/test/fixtures/reference-snippet.txt", import.meta.url)

export interface SnippetValues {
  readonly apiKey: string
  readonly signingSecret: string
  readonly siteId: string
  readonly baseUrl: string
  readonly productId: string
  readonly orderNumber: string
}

/** The snippet's names, exported so a test can read what it got. */
export const snippetExports = "export { items, product, variants, variant, orders, order, customers }\n"

export const fillSnippet = (values: SnippetValues): string => {
  const placeholders: ReadonlyArray<readonly [string, string]> = [
    ['"sk_live_…"', values.apiKey],
    ['"sks_…"', values.signingSecret],
    ['"site_…"', values.siteId],
    ['"https://your-domain"', values.baseUrl],
    ['"prd_abc"', values.productId],
    ['"ORD-1042"', values.orderNumber]
  ]
  let text = readFileSync(snippetPath, "utf8")
  for (const [placeholder, value] of placeholders) {
    if (!text.includes(placeholder)) throw new Error(`the snippet no longer contains ${placeholder}`)
    text = text.replaceAll(placeholder, JSON.stringify(value))
  }
  return text
}
