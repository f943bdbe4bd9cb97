// `pnpm worker`: the webhook worker alone (built first only when a source changed).
import { pathToFileURL } from "node:url"
import { installed, worker } from "./built.mjs"

installed()
await import(pathToFileURL(worker()).href)
