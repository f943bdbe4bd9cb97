/** A scripted HTTP server on a free port: answers each request with the next scripted reply and records what it received. */
import { createServer, type IncomingHttpHeaders } from "node:http"
import type { AddressInfo } from "node:net"

export interface Received {
  readonly method: string
  readonly url: string
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer
  readonly at: number
}

export type Reply =
  | { readonly status: number; readonly headers?: Record<string, string>; readonly body?: unknown }
  /** Closes the connection without an answer (a network failure for the client). */
  | "drop"

export const startLocalServer = async (script: ReadonlyArray<Reply>, fallback: Reply = { status: 200, body: {} }) => {
  const received: Array<Received> = []
  const server = createServer((request, response) => {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => {
      const index = received.length
      received.push({
        method: request.method ?? "",
        url: request.url ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks),
        at: Date.now()
      })
      const reply = script[index] ?? fallback
      if (reply === "drop") {
        request.socket.destroy()
        return
      }
      const text = reply.body === undefined ? "" : JSON.stringify(reply.body)
      response.writeHead(reply.status, { "content-type": "application/json", ...reply.headers })
      response.end(text)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
