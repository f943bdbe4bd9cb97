/**
 * The benchmark's baseline: plain `node:http` + `pg`, answering `GET /api/v1/:siteId/site` with the
 * same SQL the API runs and the same JSON, and nothing else (no auth, limits, validation or logs).
 * It shows what the framework and the request pipeline cost on top of the database round trip.
 */
import { createServer } from "node:http"
import pg from "pg"

const pool = new pg.Pool({ connectionString: process.env["DATABASE_URL"], max: 10 })
const route = /^\/api\/v1\/([^/]+)\/site$/

createServer(async (req, res) => {
  const match = route.exec(req.url ?? "")
  if (!match) {
    res.writeHead(404).end()
    return
  }
  const { rows } = await pool.query(
    "select id, name, locale, currency, primary_domain, domains, theme, plan, rate_limit_rpm, created_at from sites where id = $1",
    [match[1]]
  )
  const site = rows[0]
  if (!site) {
    res.writeHead(404).end()
    return
  }
  const body = JSON.stringify({
    success: true,
    data: { id: site.id, name: site.name, locale: site.locale, currency: site.currency, primaryDomain: site.primary_domain, domains: site.domains, theme: site.theme }
  })
  res.writeHead(200, { "content-type": "application/json" }).end(body)
}).listen(Number(process.env["PORT"]), "127.0.0.1", () => process.send?.("ready"))
