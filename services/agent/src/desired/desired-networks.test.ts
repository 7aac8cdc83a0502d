import { describe, expect, it } from 'vitest';
import type { ApplyNetworkV1 } from '@netfleet/events/host-commands';
import { DesiredNetworks } from './desired-networks';

const command = (network: string, generation: number): ApplyNetworkV1 => ({
  type: 'ApplyNetwork', v: 1, commandId: `c-${network}-${generation}`, correlationId: 'k', host: 'h1', network,
  uuid: '3e3fce45-4f53-4fa7-bb32-11f34168b82b', generation, desired: 'running', xml: '<network/>', issuedAt: '2026-12-01T00:00:00Z',
});
const names = (d: DesiredNetworks) => d.all().map((c) => `${c.network}@${c.generation}`).sort();

describe('DesiredNetworks.replaceAll', () => {
  it('keeps a command that arrived while the answer was on its way, and drops what the answer no longer has', () => {
    const desired = new DesiredNetworks();
    desired.offer(command('old', 1));
    desired.offer(command('gone', 1));
    const since = desired.mark();
    desired.offer(command('new', 1)); // its command arrived after the answer was asked for
    desired.replaceAll([command('old', 1)], since);
    expect(names(desired)).toEqual(['new@1', 'old@1']);

    // The next answer, asked for after it, is the judge.
    desired.replaceAll([command('old', 1)], desired.mark());
    expect(names(desired)).toEqual(['old@1']);
  });

  it('without a mark, replaces everything but newer generations', () => {
    const desired = new DesiredNetworks();
    desired.offer(command('a', 3));
    desired.offer(command('b', 1));
    desired.replaceAll([command('a', 2), command('c', 1)]);
    expect(names(desired)).toEqual(['a@3', 'c@1']);
  });
});

describe('DesiredNetworks.offer', () => {
  it('takes a later generation or a command asking again, never an older copy at the same generation', () => {
    const desired = new DesiredNetworks();
    const first = command('n', 1);
    const later = { ...first, commandId: 'c-later', issuedAt: '2026-12-01T00:00:09Z' };
    expect(desired.offer(first)).toBe(true);
    expect(desired.offer(later)).toBe(true);
    expect(desired.offer(first)).toBe(false); // delivered again after the one that followed it
    expect(desired.get('n')?.commandId).toBe('c-later');
    expect(desired.offer({ ...later, commandId: 'c-again' })).toBe(true); // the same moment: asks again
    expect(desired.offer(command('n', 2))).toBe(true);
  });
});
