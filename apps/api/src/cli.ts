/**
 * `shopvo`: the operator's command line, on the same database rule as the server
 * (`DATABASE_URL`, or the embedded PostgreSQL under `.data/`).
 *
 *   shopvo migrate
 *   shopvo sites create --name "My Store" --currency EUR [--plan growth]
 *   shopvo keys create --site site_… --scopes read:catalog,write:cart [--mode test|live] [--signing]
 *   shopvo keys list [--site site_…]
 *   shopvo keys revoke key_…
 *   shopvo seed --demo
 *
 * With `--json` each command prints exactly one JSON object on stdout; logs go to stderr.
 */
import { Database, Migrations } from "@shopvo/db"
import { Args, Command, Options } from "@effect/cli"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import type { DatabaseUnavailable } from "@shopvo/kernel"
import { Config, Console, Effect, Layer, Logger, LogLevel, Option, Schema } from "effect"
import { ServicesLive } from "./Services.js"
import * as Demo from "./Demo.js"
import { Keys, type UnknownScopes } from "./Keys/Service.js"
import * as Auth from "./Platform/Auth.js"
import * as SitesRepo from "./Sites/Repo.js"
import { type SiteNotFound, Sites, type UnknownPlan } from "./Sites/Service.js"

class CliError extends Error {}

/** The services' refusals, as the messages the CLI prints. */
const toCliError = (error: UnknownPlan | UnknownScopes | SiteNotFound | DatabaseUnavailable) => {
  switch (error._tag) {
    case "UnknownPlan":
      return new CliError(`Unknown plan ${error.plan}. Known: ${error.known.join(", ")}`)
    case "UnknownScopes":
      return new CliError(
        `Unknown scope(s): ${error.unknown.join(", ") || "(none given)"}. Known: ${Auth.scopes.join(", ")}`
      )
    case "SiteNotFound":
      return new CliError(`No site with id ${error.siteId}`)
    case "DatabaseUnavailable":
      return new CliError(error.message)
  }
}

/** The services over the database of `DATABASE_URL` (or the embedded one). */
const withDatabase = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  effect.pipe(Effect.provide(ServicesLive), Effect.provide(Database.layer))

const json = Options.boolean("json").pipe(Options.withDescription("Print one JSON object on stdout"))

const output = (asJson: boolean, value: unknown, human: string) => Console.log(asJson ? JSON.stringify(value) : human)

const migrate = Command.make("migrate", { json }, ({ json }) =>
  Effect.gen(function* () {
    const applied = yield* Migrations.run
    const names = applied.map(([id, name]) => `${String(id).padStart(4, "0")}_${name}`)
    yield* output(
      json,
      { applied: names },
      names.length === 0 ? "Schema is up to date." : `Applied: ${names.join(", ")}`
    )
  }).pipe(Effect.provide(Database.layerUnmigrated))
).pipe(Command.withDescription("Apply pending database migrations"))

const sitesCreate = Command.make(
  "create",
  {
    name: Options.text("name").pipe(Options.withDescription("Store name")),
    currency: Options.text("currency").pipe(Options.withDescription("ISO 4217 code, e.g. EUR")),
    plan: Options.text("plan").pipe(
      Options.withDescription("A plan of the plans table, e.g. growth"),
      Options.optional
    ),
    locale: Options.text("locale").pipe(Options.withDefault("en")),
    json
  },
  ({ currency, json, locale, name, plan }) =>
    Effect.gen(function* () {
      if (!/^[A-Z]{3}$/.test(currency))
        return yield* Effect.fail(new CliError("--currency must be a three-letter ISO 4217 code such as EUR"))
      if (name.trim() === "") return yield* Effect.fail(new CliError("--name must not be empty"))
      const site = yield* Sites.create({
        name,
        currency,
        locale,
        ...Option.match(plan, { onNone: () => ({}), onSome: (p) => ({ plan: p }) })
      }).pipe(Effect.mapError(toCliError))
      const value = {
        id: site.id,
        name: site.name,
        currency: site.currency,
        locale: site.locale,
        plan: site.plan,
        rateLimitRpm: site.rateLimitRpm
      }
      yield* output(
        json,
        value,
        `Created site ${site.id} (${site.name}, ${site.currency}, plan ${site.plan}: ${site.rateLimitRpm} requests/min)`
      )
    }).pipe(withDatabase)
).pipe(Command.withDescription("Create a site"))

const limitOption = (name: string, description: string) =>
  Options.integer(name).pipe(Options.withDescription(description), Options.optional)

const sitesLimits = Command.make(
  "limits",
  {
    site: Options.text("site"),
    rpm: limitOption("rpm", "Requests per minute per key (30-1000)"),
    checkout: limitOption("checkout", "Requests per minute per key to /checkout"),
    orders: limitOption("orders", "Requests per minute per key to /orders"),
    search: limitOption("search", "Product searches per minute per key"),
    json
  },
  ({ checkout, json, orders, rpm, search, site }) =>
    Effect.gen(function* () {
      const given = {
        ...Option.match(rpm, { onNone: () => ({}), onSome: (n) => ({ rateLimitRpm: n }) }),
        ...Option.match(checkout, { onNone: () => ({}), onSome: (n) => ({ checkoutLimitRpm: n }) }),
        ...Option.match(orders, { onNone: () => ({}), onSome: (n) => ({ ordersLimitRpm: n }) }),
        ...Option.match(search, { onNone: () => ({}), onSome: (n) => ({ productSearchLimitRpm: n }) })
      }
      const limits = yield* Schema.decodeUnknown(SitesRepo.Limits)(given).pipe(
        Effect.mapError(() => new CliError("--rpm must be 30 to 1000; --checkout, --orders and --search 1 to 1000000"))
      )
      const effective = yield* Sites.setLimits(site, limits).pipe(Effect.mapError(toCliError))
      yield* output(
        json,
        { siteId: site, ...effective },
        `Limits of ${site} per key and minute: ${effective.rateLimitRpm} requests, ${effective.checkoutLimitRpm} to /checkout, ${effective.ordersLimitRpm} to /orders, ${effective.productSearchLimitRpm} searches`
      )
    }).pipe(withDatabase)
).pipe(Command.withDescription("Set a site's own rate limits (each replaces its plan's)"))

const keysCreate = Command.make(
  "create",
  {
    site: Options.text("site"),
    scopes: Options.text("scopes").pipe(
      Options.withDescription("Comma-separated, e.g. read:catalog,write:cart or admin:*")
    ),
    mode: Options.choice("mode", ["test", "live"]).pipe(Options.withDefault("test" as const)),
    signing: Options.boolean("signing").pipe(Options.withDescription("Also create an sks_ signing secret")),
    json
  },
  ({ json, mode, scopes, signing, site }) =>
    Effect.gen(function* () {
      const list = scopes
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "")
      const key = yield* Keys.create({ siteId: site, scopes: list, mode, signing }).pipe(Effect.mapError(toCliError))
      yield* output(
        json,
        {
          id: key.id,
          siteId: key.siteId,
          mode: key.mode,
          key: key.key,
          signingSecret: key.signingSecret,
          scopes: key.scopes
        },
        [
          `Created ${key.mode} key ${key.id} for ${key.siteId} with ${key.scopes.join(", ")}`,
          `  key             ${key.key}`,
          ...(key.signingSecret ? [`  signing secret  ${key.signingSecret}`] : []),
          "Store them now: they cannot be shown again."
        ].join("\n")
      )
    }).pipe(withDatabase)
).pipe(Command.withDescription("Create an API key (printed once)"))

const keysList = Command.make("list", { site: Options.text("site").pipe(Options.optional), json }, ({ json, site }) =>
  Effect.gen(function* () {
    const keys = yield* Keys.list(Option.getOrUndefined(site)).pipe(Effect.mapError(toCliError))
    const human = keys
      .map(
        (k) =>
          `${k.id}  ${k.siteId}  ${k.prefix}…  ${k.mode}  ${k.revokedAt ? "revoked" : "active"}  ${k.scopes.join(",")}`
      )
      .join("\n")
    yield* output(json, { keys }, human === "" ? "No keys." : human)
  }).pipe(withDatabase)
).pipe(Command.withDescription("List API keys (prefixes only; keys are stored hashed)"))

const keysRevoke = Command.make("revoke", { id: Args.text({ name: "key-id" }), json }, ({ id, json }) =>
  Effect.gen(function* () {
    const revoked = yield* Keys.revoke(id).pipe(Effect.mapError(toCliError))
    if (!revoked) return yield* Effect.fail(new CliError(`No active key with id ${id}`))
    yield* output(json, { id, revoked: true }, `Revoked ${id}`)
  }).pipe(withDatabase)
).pipe(Command.withDescription("Revoke an API key"))

const seed = Command.make(
  "seed",
  { demo: Options.boolean("demo").pipe(Options.withDescription("Create a demo store")), json },
  ({ demo, json }) =>
    Effect.gen(function* () {
      if (!demo) return yield* Effect.fail(new CliError("Say what to seed: --demo"))
      const created = yield* Demo.seed
      yield* output(json, created, `Demo store ${created.siteId}\n  test key ${created.key}   (admin:*)`)
    }).pipe(withDatabase)
).pipe(Command.withDescription("Create demo data"))

const root = Command.make("shopvo").pipe(
  Command.withSubcommands([
    migrate,
    Command.make("sites").pipe(Command.withSubcommands([sitesCreate, sitesLimits])),
    Command.make("keys").pipe(Command.withSubcommands([keysCreate, keysList, keysRevoke])),
    seed
  ])
)

const run = Command.run(root, { name: "shopvo", version: "1.0.0" })

// Logs go to stderr so that stdout carries only the command's output.
const logging = Layer.merge(
  Logger.replace(Logger.defaultLogger, Logger.withLeveledConsole(Logger.logfmtLogger).pipe(Logger.withConsoleError)),
  Layer.unwrapEffect(
    Effect.map(Config.logLevel("LOG_LEVEL").pipe(Config.withDefault(LogLevel.Warning)), Logger.minimumLogLevel)
  )
)

run(process.argv).pipe(
  Effect.catchIf(
    (e): e is CliError => e instanceof CliError,
    (e) =>
      Effect.zipRight(
        Console.error(`error: ${e.message}`),
        Effect.sync(() => {
          process.exitCode = 1
        })
      )
  ),
  Effect.provide(NodeContext.layer),
  Effect.provide(logging),
  NodeRuntime.runMain({ disablePrettyLogger: true })
)
