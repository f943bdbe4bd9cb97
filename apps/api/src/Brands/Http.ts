/**
 * Brand routes: every brand, or the one matching `slug`.
 */
import { Effect } from "effect"
import { ok } from "../Platform/Envelope.js"
import type { Handler } from "../Platform/Pipeline.js"
import { Brands } from "./Service.js"

const list: Handler<"brands.list", Brands> = (request) =>
  Effect.map(Brands.list(request.tenant, { slug: request.query.slug }), ok)

export const handlers = {
  "brands.list": list
}
