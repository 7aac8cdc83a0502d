import { describe, expect, it } from 'vitest';
import { formatTable } from './table';

describe('formatTable', () => {
  it('pads columns to the widest cell like virsh net-list', () => {
    const text = formatTable(['Name', 'State'], [['default', 'active'], ['x', 'inactive']]);
    expect(text.split('\n')).toEqual([
      ' Name      State',
      '--------------------',
      ' default   active',
      ' x         inactive',
      '',
    ]);
  });
});
