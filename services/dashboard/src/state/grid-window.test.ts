import { describe, expect, it } from 'vitest';
import type { FleetGridAnswer } from '@netfleet/api-types/fleet-answers';
import type { RecordedEvent } from '@netfleet/events/event-envelope';
import type { HostNetworkStatus, HostView } from '@netfleet/fleet/fleet-view';
import type { ApiClient } from '../api/api-client';
import { FIRST_SCREEN, GridWindow } from './grid-window';
import type { LiveFleet } from './live-fleet';

const at = '2026-12-02T03:00:00.000Z';
const host = (name: string): HostView => ({ name, labels: {}, registered: true, online: true, since: at, agentVersion: '1' });
const running = (h: string): HostNetworkStatus => ({
  host: h, desired: 'running', generation: 2, observed: 'running', appliedGeneration: 2, lastError: null, warnings: [],
  correlationId: 'c', controllers: [], lastDrift: null, updatedAt: at,
});
/** A page of two networks on hv1 and hv2, both running everywhere, at `position`. */
const answer = (position: number, counts: Record<string, number> = { running: 4 }): FleetGridAnswer => ({
  position, totalNetworks: 2, offset: 0, codes: {}, hosts: [host('hv1'), host('hv2')],
  networks: [{ name: 'a', active: true }, { name: 'b', active: true }], cells: ['rr', 'rr'], hostOffset: 0,
  views: ['a', 'b'].map((name) => ({
    name, uuid: 'u', networkType: 'ovs-datapath' as const, hosts: ['hv1', 'hv2'], active: true, persistent: true, autostart: false,
    generation: 2, version: 2, perHost: { hv1: running('hv1'), hv2: running('hv2') }, definedAt: at, updatedAt: at,
  })),
  counts,
});
const failed = (position: number, network: string, h: string): RecordedEvent => ({
  eventId: `e${position}`, type: 'NetworkFailedOnHost', v: 1, streamId: `host:${h}`, streamVersion: position, position, recordedAt: at,
  data: { host: h, network, generation: 2, code: 'NF_OVS_FAILED', error: 'boom' },
  metadata: { actor: `host:${h}`, source: `host:${h}`, correlationId: 'c', occurredAt: at },
});

/** An API whose answers the test hands out one at a time, and a stream the test feeds. */
function harness(firstScreen?: Promise<FleetGridAnswer>) {
  const asked: { path: string; answer: (a: FleetGridAnswer) => void }[] = [];
  const api = { get: (path: string) => new Promise((resolve) => asked.push({ path, answer: resolve })) } as unknown as ApiClient;
  let listener: (events: readonly RecordedEvent[]) => void = () => undefined;
  let first = firstScreen;
  const live = {
    state: { position: 0 }, onEvents: (l: typeof listener) => { listener = l; return () => undefined; },
    takeFirstScreen: () => { const f = first; first = undefined; return f; },
  } as unknown as LiveFleet;
  const grid = new GridWindow(api, { live }, { name: '', labels: '', state: '' });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  return { asked, grid, live: live as unknown as { state: { position: number } }, send: (events: RecordedEvent[]) => listener(events), settle };
}

describe('GridWindow', () => {
  it('folds a live event into the cell on screen at once, then asks the server for the counts', async () => {
    const { asked, grid, send, settle } = harness();
    grid.start();
    expect(asked).toHaveLength(1);
    expect(asked[0]!.path).toMatch(/hostLimit=\d+/);
    asked[0]!.answer(answer(10));
    await settle();
    expect(grid.state.rows.map((r) => r.codes)).toEqual(['rr', 'rr']);

    send([failed(11, 'b', 'hv2')]);
    expect(grid.state.rows.map((r) => r.codes)).toEqual(['rr', 'rf']);
    expect(grid.state.rows[1]!.view!.perHost['hv2']!.lastError).toBe('boom');
    expect(grid.state.position).toBe(11);
    // Counts cover rows not held: asked again, for codes and counts only (the views are current).
    expect(asked).toHaveLength(2);
    expect(asked[1]!.path).toMatch(/hostLimit=0/);
    const later = answer(11, { running: 3, failed: 1 });
    later.cells = ['rr', 'rf'];
    later.views = [];
    asked[1]!.answer(later);
    await settle();
    expect(grid.state.counts).toEqual({ running: 3, failed: 1 });
    expect(grid.state.rows[1]!.view!.perHost['hv2']!.observed).toBe('failed');
    expect(asked).toHaveLength(2);
  });

  it('folds events that came while a request was out on top of its older answer, and skips those it has', async () => {
    const { asked, grid, send, settle } = harness();
    grid.start();
    asked[0]!.answer(answer(10));
    await settle();
    grid.setFilters({ name: 'a', labels: '', state: '' }); // the whole window again
    expect(asked[1]!.path).toMatch(/name=a/);
    send([failed(11, 'a', 'hv1')]);
    send([failed(12, 'b', 'hv1')]);
    // The server answered at 11: it has the first failure, not the second.
    const at11 = answer(11, { running: 3, failed: 1 });
    at11.cells = ['fr', 'rr'];
    at11.views[0]!.perHost['hv1'] = { ...running('hv1'), observed: 'failed', lastError: 'boom' };
    asked[1]!.answer(at11);
    await settle();
    expect(grid.state.rows.map((r) => r.codes)).toEqual(['fr', 'fr']);
    expect(grid.state.position).toBe(12);
    expect(grid.state.counts).toEqual({ running: 3, failed: 1 });
  });

  it('asks for rows scrolled out of what it holds, and not for rows it holds', async () => {
    const { asked, grid, settle } = harness();
    grid.setRange({ firstRow: 0, lastRow: 2, firstCol: 0, lastCol: 2 });
    grid.start();
    const many = answer(10);
    many.totalNetworks = 1000; // the page holds rows 0 and 1 of 1,000
    asked[0]!.answer(many);
    await settle();
    grid.setRange({ firstRow: 0, lastRow: 1, firstCol: 0, lastCol: 2 });
    expect(asked).toHaveLength(1);
    grid.setRange({ firstRow: 500, lastRow: 530, firstCol: 0, lastCol: 2 });
    expect(asked).toHaveLength(2);
    expect(new URLSearchParams(asked[1]!.path.split('?')[1]).get('offset')).toBe('470');
  });

  it('asks again when its answer is older than the stream it follows (the page\'s first moments)', async () => {
    const { asked, grid, live, settle } = harness();
    grid.start();
    live.state.position = 15;
    asked[0]!.answer(answer(10));
    await settle();
    expect(asked).toHaveLength(2);
  });

  it('takes over the first screen the live fleet asked for at log-in, without asking again', async () => {
    const { asked, grid, settle } = harness(Promise.resolve(answer(10)));
    grid.start();
    await settle();
    expect(asked).toHaveLength(0);
    expect(grid.state.rows.map((r) => r.name)).toEqual(['a', 'b']);
    expect(grid.state.hostLimit).toBeGreaterThan(0);
    expect(FIRST_SCREEN.path).toMatch(/hostLimit=\d+/);
  });

  it('folds an event committed after its answer below the answer\'s position, and skips those the answer has', async () => {
    const { asked, grid, send, settle } = harness();
    grid.start();
    // Read at 12 while 11 was in flight: the answer has 12 (a's failure on hv1), not 11.
    const at12 = answer(12, { running: 3, failed: 1 });
    at12.cells = ['fr', 'rr'];
    at12.views[0]!.perHost['hv1'] = { ...running('hv1'), observed: 'failed', lastError: 'boom' };
    at12.resume = { after: 10, folded: [12] };
    asked[0]!.answer(at12);
    await settle();
    // The stream, from 10: 11 commits (b fails on hv2), then 12 (had), then 13.
    send([failed(11, 'b', 'hv2'), failed(12, 'a', 'hv1')]);
    expect(grid.state.rows.map((r) => r.codes)).toEqual(['fr', 'rf']);
    expect(grid.state.position).toBe(12);
    send([failed(13, 'b', 'hv1')]);
    expect(grid.state.rows.map((r) => r.codes)).toEqual(['fr', 'ff']);
    expect(grid.state.position).toBe(13);
  });
});
