/**
 * The benchmark's baseline: plain `node:http` + `pg`, answering each benchmarked URL by running
 * exactly the SQL the API ran for it (captured by run.ts) and returning the rows as JSON —
 * no auth, limits, validation, logging or mapping. It shows what the framework and the request
 * pipeline cost on top of the same database work.
 */
import { createServer } from "node:http"
import pg from "pg"
import { routes } from "./replay.js"

const pool = new pg.Pool({ connectionString: process.env["DATABASE_URL"], max: 10 })

createServer(async (req, res) => {
  const queries = routes.get(req.url ?? "")
  if (!queries) {
    res.writeHead(404).end()
    return
  }
  let rows: Array<unknown> = []
  for (const q of queries) rows = (await pool.query(q.text, q.values as Array<unknown>)).rows
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ success: true, data: rows }))
}).listen(Number(process.env["PORT"]), "127.0.0.1")
