import { describe, expect, it } from 'vitest';
import { parseIfMatch } from './if-match';

describe('parseIfMatch', () => {
  it('reads one strong version tag, as GET …/xml answers it', () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch('"3"')).toBe(3);
    expect(parseIfMatch(' "0" ')).toBe(0);
  });

  it.each(['W/"3"', '"abc"', '"1", "2"', '*', '', '3', '"-1"', '"1.5"', '"99999999999999999999"', '""'])('refuses %j, never reading it as no precondition', (header) => {
    expect(() => parseIfMatch(header)).toThrow(expect.objectContaining({ code: 'NF_API_BAD_IF_MATCH' }));
  });

  it('refuses the header twice (a list)', () => {
    expect(() => parseIfMatch(['"1"', '"2"'])).toThrow(expect.objectContaining({ code: 'NF_API_BAD_IF_MATCH' }));
  });
});
