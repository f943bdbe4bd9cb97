/**
 * Category routes: the flat list, narrowed by `slug` or `parentId`.
 */
import type { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { ok } from "../Platform/Envelope.js"
import type { Handler } from "../Platform/Pipeline.js"
import * as Repo from "./Repo.js"

const list: Handler<"categories.list", SqlClient.SqlClient> = (request) =>
  Effect.map(
    Repo.list(
      { siteId: request.siteId, livemode: request.livemode },
      { slug: request.query.slug, parentId: request.query.parentId }
    ),
    ok
  )

export const handlers = {
  "categories.list": list
}
