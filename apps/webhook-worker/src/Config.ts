/**
 * The worker's configuration, read once from the environment. Bad values fail start-up with a
 * message naming the variable.
 */
import { Config, type ConfigError, Context, Duration, Effect, Layer, LogLevel } from "effect"

export interface WorkerConfigShape {
  /** A delivery succeeds only with a 2xx within this long (`WEBHOOK_TIMEOUT`, default 10 s). */
  readonly timeout: Duration.Duration
  /** Longest sleep between two looks for due work when no notification arrives (`WEBHOOK_POLL_INTERVAL`, 1 s). */
  readonly pollInterval: Duration.Duration
  /** Deliveries one lane claims at once (`WEBHOOK_BATCH_SIZE`, 100). */
  readonly batchSize: number
  /** Batches in flight at once (`WEBHOOK_LANES`, 4). */
  readonly lanes: number
  /** How long a claim holds a delivery; a worker that dies leaves it due again after this (`WEBHOOK_LEASE`, timeout + 30 s). */
  readonly lease: Duration.Duration
  /** Multiplies every retry delay and the 24 h window (`WEBHOOK_TIME_SCALE`, 1): tests and demos compress time. */
  readonly timeScale: number
  /**
   * `WEBHOOK_ALLOW_PRIVATE_DESTINATIONS=true` lets live-mode deliveries reach private, loopback and
   * link-local addresses (and plain http): for development only. Test mode always may.
   */
  readonly allowPrivateDestinations: boolean
  /** How often housekeeping, vault expiry and the abandoned-cart sweep run (`HOUSEKEEPING_INTERVAL`, 1 min). */
  readonly housekeepingInterval: Duration.Duration
  /** A cart with items inactive this long is abandoned (`CART_ABANDONED_AFTER`, 1 hour). */
  readonly cartAbandonedAfter: Duration.Duration
  readonly logLevel: LogLevel.LogLevel
}

export class WorkerConfig extends Context.Tag("@shopvo/webhook-worker/WorkerConfig")<
  WorkerConfig,
  WorkerConfigShape
>() {}

const positive = (name: string, fallback: Duration.Duration) =>
  Config.duration(name).pipe(
    Config.validate({
      message: 'must be a positive duration, e.g. "10 seconds"',
      validation: (d) => Duration.greaterThan(d, Duration.zero)
    }),
    Config.withDefault(fallback)
  )

const integer = (name: string, fallback: number, max: number) =>
  Config.integer(name).pipe(
    Config.validate({ message: `must be an integer from 1 to ${max}`, validation: (n) => n >= 1 && n <= max }),
    Config.withDefault(fallback)
  )

export const config: Effect.Effect<WorkerConfigShape, ConfigError.ConfigError> = Effect.gen(function* () {
  const timeout = yield* positive("WEBHOOK_TIMEOUT", Duration.seconds(10))
  return {
    timeout,
    pollInterval: yield* positive("WEBHOOK_POLL_INTERVAL", Duration.seconds(1)),
    batchSize: yield* integer("WEBHOOK_BATCH_SIZE", 100, 1000),
    lanes: yield* integer("WEBHOOK_LANES", 4, 64),
    lease: yield* positive("WEBHOOK_LEASE", Duration.sum(timeout, Duration.seconds(30))),
    timeScale: yield* Config.number("WEBHOOK_TIME_SCALE").pipe(
      Config.validate({ message: "must be a number above 0 and at most 1", validation: (n) => n > 0 && n <= 1 }),
      Config.withDefault(1)
    ),
    allowPrivateDestinations: yield* Config.boolean("WEBHOOK_ALLOW_PRIVATE_DESTINATIONS").pipe(
      Config.withDefault(false)
    ),
    housekeepingInterval: yield* positive("HOUSEKEEPING_INTERVAL", Duration.minutes(1)),
    cartAbandonedAfter: yield* positive("CART_ABANDONED_AFTER", Duration.hours(1)),
    logLevel: yield* Config.logLevel("LOG_LEVEL").pipe(Config.withDefault(LogLevel.Info))
  }
})

export const layer = Layer.effect(WorkerConfig, config)

/** For tests and the bench: the environment's configuration with some values replaced. */
export const layerWith = (overrides: Partial<WorkerConfigShape>) =>
  Layer.effect(
    WorkerConfig,
    Effect.map(config, (c) => ({ ...c, ...overrides }))
  )
