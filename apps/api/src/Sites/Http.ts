/**
 * Site configuration routes.
 */
import { Effect, Option } from "effect"
import * as ApiError from "../Platform/ApiError.js"
import { ok } from "../Platform/Envelope.js"
import type { Handler } from "../Platform/Pipeline.js"
import * as Repo from "./Repo.js"

const get: Handler<"site.get", import("@effect/sql").SqlClient.SqlClient> = (request) =>
  Repo.find(request.siteId).pipe(
    Effect.flatMap(
      Option.match({
        onNone: () => Effect.fail(ApiError.notFound("Site")),
        onSome: (site) =>
          Effect.succeed(
            ok({
              id: site.id,
              name: site.name,
              locale: site.locale,
              currency: site.currency,
              primaryDomain: site.primaryDomain,
              domains: site.domains,
              theme: site.theme
            })
          )
      })
    )
  )

export const handlers = { "site.get": get }
