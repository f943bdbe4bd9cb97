/**
 * Site configuration routes.
 */
import type { Site as ContractSite, Operation } from "@shopvo/contract"
import type { Database } from "@shopvo/kernel"
import { Effect } from "effect"
import * as ApiError from "../Platform/ApiError.js"
import { ok } from "../Platform/Envelope.js"
import type { Handler } from "../Platform/Pipeline.js"
import { type Site, type SiteNotFound, Sites } from "./Service.js"

const serialize = (site: Site): Operation.Immutable<ContractSite> => ({
  id: site.id,
  name: site.name,
  locale: site.locale,
  currency: site.currency,
  primaryDomain: site.primaryDomain,
  domains: site.domains,
  theme: site.theme
})

/** The site aggregate's errors as API errors; an unavailable database is left to the pipeline (503). */
const toApiError = (error: SiteNotFound | Database.DatabaseUnavailable) => {
  switch (error._tag) {
    case "SiteNotFound":
      return ApiError.notFound("Site")
    case "DatabaseUnavailable":
      return error
  }
}

const get: Handler<"site.get", Sites> = (request) =>
  Sites.get(request.siteId).pipe(
    Effect.map((site) => ok(serialize(site))),
    Effect.mapError(toApiError)
  )

export const handlers = { "site.get": get }
