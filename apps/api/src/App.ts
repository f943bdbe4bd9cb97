/**
 * The running application: database (DATABASE_URL or embedded, migrated), JSON logs, the demo
 * store on first start, then the HTTP server. `main.ts` launches this layer.
 */
import { Database } from "@shopvo/db"
import { FileSystem } from "@effect/platform"
import { NodeContext } from "@effect/platform-node"
import { Console, Effect, Layer, Logger, Option, Schema } from "effect"
import * as Config from "./Config.js"
import * as Demo from "./Demo.js"
import { ServerLive } from "./Http.js"
import { ServicesLive } from "./Services.js"
import { Sites } from "./Sites/Service.js"

const DemoFile = Schema.parseJson(Schema.Struct({ siteId: Schema.String, key: Schema.String }))
const demoPath = ".data/demo.json"

/**
 * Creates the demo store when the database has no site yet, and remembers its key in
 * `.data/demo.json` (a local development credential, mode 0600) so later starts can print it.
 */
const demoOnFirstStart = Effect.gen(function* () {
  const fs = yield* FileSystem.FileSystem
  const saved = yield* fs.readFileString(demoPath).pipe(Effect.flatMap(Schema.decodeUnknown(DemoFile)), Effect.option)
  if (Option.isSome(saved) && Option.isSome(yield* Sites.find(saved.value.siteId))) return Option.some(saved.value)
  if (!(yield* Sites.isEmpty)) return Option.none<Demo.Demo>()
  const demo = yield* Demo.seed
  yield* fs.makeDirectory(".data", { recursive: true })
  yield* fs.writeFileString(demoPath, JSON.stringify(demo, null, 2) + "\n", { mode: 0o600 })
  return Option.some(demo)
})

const banner = Effect.gen(function* () {
  const { port } = yield* Config.ApiConfig
  const demo = yield* demoOnFirstStart
  const base = `http://localhost:${port}`
  yield* Console.log(`\nShopvo API listening on ${base}`)
  if (Option.isSome(demo)) {
    const { siteId, key } = demo.value
    yield* Console.log(`  base URL   ${base}/api/v1/${siteId}`)
    yield* Console.log(`  site id    ${siteId}`)
    yield* Console.log(`  test key   ${key}   (admin:*)`)
    yield* Console.log(`\n  curl -H "Authorization: Bearer ${key}" ${base}/api/v1/${siteId}/site\n`)
  }
})

/**
 * JSON log lines on stdout at `LOG_LEVEL`, for start-up as well as requests. (`Logger.json`, not
 * `Logger.jsonLogger`: the latter only formats a line and prints nothing.)
 */
export const LoggingLive = Layer.unwrapEffect(
  Effect.map(Config.config, ({ logLevel }) => Layer.merge(Logger.json, Logger.minimumLogLevel(logLevel)))
)

/** Start-up failures (configuration, database, port) are reported by the runtime and end the process. */
export const AppLive: Layer.Layer<never, unknown> = Layer.mergeAll(
  ServerLive,
  Layer.effectDiscard(banner).pipe(Layer.provide(ServicesLive))
).pipe(Layer.provide(Database.layer), Layer.provide(Config.layer), Layer.provide(NodeContext.layer))
