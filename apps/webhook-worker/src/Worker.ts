/**
 * The worker's loops, as a layer: built, it runs until its scope closes.
 *
 * Delivery: woken by `NOTIFY shopvo_webhooks` (events written, work queued by the API), by the
 * next scheduled retry coming due, or at the latest every `pollInterval` (a missed notification
 * costs at most that). A wake-up drains: `lanes` fibers each dispatch new events, claim a batch of
 * due deliveries, attempt them all at once and record the outcomes, until nothing is left.
 *
 * Housekeeping runs every `housekeepingInterval`. A failing pass is logged and the loop goes on.
 */
import { PgClient } from "@effect/sql-pg"
import { DeliverySchedule } from "@shopvo/kernel"
import { Duration, Effect, Layer, Option, Queue, Schedule, Stream } from "effect"
import { attempt } from "./Attempt.js"
import { WorkerConfig } from "./Config.js"
import * as Deliveries from "./Deliveries.js"
import * as Housekeeping from "./Housekeeping.js"

export const channel = "shopvo_webhooks"

const logFailure =
  (what: string) =>
  <R>(effect: Effect.Effect<unknown, unknown, R>) =>
    effect.pipe(
      Effect.catchAllCause((cause) => Effect.logError(`Webhook worker: ${what} failed`, cause)),
      Effect.asVoid
    )

export const layer = Layer.scopedDiscard(
  Effect.gen(function* () {
    const config = yield* WorkerConfig
    const pg = yield* PgClient.PgClient
    const windowMs = DeliverySchedule.window * config.timeScale
    const leaseMs = Duration.toMillis(config.lease)
    const timeoutMs = Duration.toMillis(config.timeout)
    const pollMs = Duration.toMillis(config.pollInterval)

    /** One lane: dispatch, claim, attempt, record, until there is nothing to do. */
    const lane = Effect.gen(function* () {
      while (true) {
        const dispatched = yield* Deliveries.dispatch(config.batchSize, windowMs)
        const claimed = yield* Deliveries.claim(config.batchSize, leaseMs)
        if (dispatched === 0 && claimed.length === 0) return
        const results = yield* Effect.forEach(
          claimed,
          (delivery) => attempt(delivery, { timeoutMs, allowPrivateDestinations: config.allowPrivateDestinations }),
          { concurrency: "unbounded" }
        )
        yield* Deliveries.record(results, { scale: config.timeScale })
      }
    })

    const drain = Effect.all(
      Array.from({ length: config.lanes }, () => lane),
      {
        concurrency: "unbounded",
        discard: true
      }
    )

    const wake = yield* Queue.sliding<void>(1)
    // LISTEN on its own connection; re-established after a failure.
    yield* pg.listen(channel).pipe(
      Stream.runForEach(() => Queue.offer(wake, undefined)),
      Effect.retry(Schedule.spaced(Duration.seconds(1))),
      Effect.catchAllCause((cause) => Effect.logError("Webhook worker: LISTEN stopped", cause)),
      Effect.forkScoped
    )

    const deliveryLoop = Effect.gen(function* () {
      while (true) {
        yield* logFailure("delivery")(drain)
        const due = yield* Deliveries.nextDueIn.pipe(Effect.orElseSucceed(() => Option.none<number>()))
        const sleepMs = Option.match(due, { onNone: () => pollMs, onSome: (ms) => Math.min(ms, pollMs) })
        yield* Effect.raceFirst(Queue.take(wake), Effect.sleep(Duration.millis(sleepMs)))
      }
    })

    const housekeepingLoop = Effect.gen(function* () {
      while (true) {
        yield* logFailure("housekeeping")(
          Effect.flatMap(Housekeeping.run({ cartAbandonedAfter: config.cartAbandonedAfter }), (done) =>
            Object.values(done).some((n) => n > 0) ? Effect.logDebug("Housekeeping", done) : Effect.void
          )
        )
        yield* Effect.sleep(config.housekeepingInterval)
      }
    })

    yield* Effect.forkScoped(deliveryLoop)
    yield* Effect.forkScoped(housekeepingLoop)
    yield* Effect.logInfo("Webhook worker started")
  })
)
