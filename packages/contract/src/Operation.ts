/**
 * The types of one operation's request and responses, derived from the generated `Operations` map, so
 * a server's handlers are typed by the spec: the input it validated, and every status and body it may
 * answer with.
 *
 * Fields the validator fills with their spec default (`limit`, `page`, `status=ACTIVE`) are present in
 * `Query` and `Body`, so a handler never restates a default.
 */
import type { OperationId, Operations } from "./generated/operations.gen.js"

export type { OperationId, Operations } from "./generated/operations.gen.js"

type Data<Id extends OperationId> = Operations[Id]["data"]

/** `T` with the keys `K` required (the validator filled them in). */
type Defaulted<T, K extends PropertyKey> = [T] extends [never]
  ? never
  : T & { readonly [P in Extract<K, keyof T>]-?: Exclude<T[P], undefined> }

/** The path parameters (`siteId` and the resource's). */
export type Path<Id extends OperationId> = Data<Id>["path"]

/** The query parameters, coerced to their types, defaults applied; `{}` when the operation takes none. */
export type Query<Id extends OperationId> = [Exclude<Data<Id>["query"], undefined>] extends [never]
  ? Readonly<Record<never, never>>
  : Defaulted<Exclude<Data<Id>["query"], undefined>, Operations[Id]["queryDefaults"]>

/** The JSON body, defaults applied; `undefined` when the operation takes none. */
export type Body<Id extends OperationId> = [Exclude<Data<Id>["body"], undefined>] extends [never]
  ? undefined
  : Defaulted<Exclude<Data<Id>["body"], undefined>, Operations[Id]["bodyDefaults"]>

/** A request of this operation after validation. */
export interface Input<Id extends OperationId> {
  readonly path: Path<Id>
  readonly query: Query<Id>
  readonly body: Body<Id>
}

/** A JSON value of type `T` that may be built from read-only arrays and objects. */
export type Immutable<T> =
  T extends ReadonlyArray<infer E>
    ? ReadonlyArray<Immutable<E>>
    : T extends object
      ? { readonly [K in keyof T]: Immutable<T[K]> }
      : T

/** The success statuses the spec declares for this operation. */
export type SuccessStatus<Id extends OperationId> = keyof Operations[Id]["responses"] & number

/** A success response of this operation: one of its declared statuses with that status's body. */
export type Reply<Id extends OperationId> = {
  readonly [S in SuccessStatus<Id>]: {
    readonly status: S
    readonly body: Immutable<Operations[Id]["responses"][S]>
    readonly headers?: Readonly<Record<string, string>>
  }
}[SuccessStatus<Id>]
