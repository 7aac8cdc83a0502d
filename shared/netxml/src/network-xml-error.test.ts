import { NetfleetError } from '@netfleet/errors/netfleet-error';
import { describe, expect, it } from 'vitest';
import { isNetworkXmlError, NetworkXmlError } from './network-xml-error.ts';

describe('NetworkXmlError', () => {
  const problems = [
    { path: '/network/datapath/@id', line: 4, value: '12g', message: 'XML error: first (/network/datapath/@id, line 4)' },
    { path: '/network/controller/@port', line: 5, value: '0', message: 'XML error: second (/network/controller/@port, line 5)' },
  ];
  const error = new NetworkXmlError('NF_XML_INVALID', problems);

  it('is a NetfleetError a caller can branch on by code', () => {
    expect(error).toBeInstanceOf(NetfleetError);
    expect(isNetworkXmlError(error)).toBe(true);
    expect(isNetworkXmlError(new Error('x'))).toBe(false);
    expect(error.code).toBe('NF_XML_INVALID');
  });

  it('joins every problem message into its message and keeps them as details', () => {
    expect(error.message).toBe(`${problems[0]!.message}\n${problems[1]!.message}`);
    expect(error.problems).toEqual(problems);
    expect(error.toJSON()).toEqual({ code: 'NF_XML_INVALID', message: error.message, details: { problems } });
  });
});
