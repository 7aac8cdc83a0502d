import { describe, expect, it } from 'vitest';
import { createSseParser } from './sse-parser';

describe('createSseParser', () => {
  it('assembles messages split across chunks and skips comments', () => {
    const parse = createSseParser();
    expect(parse(': netfleet event stream after position 0\n\nid: 1\nevent: NetworkDefined\nda')).toEqual([]);
    expect(parse('ta: {"a":1}\n\n: keepalive\n\nid: 2\ndata: x\ndata: y\n\n')).toEqual([
      { id: '1', event: 'NetworkDefined', data: '{"a":1}' },
      { id: '2', event: undefined, data: 'x\ny' },
    ]);
  });
});
