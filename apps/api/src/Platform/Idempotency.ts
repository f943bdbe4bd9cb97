/**
 * `Idempotency-Key` on POST, PATCH and DELETE, as Stripe does it.
 *
 * The key is claimed in its own committed statement, so a concurrent duplicate sees it at once
 * (409 while the first runs). The handler's writes and the stored response commit in ONE
 * transaction: a crash in between loses both, and the key is reclaimed after a short lease, so
 * a retry can never create the resource twice nor replay a response whose writes were lost.
 * Responses (2xx and 4xx) are kept 24 hours and replayed byte for byte; reusing a key with a
 * different request is a 422.
 */
import { SqlClient, type SqlError } from "@effect/sql"
import { createHash } from "node:crypto"
import { Effect } from "effect"
import * as ApiError from "./ApiError.js"

export const headerName = "idempotency-key"

/** A stored response, replayed as is. */
export interface StoredResponse {
  readonly status: number
  readonly contentType: string
  readonly body: string
}

export type Claim = { readonly _tag: "Claimed" } | { readonly _tag: "Replay"; readonly response: StoredResponse }

/** Seconds after which an in-progress claim whose request never finished may be taken over. */
const leaseSeconds = 60

export const requestHash = (method: string, path: string, rawBody: string): string =>
  createHash("sha256").update(method).update("\n").update(path).update("\n").update(rawBody).digest("hex")

export interface Scope {
  readonly apiKeyId: string
  readonly siteId: string
  readonly livemode: boolean
  readonly key: string
  readonly hash: string
}

export const validateKey = (key: string) =>
  key.length === 0 || key.length > 255
    ? Effect.fail(
        ApiError.badRequest("Idempotency-Key must be 1 to 255 characters", [
          { path: "header.Idempotency-Key", message: "must be 1 to 255 characters" }
        ])
      )
    : Effect.void

/** Claims the key, or says what to answer instead (replay, 409, 422). */
export const claim = (scope: Scope): Effect.Effect<Claim, ApiError.ApiError | SqlError.SqlError, SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const claimed = yield* sql<{ key: string }>`
      insert into idempotency_keys (api_key_id, key, site_id, livemode, request_hash, status, created_at, expires_at)
      values (${scope.apiKeyId}, ${scope.key}, ${scope.siteId}, ${scope.livemode}, ${scope.hash}, 'in_progress', now(), now() + interval '24 hours')
      on conflict (site_id, api_key_id, key) do update
        set request_hash = excluded.request_hash, status = 'in_progress', created_at = now(), expires_at = excluded.expires_at,
            response_status = null, response_headers = null, response_body = null
        where idempotency_keys.expires_at < now()
           or (idempotency_keys.status = 'in_progress' and idempotency_keys.created_at < now() - make_interval(secs => ${leaseSeconds}))
      returning key`
    if (claimed.length > 0) return { _tag: "Claimed" } as Claim

    const rows = yield* sql<{
      request_hash: string
      status: "in_progress" | "completed"
      response_status: number | null
      response_headers: { "content-type"?: string } | null
      response_body: Uint8Array | null
    }>`select request_hash, status, response_status, response_headers, response_body
       from idempotency_keys where site_id = ${scope.siteId} and api_key_id = ${scope.apiKeyId} and key = ${scope.key}`
    const row = rows[0]
    // The row expired and was swept between the two statements: try again from the top.
    if (!row) return yield* claim(scope)
    if (row.request_hash !== scope.hash) {
      return yield* ApiError.unprocessable(
        "This Idempotency-Key was already used with a different request",
        "idempotency_key_reused"
      )
    }
    if (row.status === "in_progress") {
      return yield* ApiError.conflict(
        "A request with this Idempotency-Key is still being processed",
        "idempotency_request_in_progress"
      )
    }
    return {
      _tag: "Replay",
      response: {
        status: row.response_status!,
        contentType: row.response_headers?.["content-type"] ?? "application/json",
        body: Buffer.from(row.response_body!).toString("utf8")
      }
    } as Claim
  })

/** Stores the response; called inside the handler's transaction. */
export const complete = (scope: Scope, response: StoredResponse) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) => sql`
      update idempotency_keys
      set status = 'completed', response_status = ${response.status},
          response_headers = ${JSON.stringify({ "content-type": response.contentType })}::jsonb,
          response_body = ${Buffer.from(response.body, "utf8")}
      where site_id = ${scope.siteId} and api_key_id = ${scope.apiKeyId} and key = ${scope.key}`
  )

/** Releases the claim after a server-side failure, so that a retry runs the request again. */
export const release = (scope: Scope) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) =>
      sql`delete from idempotency_keys
          where site_id = ${scope.siteId} and api_key_id = ${scope.apiKeyId} and key = ${scope.key} and status = 'in_progress'`
  ).pipe(Effect.ignoreLogged)
