import { describe, expect, it } from 'vitest';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import { deciderSpecification } from './decider-specification';

// A counter that refuses to go past its limit.
type Added = { type: 'Added'; by: number };
const given = deciderSpecification<{ add: number }, Added, Added, number, { limit: number }>({
  decide: (command, total, { limit }) => {
    if (total + command.add > limit) throw new NetfleetError('NF_API_BAD_REQUEST', { problem: `over ${limit}` });
    return command.add === 0 ? [] : [{ type: 'Added', by: command.add }];
  },
  evolve: (total, event) => total + event.by,
  initialState: () => 0,
}, { limit: 10 });

describe('deciderSpecification', () => {
  it('folds the given events before deciding, and compares the events recorded', () => {
    given([{ type: 'Added', by: 4 }]).when({ add: 6 }).then([{ type: 'Added', by: 6 }]);
    given([{ type: 'Added', by: 4 }]).when({ add: 6 }).then((events) => expect(events).toHaveLength(1));
    given([]).when({ add: 0 }).thenNothingHappened();
    expect(() => given([]).when({ add: 1 }).then([{ type: 'Added', by: 2 }])).toThrow();
    expect(() => given([]).when({ add: 1 }).thenNothingHappened()).toThrow();
  });

  it('thenThrows wants a refusal with that code, from the given context', () => {
    given([{ type: 'Added', by: 9 }]).when({ add: 2 }).thenThrows('NF_API_BAD_REQUEST', (e) => expect(e.details).toEqual({ problem: 'over 10' }));
    given([], { limit: 1 }).when({ add: 2 }).thenThrows('NF_API_BAD_REQUEST');
    expect(() => given([]).when({ add: 2 }).thenThrows('NF_API_BAD_REQUEST')).toThrow(/expected a refusal with NF_API_BAD_REQUEST, but the command recorded/);
    expect(() => given([], { limit: 1 }).when({ add: 2 }).thenThrows('NF_NETWORK_EXISTS')).toThrow(/got NF_API_BAD_REQUEST/);
  });
});
