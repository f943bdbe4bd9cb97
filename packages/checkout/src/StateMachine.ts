/**
 * Finite state machines as data: a closed set of states, an initial state,
 * and a transitions table saying, for each state, which states it may move to
 * and which webhook events each move emits.
 *
 * The checkout, order and payment lifecycles are all values of this one type,
 * so legality, reachability and "which events does this emit" are answered by
 * the same few functions and checked by the same tests.
 *
 * Invariants:
 * - a transition is legal iff the table has an entry `transitions[from][to]`;
 *   nothing else (no guard code, no fallthrough) makes a move legal, so the
 *   table is the whole truth about the shape of a lifecycle;
 * - a state with no outgoing entry is final (absorbing);
 * - `validate` checks a definition is closed (every row and target is a known
 *   state) and that every state is reachable from the initial one.
 */
import { Either, Schema } from "effect"
import type { NonEmptyReadonlyArray } from "effect/Array"

/** A lifecycle: its states, where it starts, and its transitions with the events each emits. */
export interface StateMachine<S extends string, E extends string = never> {
  /** Used in error messages: "checkout", "order", "payment". */
  readonly name: string
  /** Every state, in a meaningful order (checkout: the order of its steps). */
  readonly states: NonEmptyReadonlyArray<S>
  readonly initial: S
  /** Events emitted when an entity is created in the initial state. */
  readonly initialEvents: ReadonlyArray<E>
  /** `transitions[from][to]` = events emitted by that move; absent = illegal. */
  readonly transitions: { readonly [F in S]: { readonly [T in S]?: ReadonlyArray<E> } }
}

/** A legal move and the events it emits. */
export interface Transition<S extends string, E extends string> {
  readonly machine: string
  readonly from: S
  readonly to: S
  readonly events: ReadonlyArray<E>
}

/** Defines a machine; `const` type parameters keep states and events as literal unions. */
export const make = <const S extends string, const E extends string = never>(
  definition: StateMachine<S, E>
): StateMachine<S, E> => definition

/** A move the transitions table does not allow. Names both states and what was allowed instead. */
export class IllegalTransition extends Schema.TaggedError<IllegalTransition>()("IllegalTransition", {
  machine: Schema.String,
  from: Schema.String,
  to: Schema.String,
  allowed: Schema.Array(Schema.String)
}) {
  override get message(): string {
    const allowed =
      this.allowed.length === 0
        ? `"${this.from}" is final`
        : `allowed from "${this.from}": ${this.allowed.map((s) => `"${s}"`).join(", ")}`
    return `Illegal ${this.machine} transition from "${this.from}" to "${this.to}" (${allowed})`
  }
}

/** A definition that is not a closed, fully reachable machine; found by `validate`. */
export class InvalidStateMachine extends Schema.TaggedError<InvalidStateMachine>()("InvalidStateMachine", {
  machine: Schema.String,
  problems: Schema.NonEmptyArray(Schema.String)
}) {
  override get message(): string {
    return `Invalid ${this.machine} state machine: ${this.problems.join("; ")}`
  }
}

const row = <S extends string, E extends string>(machine: StateMachine<S, E>, from: S) =>
  // Own properties only: a state named "constructor" must not find Object.prototype.
  Object.hasOwn(machine.transitions, from) ? machine.transitions[from] : undefined

/** The states `from` may move to, in the table's order. */
export const targets = <S extends string, E extends string>(machine: StateMachine<S, E>, from: S): ReadonlyArray<S> => {
  const entries = row(machine, from)
  return entries === undefined ? [] : (Object.keys(entries) as Array<S>)
}

/** The events of `from → to`, or `undefined` when the move is illegal. */
export const eventsOf = <S extends string, E extends string>(
  machine: StateMachine<S, E>,
  from: S,
  to: S
): ReadonlyArray<E> | undefined => {
  const entries = row(machine, from)
  return entries !== undefined && Object.hasOwn(entries, to) ? entries[to] : undefined
}

/** Whether the table allows `from → to`. */
export const canTransition = <S extends string, E extends string>(
  machine: StateMachine<S, E>,
  from: S,
  to: S
): boolean => eventsOf(machine, from, to) !== undefined

/** The move `from → to` with its events, or `IllegalTransition` naming both states. */
export const transition = <S extends string, E extends string>(
  machine: StateMachine<S, E>,
  from: S,
  to: S
): Either.Either<Transition<S, E>, IllegalTransition> => {
  const events = eventsOf(machine, from, to)
  return events === undefined
    ? Either.left(new IllegalTransition({ machine: machine.name, from, to, allowed: targets(machine, from) }, true))
    : Either.right({ machine: machine.name, from, to, events })
}

/** A state with no way out. */
export const isFinal = <S extends string, E extends string>(machine: StateMachine<S, E>, state: S): boolean =>
  targets(machine, state).length === 0

/** Every final state, in the order of `states`. */
export const finalStates = <S extends string, E extends string>(machine: StateMachine<S, E>): ReadonlyArray<S> =>
  machine.states.filter((state) => isFinal(machine, state))

/** Every state reachable from `from` (default: the initial state) by legal moves, `from` included. */
export const reachableFrom = <S extends string, E extends string>(
  machine: StateMachine<S, E>,
  from: S = machine.initial
): ReadonlySet<S> => {
  const seen = new Set<S>([from])
  const queue: Array<S> = [from]
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const to of targets(machine, next)) {
      if (!seen.has(to)) {
        seen.add(to)
        queue.push(to)
      }
    }
  }
  return seen
}

/**
 * Checks a definition: states are distinct, the initial state is one of them,
 * every state has a row and every row and target is a known state, and every
 * state is reachable from the initial one.
 */
export const validate = <S extends string, E extends string>(
  machine: StateMachine<S, E>
): Either.Either<StateMachine<S, E>, InvalidStateMachine> => {
  const problems: Array<string> = []
  const known = new Set<string>(machine.states)
  if (known.size !== machine.states.length) problems.push("states are not distinct")
  if (!known.has(machine.initial)) problems.push(`initial state "${machine.initial}" is not a state`)
  for (const state of machine.states) {
    if (!Object.hasOwn(machine.transitions, state)) problems.push(`"${state}" has no row in the transitions table`)
  }
  for (const from of Object.keys(machine.transitions)) {
    if (!known.has(from)) problems.push(`the table has a row for unknown state "${from}"`)
    for (const to of Object.keys(machine.transitions[from as S])) {
      if (!known.has(to)) problems.push(`"${from}" moves to unknown state "${to}"`)
    }
  }
  const reachable = reachableFrom(machine)
  for (const state of machine.states) {
    if (!reachable.has(state)) problems.push(`"${state}" is unreachable from "${machine.initial}"`)
  }
  const [first, ...rest] = problems
  return first === undefined
    ? Either.right(machine)
    : Either.left(new InvalidStateMachine({ machine: machine.name, problems: [first, ...rest] }))
}
