import { describe, expect, it } from 'vitest';
import { JsonStreamSplitter } from './json-stream-splitter';

describe('JsonStreamSplitter', () => {
  it('cuts back-to-back objects, however the bytes were chunked', () => {
    const text = '{"id":1,"result":{"a":"}{\\"]"}}{"method":"update","params":[null,{"Bridge":{}}]}';
    for (let cut = 0; cut <= text.length; cut++) {
      const s = new JsonStreamSplitter();
      const out = [...s.push(text.slice(0, cut)), ...s.push(text.slice(cut))];
      expect(out.map((m) => JSON.parse(m))).toEqual([
        { id: 1, result: { a: '}{"]' } },
        { method: 'update', params: [null, { Bridge: {} }] },
      ]);
    }
  });

  it('keeps an incomplete message until the rest arrives', () => {
    const s = new JsonStreamSplitter();
    expect(s.push('{"a":[1,')).toEqual([]);
    expect(s.push('2]}\n{"b"')).toEqual(['{"a":[1,2]}']);
    expect(s.push(':true}')).toEqual(['{"b":true}']);
  });

  it('a stream that closes more than it opened is NF_OVS_PROTOCOL', () => {
    expect(() => new JsonStreamSplitter().push('{"a":1}}')).toThrow(expect.objectContaining({ name: 'NetfleetError', code: 'NF_OVS_PROTOCOL' }));
  });
});
