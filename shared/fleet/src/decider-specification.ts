import { deepStrictEqual, fail } from 'node:assert/strict';
import { isNetfleetError, type NetfleetError } from '@netfleet/errors/netfleet-error';

/** A decider: a pure `decide` over the state its `evolve` folds from events (emmett's shape). */
export interface Decider<Command, Event, DecidedEvent, State, Context> {
  decide: (command: Command, state: State, context: Context) => DecidedEvent[];
  evolve: (state: State, event: Event) => State;
  initialState: () => State;
}

export interface DeciderThen<DecidedEvent> {
  /** The command records exactly these events, or passes `check` when given a function. */
  then: (expected: DecidedEvent[] | ((events: DecidedEvent[]) => void)) => void;
  /** The command is accepted and records nothing (already so). */
  thenNothingHappened: () => void;
  /** The command is refused with a NetfleetError of this code (and passes `check`, if given). */
  thenThrows: (code: NetfleetError['code'], check?: (error: NetfleetError) => void) => void;
}

/**
 * Decider tests as given / when / then (emmett's DeciderSpecification): given the events so far
 * (and the context the decider reads besides its state), when a command, then the events it
 * records or the refusal. Pure: assertions are node:assert's, which any test runner reports.
 *
 *   const given = deciderSpecification(networkDecider);
 *   given([defined]).when({ type: 'StartNetwork', name: 'ofnet' }).then([started]);
 */
export function deciderSpecification<Command, Event, DecidedEvent, State, Context>(decider: Decider<Command, Event, DecidedEvent, State, Context>, defaultContext: Context) {
  return (given: readonly Event[], context: Context = defaultContext) => ({
    when: (command: Command): DeciderThen<DecidedEvent> => {
      const run = () => decider.decide(command, given.reduce(decider.evolve, decider.initialState()), context);
      return {
        then: (expected) => {
          const events = run();
          if (typeof expected === 'function') expected(events);
          else deepStrictEqual(events, expected);
        },
        thenNothingHappened: () => deepStrictEqual(run(), []),
        thenThrows: (code, check) => {
          let events: DecidedEvent[];
          try {
            events = run();
          } catch (error) {
            if (!isNetfleetError(error)) throw error;
            deepStrictEqual(error.code, code, `expected a refusal with ${code}, got ${error.code}: ${error.message}`);
            check?.(error);
            return;
          }
          fail(`expected a refusal with ${code}, but the command recorded ${JSON.stringify(events)}`);
        },
      };
    },
  });
}
