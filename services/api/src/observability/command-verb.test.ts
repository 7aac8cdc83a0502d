import { describe, expect, it } from 'vitest';
import { commandOutcome, commandVerb } from './command-verb';

describe('commandVerb', () => {
  it('names the verb of each state-changing route, and nothing for reads', () => {
    expect(commandVerb('POST', '/v1/networks')).toBe('define');
    expect(commandVerb('POST', '/v1/networks/:name/start')).toBe('start');
    expect(commandVerb('POST', '/v1/networks/:name/destroy')).toBe('destroy');
    expect(commandVerb('PUT', '/v1/networks/:name/placement')).toBe('place');
    expect(commandVerb('DELETE', '/v1/networks/:name')).toBe('undefine');
    expect(commandVerb('POST', '/v1/something/new')).toBe('post /v1/something/new');
    expect(commandVerb('GET', '/v1/networks')).toBeUndefined();
  });
  it('sorts statuses into ok, refused and error', () => {
    expect([200, 202, 404, 409, 503].map(commandOutcome)).toEqual(['ok', 'ok', 'refused', 'refused', 'error']);
  });
});
