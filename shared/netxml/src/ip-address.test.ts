import { describe, expect, it } from 'vitest';
import { inSubnet, netmaskPrefix, parseIp } from './ip-address.ts';

describe('parseIp', () => {
  it.each([
    ['192.168.122.1', '192.168.122.1'],
    ['0.0.0.0', '0.0.0.0'],
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:db8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:0db8:0000:0001:0000:0000:0000:0001', '2001:db8:0:1::1'],
    ['::', '::'],
    ['::1', '::1'],
    ['fd8f:1391:3a82:150::c0a8:9603', 'fd8f:1391:3a82:150::c0a8:9603'],
    ['::ffff:10.0.0.1', '::ffff:10.0.0.1'],
    ['1:0:0:1:0:0:0:1', '1:0:0:1::1'],
    ['1:0:0:2:0:0:3:4', '1::2:0:0:3:4'],
  ])('%s is %s', (text, canonical) => {
    expect(parseIp(text)?.canonical).toBe(canonical);
  });

  it.each(['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.-4', 'localhost', '1::2::3', '12345::', ':1', '1:2:3:4:5:6:7:8:9', '::1.2.3', 'fe80::1%eth0'])(
    '%s is refused',
    (text) => {
      expect(parseIp(text)).toBeUndefined();
    },
  );
});

describe('subnets', () => {
  it('turns contiguous netmasks into prefixes and refuses the rest', () => {
    expect(netmaskPrefix([255, 255, 255, 0])).toBe(24);
    expect(netmaskPrefix([255, 255, 255, 255])).toBe(32);
    expect(netmaskPrefix([0, 0, 0, 0])).toBe(0);
    expect(netmaskPrefix([255, 0, 255, 0])).toBeUndefined();
  });

  it('knows which addresses are inside a network', () => {
    const net = parseIp('192.168.122.1')!;
    expect(inSubnet(parseIp('192.168.122.254')!, net, 24)).toBe(true);
    expect(inSubnet(parseIp('192.168.123.1')!, net, 24)).toBe(false);
    expect(inSubnet(parseIp('2001:db8::1')!, net, 24)).toBe(false);
  });
});
