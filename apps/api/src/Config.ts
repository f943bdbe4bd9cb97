/**
 * The server's configuration, read once through Effect `Config` from the environment.
 * Bad values fail start-up with a message naming the variable (never a silent default).
 */
import { Config, Context, Duration, Effect, Layer, LogLevel, type Option, Redacted } from "effect"

export interface ApiConfigShape {
  readonly port: number
  readonly host: string
  readonly redisUrl: Option.Option<Redacted.Redacted>
  readonly logLevel: LogLevel.LogLevel
  /** How long a looked-up API key is trusted before it is read again (revocation delay). */
  readonly keyCacheTtl: Duration.Duration
  /** Tolerance of X-Shopvo-Signature timestamps. */
  readonly signatureTolerance: Duration.Duration
  /** The largest request body accepted, in bytes; a larger one is refused (413) without being read. */
  readonly maxBodySize: number
}

export class ApiConfig extends Context.Tag("@shopvo/api/ApiConfig")<ApiConfig, ApiConfigShape>() {}

const port = Config.integer("PORT").pipe(
  Config.withDefault(3000),
  Config.validate({ message: "PORT must be between 0 and 65535", validation: (n) => n >= 0 && n <= 65535 })
)

const redisUrl = Config.option(
  Config.redacted("REDIS_URL").pipe(
    Config.validate({
      message: "REDIS_URL must be a redis:// or rediss:// URL",
      validation: (url) => /^rediss?:\/\//.test(Redacted.value(url))
    })
  )
)

const maxBodySize = Config.integer("MAX_BODY_SIZE").pipe(
  Config.withDefault(1024 * 1024),
  Config.validate({
    message: "MAX_BODY_SIZE must be a number of bytes between 1 and 1073741824 (1 GiB)",
    validation: (n) => n >= 1 && n <= 1024 * 1024 * 1024
  })
)

export const config: Config.Config<ApiConfigShape> = Config.all({
  port,
  host: Config.string("HOST").pipe(Config.withDefault("0.0.0.0")),
  redisUrl,
  logLevel: Config.logLevel("LOG_LEVEL").pipe(Config.withDefault(LogLevel.Info)),
  keyCacheTtl: Config.duration("KEY_CACHE_TTL").pipe(Config.withDefault(Duration.seconds(5))),
  signatureTolerance: Config.duration("SIGNATURE_TOLERANCE").pipe(Config.withDefault(Duration.seconds(300))),
  maxBodySize
})

export const layer: Layer.Layer<ApiConfig, import("effect/ConfigError").ConfigError> = Layer.effect(ApiConfig, config)

/** For tests: a configuration built from explicit values. */
export const layerWith = (
  overrides: Partial<ApiConfigShape>
): Layer.Layer<ApiConfig, import("effect/ConfigError").ConfigError> =>
  Layer.effect(
    ApiConfig,
    Effect.map(config, (c) => ({ ...c, ...overrides }))
  )
