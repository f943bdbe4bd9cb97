/**
 * The request body, read once: the bytes the signature covers, then parsed for the handler.
 *
 * A body must be JSON (415) of at most `maxBodySize` bytes (413): a larger Content-Length is
 * refused before reading, and a chunked body is counted while it streams, so a large body never
 * sits in memory. Bytes that are not UTF-8 are refused rather than stored as U+FFFD; nesting
 * deeper than the validator can walk, and NUL characters or unpaired surrogates PostgreSQL cannot
 * store, are 400s.
 */
import type { HttpServerRequest } from "@effect/platform"
import { NodeHttpServerRequest } from "@effect/platform-node"
import type { IncomingMessage } from "node:http"
import { Effect, Either } from "effect"
import * as ApiError from "./ApiError.js"

/** Methods whose requests may carry a body. */
export const writes: ReadonlySet<string> = new Set(["POST", "PATCH", "DELETE", "PUT"])

const malformed = (message: string) => new ApiError.ApiError({ status: 400, code: "malformed_json", message })

/** `application/json` or `application/*+json`, in UTF-8 (the only charset a JSON body may declare). */
const isJsonMediaType = (contentType: string | undefined): boolean => {
  const [type = "", ...parameters] = (contentType ?? "").split(";").map((part) => part.trim().toLowerCase())
  const json = type === "application/json" || /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(type)
  return json && parameters.every((p) => !p.startsWith("charset=") || /^charset="?utf-8"?$/.test(p))
}

/** `text/csv`, in UTF-8: the body of the few operations whose spec also takes CSV. */
export const isCsvMediaType = (contentType: string | undefined): boolean => {
  const [type = "", ...parameters] = (contentType ?? "").split(";").map((part) => part.trim().toLowerCase())
  return type === "text/csv" && parameters.every((p) => !p.startsWith("charset=") || /^charset="?utf-8"?$/.test(p))
}

const unsupportedMediaType = new ApiError.ApiError({
  status: 415,
  code: "unsupported_media_type",
  message: "A request body must be JSON, sent as Content-Type: application/json"
})

const tooLarge = (maxBodySize: number) =>
  ApiError.payloadTooLarge(`The request body is larger than ${maxBodySize} bytes`)

/**
 * Collects the body's bytes as they stream, and stops at the first chunk that takes it past
 * `limit`. Past the limit it keeps no more data: Node discards the rest.
 */
const collect = (source: IncomingMessage, limit: number) =>
  Effect.async<Buffer, ApiError.ApiError>((resume) => {
    const chunks: Array<Buffer> = []
    let size = 0
    const stop = () => {
      source.off("data", onData)
      source.off("end", onEnd)
      source.off("error", onError)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size <= limit) return void chunks.push(chunk)
      stop()
      resume(Effect.fail(tooLarge(limit)))
    }
    const onEnd = () => {
      stop()
      resume(Effect.succeed(Buffer.concat(chunks, size)))
    }
    const onError = () => {
      stop()
      resume(Effect.fail(ApiError.badRequest("The request body could not be read")))
    }
    source.on("data", onData)
    source.on("end", onEnd)
    source.on("error", onError)
    return Effect.sync(stop)
  })

const utf8 = new TextDecoder("utf-8", { fatal: true })

/**
 * Reads, once, the raw body the signature covers; handlers get it parsed. A body must be JSON
 * (415) of at most `maxBodySize` bytes (413): a larger Content-Length is refused before reading,
 * and a chunked body is counted while it streams, so a large body never sits in memory. Bytes
 * that are not UTF-8 are refused rather than stored as U+FFFD.
 */
export const read = (
  request: HttpServerRequest.HttpServerRequest,
  maxBodySize: number,
  acceptsCsv = false
): Effect.Effect<string, ApiError.ApiError> => {
  const length = request.headers["content-length"]
  const hasBody = (length !== undefined && length !== "0") || request.headers["transfer-encoding"] !== undefined
  if (!writes.has(request.method) || !hasBody) return Effect.succeed("")
  const contentType = request.headers["content-type"]
  if (!isJsonMediaType(contentType) && !(acceptsCsv && isCsvMediaType(contentType))) {
    return Effect.fail(unsupportedMediaType)
  }
  if (length !== undefined && Number(length) > maxBodySize) return Effect.fail(tooLarge(maxBodySize))
  return Effect.flatMap(collect(NodeHttpServerRequest.toIncomingMessage(request), maxBodySize), (bytes) =>
    Effect.try({
      try: () => utf8.decode(bytes),
      catch: () => malformed("The request body is not valid UTF-8")
    })
  )
}

/** Deeper JSON is refused before parsing: validating it recursively would exhaust the stack. */
const maxJsonDepth = 64

/** Whether `raw` nests arrays and objects deeper than `limit`; one pass, no recursion. */
const nestsDeeperThan = (raw: string, limit: number): boolean => {
  let depth = 0
  let inString = false
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i)
    if (inString) {
      // A backslash escapes the next character, so an escaped quote does not end the string.
      if (c === 0x5c) i++
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true
    } else if (c === 0x7d || c === 0x5d) depth--
  }
  return false
}

/** A NUL, or half of a surrogate pair: what PostgreSQL text and jsonb cannot store. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const unstorable = (text: string) => text.includes("\u0000") || loneSurrogate.test(text)

/** The JSON pointer of the first string (or key) PostgreSQL cannot store, if any. */
const findUnstorable = (value: unknown, path = ""): string | undefined => {
  if (typeof value === "string") return unstorable(value) ? path || "/" : undefined
  if (typeof value !== "object" || value === null) return undefined
  for (const [key, child] of Object.entries(value)) {
    const at = `${path}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`
    if (unstorable(key)) return at
    const found = findUnstorable(child, at)
    if (found !== undefined) return found
  }
  return undefined
}

const unstorableText = (path: string) =>
  ApiError.badRequest("Strings must not contain NUL characters or unpaired surrogates", [
    { path, message: "must not contain NUL characters or unpaired surrogates" }
  ])

/**
 * A body taken as text (CSV): its bytes were decoded strictly as UTF-8, so only a NUL can be
 * unstorable, and it is refused as in JSON.
 */
export const text = (raw: string): Either.Either<string, ApiError.ApiError> =>
  raw.includes("\u0000") ? Either.left(unstorableText("/")) : Either.right(raw)

/**
 * Parses the body. NUL characters and lone surrogates are refused here, for every route:
 * PostgreSQL cannot store them (jsonb refuses both; text refuses NUL, and the driver would turn
 * a lone surrogate into U+FFFD), so they would otherwise surface as a 500 or as altered data.
 */
export const parse = (raw: string): Either.Either<unknown, ApiError.ApiError> => {
  if (raw === "") return Either.right(undefined)
  if (nestsDeeperThan(raw, maxJsonDepth))
    return Either.left(malformed(`The request body nests objects and arrays deeper than ${maxJsonDepth} levels`))
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    return Either.left(malformed("The request body is not valid JSON"))
  }
  // Only a body spelling \u0000 or a \uD8xx–\uDFxx escape can hold either (the bytes are UTF-8).
  const bad = /\\u(0000|[dD][89a-fA-F])/.test(raw) ? findUnstorable(value) : undefined
  if (bad !== undefined) return Either.left(unstorableText(bad))
  return Either.right(value)
}
