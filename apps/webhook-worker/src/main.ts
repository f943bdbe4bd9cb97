import { NodeRuntime } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { LoggingLive, WorkerLive } from "./App.js"

Layer.launch(WorkerLive).pipe(Effect.provide(LoggingLive), NodeRuntime.runMain({ disablePrettyLogger: true }))
