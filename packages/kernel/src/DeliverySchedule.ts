/**
 * When a failed webhook delivery is tried again: at once, then after 1 minute, 5 minutes,
 * 30 minutes and 2 hours, then with exponential backoff and jitter, until the delivery's window
 * (24 hours after the event, or after a manual redelivery) ends; the last retry is made at the
 * window's end, and a delivery that fails then is failed for good.
 *
 * Pure: time (milliseconds since the epoch) and the jitter are arguments. `scale` compresses time
 * (tests, demos): every delay and the window are multiplied by it.
 */
import { Option } from "effect"

const minute = 60_000
const hour = 60 * minute

/** The delay before attempt n + 1 after n attempts failed, for the first attempts: at once, 1 min, 5 min, 30 min, 2 h. */
export const fixedDelays: ReadonlyArray<number> = [0, minute, 5 * minute, 30 * minute, 2 * hour]

/** How long after the event (or a redelivery) a delivery is retried. */
export const window = 24 * hour

/** The longest backoff between two attempts once past the fixed schedule. */
export const maxBackoff = 6 * hour

/**
 * The delay before the next attempt after `failedAttempts` attempts failed (at least 1), unscaled.
 * `jitter` in [0, 1) spreads backoff retries by ±25% so receivers coming back are not stampeded.
 */
export const delayAfter = (failedAttempts: number, jitter: number): number => {
  const fixed = fixedDelays[failedAttempts]
  if (fixed !== undefined) return fixed
  const exponent = failedAttempts - fixedDelays.length + 1
  const base = Math.min(2 * hour * 2 ** exponent, maxBackoff)
  return Math.round(base * (0.75 + 0.5 * Math.min(Math.max(jitter, 0), 1)))
}

/**
 * When to make the next attempt after `failedAttempts` failures, the last at `lastAttemptAt`;
 * none when the window has ended (the delivery has failed).
 */
export const nextAttemptAt = (options: {
  readonly failedAttempts: number
  readonly lastAttemptAt: number
  readonly windowEndsAt: number
  readonly jitter: number
  readonly scale?: number
}): Option.Option<number> => {
  if (options.lastAttemptAt >= options.windowEndsAt) return Option.none()
  const next = options.lastAttemptAt + delayAfter(options.failedAttempts, options.jitter) * (options.scale ?? 1)
  return Option.some(Math.min(next, options.windowEndsAt))
}
