/**
 * One delivery attempt over HTTP: a POST of the exact body to the destination's checked
 * addresses. The connection goes only to an address `Destination.resolve` returned (the lookup is
 * pinned), so a name cannot be re-resolved to an internal address between the check and the
 * connection. Success is a 2xx within the timeout; the first 1,024 characters of the response
 * body are kept for the delivery log.
 */
import http from "node:http"
import https from "node:https"
import type { LookupFunction } from "node:net"
import type { Destination } from "@shopvo/kernel"
import { Effect } from "effect"

/** What an attempt found out. */
export interface Outcome {
  readonly ok: boolean
  readonly statusCode: number | null
  readonly error: string | null
  readonly durationMs: number
  readonly responseExcerpt: string | null
}

export const excerptLength = 1024
// Read at most this much of a response; the rest is dropped with the connection.
const maxResponseBytes = 64 * 1024

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 256 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 256 })
}

const pinnedLookup =
  (destination: Destination.Destination): LookupFunction =>
  (_hostname, options, callback) => {
    const { address, family } = destination.addresses[0]
    if (options.all) callback(null, [{ address, family }])
    else callback(null, address, family)
  }

/** POSTs `body` with `headers`; never fails: every problem is an unsuccessful `Outcome`. */
export const post = (
  destination: Destination.Destination,
  headers: Readonly<Record<string, string>>,
  body: string,
  timeoutMs: number
): Effect.Effect<Outcome> =>
  Effect.async<Outcome>((resume) => {
    const started = performance.now()
    const elapsed = () => Math.round(performance.now() - started)
    let settled = false
    const finish = (outcome: Omit<Outcome, "durationMs">) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resume(Effect.succeed({ ...outcome, durationMs: elapsed() }))
    }
    const secure = destination.url.protocol === "https:"
    const request = (secure ? https : http).request(destination.url, {
      method: "POST",
      agent: secure ? agents.https : agents.http,
      lookup: pinnedLookup(destination),
      headers: { ...headers, "content-length": String(Buffer.byteLength(body)) }
    })
    const timer = setTimeout(() => {
      request.destroy()
      finish({ ok: false, statusCode: null, error: `timeout after ${timeoutMs} ms`, responseExcerpt: null })
    }, timeoutMs)
    request.on("error", (error) =>
      finish({ ok: false, statusCode: null, error: `connection error: ${error.message}`, responseExcerpt: null })
    )
    request.on("response", (response) => {
      const chunks: Array<Buffer> = []
      let size = 0
      const done = () => {
        const statusCode = response.statusCode ?? 0
        const text = Buffer.concat(chunks).toString("utf8").slice(0, excerptLength)
        finish({
          ok: statusCode >= 200 && statusCode < 300,
          statusCode: statusCode >= 100 && statusCode <= 599 ? statusCode : null,
          error: statusCode >= 100 && statusCode <= 599 ? null : `invalid status ${statusCode}`,
          responseExcerpt: text === "" ? null : text
        })
      }
      response.on("data", (chunk: Buffer) => {
        size += chunk.length
        if (size <= maxResponseBytes) chunks.push(chunk)
        else {
          response.destroy()
          done()
        }
      })
      response.on("end", done)
      response.on("error", done)
    })
    request.end(body)
    return Effect.sync(() => {
      clearTimeout(timer)
      request.destroy()
    })
  })
