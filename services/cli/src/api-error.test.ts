import { describe, expect, it } from 'vitest';
import { apiError } from './api-error';

describe('apiError', () => {
  it('names the part a 503 says is down, with its code and when to retry', () => {
    const e = apiError(503, 'NF_STORE_UNAVAILABLE', 'the event store (PostgreSQL) is unreachable: connect ECONNREFUSED', {}, '2');
    expect(e.code).toBe('NF_STORE_UNAVAILABLE');
    expect(e.message).toBe('the API cannot reach PostgreSQL (NF_STORE_UNAVAILABLE): the event store (PostgreSQL) is unreachable: connect ECONNREFUSED; retry in 2 s');
    expect(apiError(503, 'NF_BUS_UNAVAILABLE', 'no NATS', {}, '5').message).toBe('the API cannot reach NATS (NF_BUS_UNAVAILABLE): no NATS; retry in 5 s');
  });

  it('names the part also when a streamed answer ends with a 503 code', () => {
    expect(apiError(200, 'NF_STORE_UNAVAILABLE', 'gone').message).toBe('the API cannot reach PostgreSQL (NF_STORE_UNAVAILABLE): gone');
  });

  it('keeps the words of other answers, and of a 503 without a usable Retry-After', () => {
    expect(apiError(409, 'NF_STORE_CONFLICT', 'changed meanwhile').message).toBe('changed meanwhile');
    expect(apiError(503, 'NF_STORE_CONTENDED', 'busy', {}, 'Wed, 21 Oct 2015 07:28:00 GMT').message).toBe('the API is unavailable (NF_STORE_CONTENDED): busy');
    expect(apiError(503, undefined, 'Service Unavailable').message).toBe('Service Unavailable');
  });
});
