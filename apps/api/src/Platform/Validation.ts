/**
 * The spec's validators as a service. Each operation's validators are compiled on its first
 * request and cached (about a millisecond, once): compiling all of them at start-up cost a
 * fifth of the idle server's memory and most of its start time, for operations a deployment
 * may never serve.
 */
import { Validator } from "@shopvo/contract"
import { Context, Layer } from "effect"

export class ContractValidator extends Context.Tag("@shopvo/api/ContractValidator")<ContractValidator, Validator>() {}

export const layer = Layer.sync(ContractValidator, () => new Validator())
