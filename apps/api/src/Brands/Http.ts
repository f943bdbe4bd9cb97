/**
 * Brand routes: every brand, or the one matching `slug`.
 */
import type { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { ok } from "../Platform/Envelope.js"
import type { Handler } from "../Platform/Pipeline.js"
import * as Repo from "./Repo.js"

const list: Handler<"brands.list", SqlClient.SqlClient> = (request) =>
  Effect.map(Repo.list({ siteId: request.siteId, livemode: request.livemode }, { slug: request.query.slug }), ok)

export const handlers = {
  "brands.list": list
}
