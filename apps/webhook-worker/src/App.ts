/**
 * The worker process as one layer: configuration, the database (DATABASE_URL, or the embedded
 * server the API already runs), the API's services it shares (the abandoned-cart sweep prices
 * carts as the API does) and the loops. JSON logs at LOG_LEVEL.
 */
import { ServicesLive } from "@shopvo/api"
import { Database } from "@shopvo/db"
import { NodeContext } from "@effect/platform-node"
import { Effect, Layer, Logger } from "effect"
import * as Config from "./Config.js"
import * as Worker from "./Worker.js"

export const LoggingLive = Layer.unwrapEffect(
  Effect.map(Config.config, ({ logLevel }) => Layer.merge(Logger.json, Logger.minimumLogLevel(logLevel)))
)

export const WorkerLive: Layer.Layer<never, unknown> = Worker.layer.pipe(
  Layer.provide(ServicesLive),
  Layer.provide(Config.layer),
  Layer.provide(Database.layer),
  Layer.provide(NodeContext.layer)
)
