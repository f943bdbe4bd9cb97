/**
 * Notices a PostgreSQL that has stopped answering and cuts the pool's
 * connections to it, so the queries waiting on them fail at once instead of
 * waiting for the server to come back.
 *
 * Why a probe: a server that is stopped (SIGSTOP), swapped out or behind a
 * black-holed network keeps its TCP connections open; the kernel even answers
 * TCP keepalives for a stopped process. Nothing on the wire tells a slow query
 * from a silent server, so a `select 1` on a connection of its own (never
 * starved by a busy pool) asks every `interval`. When it stays unanswered for
 * `silence`, every pool connection is destroyed: their queries fail with
 * "Connection terminated", and the server rolls back their open transactions
 * when it sees the connections gone. Only silence counts; a server that
 * answers with an error (too many connections, shutting down) is not silent,
 * and connections to a server that died fail by themselves.
 */
import pg from "pg"
import { Clock, Duration, Effect, Schedule } from "effect"
import type { Scope } from "effect"

export interface Options {
  /** Settings of the probe's own connection (the pool's). */
  readonly client: pg.ClientConfig
  /** How long the server may leave the probe unanswered. */
  readonly silence: Duration.Duration
  /** Pause between two probes. */
  readonly interval: Duration.Duration
  /** Told when the server falls silent (`true`) and when it answers again (`false`). */
  readonly onSilence: (silent: boolean) => void
}

type Outcome = "answered" | "silent" | "failed"

// Probes run on wall-clock time even under a TestClock (@effect/vitest layers).
const liveClock = Clock.make()

/**
 * Starts watching for the lifetime of the scope. Call it before the pool hands
 * out connections: it learns them from the pool's `connect` events.
 */
export const watch = (pool: pg.Pool, options: Options): Effect.Effect<void, never, Scope.Scope> =>
  Effect.gen(function* () {
    const connections = new Set<pg.PoolClient>()
    pool.on("connect", (client) => connections.add(client))
    pool.on("remove", (client) => connections.delete(client))

    let probe: pg.Client | undefined
    const dropProbe = () => {
      probe?.connection.stream.destroy()
      probe = undefined
    }

    const ask = (): Promise<Outcome> =>
      new Promise((resolve) => {
        let settled = false
        const settle = (outcome: Outcome) => {
          if (settled) return
          settled = true
          clearTimeout(timer)
          resolve(outcome)
        }
        // Decided after pending I/O (setImmediate), so an event loop that was
        // itself stalled past the deadline is not mistaken for a silent server.
        const timer = setTimeout(() => setImmediate(() => settle("silent")), Duration.toMillis(options.silence))
        const client = probe ?? new pg.Client(options.client)
        if (probe === undefined) {
          probe = client
          // A broken probe connection is replaced on the next round.
          client.on("error", () => {
            if (probe === client) probe = undefined
          })
          client.connect().catch(() => settle("failed"))
        }
        client.query("select 1").then(
          () => settle("answered"),
          (error: unknown) => settle(answeredWithError(error) ? "answered" : "failed")
        )
      })

    let silent = false
    const round = Effect.gen(function* () {
      const outcome = yield* Effect.promise(ask)
      if (outcome !== "answered") dropProbe()
      if (outcome === "silent") {
        if (!silent) {
          yield* Effect.logWarning(
            `PostgreSQL left a probe unanswered for ${Duration.format(options.silence)}; closing the pool's ${connections.size} connection(s)`
          )
        }
        silent = true
        options.onSilence(true)
        for (const client of connections) {
          if (client instanceof pg.Client) client.connection.stream.destroy()
        }
      } else if (outcome === "answered" && silent) {
        silent = false
        options.onSilence(false)
        yield* Effect.logInfo("PostgreSQL answers again")
      }
    })

    yield* Effect.addFinalizer(() => Effect.sync(dropProbe))
    yield* round.pipe(
      Effect.repeat(Schedule.spaced(options.interval)),
      Effect.withClock(liveClock),
      Effect.annotateLogs("database", "watchdog"),
      Effect.forkScoped
    )
  })

/** An error the server sent (not a socket error): the server is alive. */
const answeredWithError = (error: unknown): boolean => error instanceof pg.DatabaseError
