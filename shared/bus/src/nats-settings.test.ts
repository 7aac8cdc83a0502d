import { describe, expect, it } from 'vitest';
import { serverList, streamReplicasFrom } from './nats';

describe('NETFLEET_NATS_URL', () => {
  it('takes one URL or a cluster\'s, comma-separated with spaces allowed', () => {
    expect(serverList('nats://127.0.0.1:4222')).toEqual(['nats://127.0.0.1:4222']);
    expect(serverList('nats://a:4222, nats://b:4223,,nats://c:4224 ')).toEqual(['nats://a:4222', 'nats://b:4223', 'nats://c:4224']);
  });

  it('refuses a list without any server', () => {
    expect(() => serverList(' , ')).toThrow(expect.objectContaining({ code: 'NF_BUS_UNAVAILABLE' }));
  });
});

describe('NETFLEET_STREAM_REPLICAS', () => {
  it('is 1 unless set, else the whole number given', () => {
    expect(streamReplicasFrom(undefined)).toBe(1);
    expect(streamReplicasFrom('')).toBe(1);
    expect(streamReplicasFrom('3')).toBe(3);
  });

  it.each(['0', '6', '2.5', 'three', '-1'])('refuses %s, saying what to set', (value) => {
    expect(() => streamReplicasFrom(value)).toThrow(expect.objectContaining({ code: 'NF_BUS_STREAM_REPLICAS', message: expect.stringContaining('1 to 5') }));
  });
});
