/**
 * The API reference a developer opens first: `/docs`, Swagger UI (swagger-ui-dist, installed from
 * npm and served from here, so it works offline and loads nothing from a CDN) rendering the bundled
 * spec, and `/openapi.json`, that spec. Both sit outside `/api/v1/{siteId}` and need no key.
 */
import { Spec } from "@shopvo/contract"
import { HttpRouter, HttpServerResponse } from "@effect/platform"
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { Effect } from "effect"

const assetsDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"))

/** The viewer's files, read once on first use. */
const assets: Record<string, { readonly contentType: string; readonly file: string }> = {
  "swagger-ui.css": { contentType: "text/css; charset=utf-8", file: "swagger-ui.css" },
  "swagger-ui-bundle.js": { contentType: "text/javascript; charset=utf-8", file: "swagger-ui-bundle.js" },
  "favicon-32x32.png": { contentType: "image/png", file: "favicon-32x32.png" }
}
const cache = new Map<string, Uint8Array>()
const asset = (name: string) => {
  let bytes = cache.get(name)
  if (bytes === undefined) {
    bytes = readFileSync(join(assetsDir, assets[name]!.file))
    cache.set(name, bytes)
  }
  return bytes
}

// Only this origin's scripts: the page cannot load anything from a CDN, by construction.
const contentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'"

const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Shopvo API reference</title>
    <link rel="icon" href="/docs/favicon-32x32.png" />
    <link rel="stylesheet" href="/docs/swagger-ui.css" />
  </head>
  <body>
    <div id="reference"></div>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>
`

// The search box (`filter`) finds operations by tag; deep links name each operation.
const init = `window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#reference",
  deepLinking: true,
  filter: true,
  docExpansion: "list",
  defaultModelsExpandDepth: 0,
  displayOperationId: true,
  tryItOutEnabled: false
})
`

const spec = JSON.stringify(Spec.document)

const headers = { "content-security-policy": contentSecurityPolicy, "x-content-type-options": "nosniff" }

export const router = HttpRouter.empty.pipe(
  HttpRouter.get(
    "/openapi.json",
    Effect.sync(() => HttpServerResponse.text(spec, { contentType: "application/json" }))
  ),
  HttpRouter.get(
    "/docs",
    Effect.sync(() => HttpServerResponse.text(page, { contentType: "text/html; charset=utf-8", headers }))
  ),
  HttpRouter.get(
    "/docs/init.js",
    Effect.sync(() => HttpServerResponse.text(init, { contentType: "text/javascript; charset=utf-8", headers }))
  ),
  HttpRouter.get(
    "/docs/:asset",
    Effect.flatMap(HttpRouter.params, ({ asset: name }) =>
      name !== undefined && Object.hasOwn(assets, name)
        ? Effect.sync(() =>
            HttpServerResponse.uint8Array(asset(name), {
              contentType: assets[name]!.contentType,
              headers: { ...headers, "cache-control": "public, max-age=3600" }
            })
          )
        : Effect.succeed(
            HttpServerResponse.unsafeJson({ error: `No such file: /docs/${name}`, code: "not_found" }, { status: 404 })
          )
    )
  )
)
