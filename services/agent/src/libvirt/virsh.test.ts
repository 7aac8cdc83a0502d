import { describe, expect, it } from 'vitest';
import { netListRow } from './virsh';

describe('netListRow', () => {
  it('reads the flags of a `virsh -q net-list --all` line', () => {
    expect(netListRow(' ofnet    active   no          yes')).toEqual({ name: 'ofnet', active: true, autostart: false, persistent: true });
    expect(netListRow(' web 2   inactive   yes   no')).toEqual({ name: 'web 2', active: false, autostart: true, persistent: false });
    expect(netListRow('')).toBeUndefined();
  });
});
