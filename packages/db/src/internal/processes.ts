/**
 * Just enough process inspection to tell a live postmaster from a stale
 * `postmaster.pid`: whether a pid is alive, its command line and its parent.
 * Linux reads `/proc`; other Unix systems ask `ps`.
 */
import { execFile } from "node:child_process"
import { readFile } from "node:fs/promises"
import { Effect, Option } from "effect"

/** `true` when a process with this pid exists (EPERM means it exists but is not ours to signal). */
export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}

const ps = (pid: number, field: "command" | "ppid"): Effect.Effect<Option.Option<string>> =>
  Effect.async<Option.Option<string>>((resume) => {
    execFile("ps", ["-o", `${field}=`, "-p", String(pid)], (error, stdout) => {
      const out = stdout.trim()
      resume(Effect.succeed(error || out === "" ? Option.none() : Option.some(out)))
    })
  })

const readProc = (pid: number, file: string): Effect.Effect<Option.Option<string>> =>
  Effect.promise(() =>
    readFile(`/proc/${pid}/${file}`, "utf8").then(
      (content) => Option.some(content),
      () => Option.none<string>()
    )
  )

/** The process's argv: split exactly on Linux, one space-joined string elsewhere. */
export const commandLine = (pid: number): Effect.Effect<Option.Option<ReadonlyArray<string>>> =>
  process.platform === "linux"
    ? Effect.map(
        readProc(pid, "cmdline"),
        Option.map((raw) => raw.split("\0").filter((arg) => arg !== ""))
      )
    : Effect.map(
        ps(pid, "command"),
        Option.map((line) => [line])
      )

/** The pid of the process's parent (after an orphan is re-parented: the reaper's). */
export const parentPid = (pid: number): Effect.Effect<Option.Option<number>> =>
  Effect.map(
    process.platform === "linux"
      ? // Field 4 of /proc/<pid>/stat; the command name (field 2) may contain spaces, so start after its ")".
        Effect.map(
          readProc(pid, "stat"),
          Option.flatMap((stat) => Option.fromNullable(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]))
        )
      : ps(pid, "ppid"),
    Option.flatMap((raw) => {
      const parsed = Number.parseInt(raw, 10)
      return Number.isSafeInteger(parsed) ? Option.some(parsed) : Option.none()
    })
  )
