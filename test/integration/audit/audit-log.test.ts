import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect } from 'vitest';
import pg from 'pg';
import { appendToStream } from '@netfleet/eventstore/append';
import { sealAuditChain } from '@netfleet/eventstore/audit-chain';
import { readStream } from '@netfleet/eventstore/read';
import { apiTest } from '../../support/api-test';
import { runCli } from '../../support/run-cli';
import { until } from '../../support/until';
import type { TestApi } from '../../support/test-api';
import type { TestDatabase } from '../../support/test-database';
import { meta, startedOnHost } from '../eventstore/given-events';

// No liveness: nothing but the test writes to the log (a host going offline would).
const test = apiTest({ actors: { alice: 'admin', vic: 'viewer' }, liveness: false });

interface Verification { ok: boolean; head: number; checkedEvents: number; unsealedEvents: number; checkpoints: { checked: number; valid: number }; problems: { kind: string; position: number; eventId: string | null; message: string }[] }

/**
 * The tamper-evident audit log against the real store: the API's sealer chains what the API
 * records, then a superuser changes the events table behind netfleet's back (triggers off), in
 * each way — UPDATE, DELETE, INSERT, and a change with the chain rewritten to match — and
 * `audit verify` names the event; each test puts the table back and the log verifies again.
 */
describe('audit log', () => {
  let t: TestDatabase;
  let api: TestApi;
  let superuser: pg.Client;
  const cli = (...args: string[]) => runCli(args, { apiUrl: api.url, token: api.tokens['vic']! });
  const verify = async () => {
    const r = await api.http<Verification>('GET', '/v1/audit/verify', { token: api.tokens['vic']! });
    expect(r.status).toBe(200);
    return r.body;
  };
  const seal = () => api.server.ctx.audit.sealer.sealNow({ checkpoint: true });
  /** Runs `sql` as the superuser with the append-only triggers off (session_replication_role). */
  const tamper = async (sql: string, values: unknown[] = []) => {
    await superuser.query("SET session_replication_role = 'replica'");
    try { return await superuser.query(sql, values); } finally { await superuser.query("SET session_replication_role = 'origin'"); }
  };

  /**
   * Past the gap the sealer waits for every older transaction in the cluster to end (other test
   * files run beside this one), so seal until the head reaches the last event.
   */
  const sealAll = (sealOnce: () => Promise<unknown>) => until(async () => {
    await sealOnce();
    const { rows: [r] } = await superuser.query<{ sealed: boolean }>('SELECT (SELECT max(position) FROM audit_chain) = (SELECT max(position) FROM events) AS sealed');
    return r!.sealed;
  }, 'the sealer to chain every event', { pollMs: 200, timeoutMs: 60_000 });

  test.beforeAll(async ({ database, api: started }) => {
    [t, api] = [database, started];
    superuser = new pg.Client({ connectionString: t.url });
    await superuser.connect();
    const xml = await readFile(new URL('../../../examples/ofnet.xml', import.meta.url), 'utf8');
    await appendToStream(t.db, { streamId: 'host:hv1', expectedVersion: 'any', events: [{ eventId: randomUUID(), type: 'HostRegistered', v: 1, metadata: meta(), data: { host: 'hv1', labels: {} } }] });
    expect((await api.http('POST', '/v1/networks', { body: { xml, hosts: ['hv1'], comment: 'first, "quoted", and\nmultiline' } })).status).toBe(201);
    expect((await api.http('POST', '/v1/networks/ofnet/start')).status).toBe(200);
    const [, startedEvent] = await readStream(t.db, 'network:ofnet');
    await appendToStream(t.db, { streamId: 'host:hv1', expectedVersion: 'any', events: [startedOnHost('hv1', 'ofnet', 2, startedEvent!.metadata.correlationId)] });
    // A position no event took (as a rolled-back append leaves): where a forged row can hide.
    await superuser.query("SELECT nextval('events_position_seq')");
    expect((await api.http('POST', '/v1/networks', { body: { xml: xml.replace('port="6633"', 'port="6653"'), hosts: ['hv1'], comment: 'move the controller to 6653' } })).status).toBe(201);
    await sealAll(seal);
  });
  test.afterAll(async () => { await superuser?.end(); });

  test('a log nobody touched verifies: every event chained, the signed checkpoint holds', async () => {
    const r = await verify();
    expect(r).toMatchObject({ ok: true, problems: [], unsealedEvents: 0 });
    // One signed at start-up and one after the seeding; every one holds.
    expect(r.checkpoints.checked).toBeGreaterThanOrEqual(1);
    expect(r.checkpoints.valid).toBe(r.checkpoints.checked);
    const { rows: [count] } = await superuser.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
    expect(r.checkedEvents).toBe(count!.n);
    const shown = await cli('audit', 'verify');
    expect(shown).toMatchObject({ exitCode: 0, stderr: '' });
    expect(shown.stdout).toMatch(new RegExp(`^OK: ${count!.n} events checked`));

    // --since starts at the last checkpoint before that point whose signature holds.
    const { rows: [cp] } = await superuser.query<{ position: string }>('SELECT max(position) AS position FROM audit_checkpoints');
    const since = JSON.parse((await cli('audit', 'verify', '--json', '--since', String(Number(cp!.position) + 1))).stdout) as Verification & { from: number };
    expect(since).toMatchObject({ ok: true, from: Number(cp!.position) });
    const bad = await cli('audit', 'verify', '--since', 'yesterday');
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toMatch(/^error: 'yesterday' is neither a log position .* nor an ISO-8601 time/);
  });

  test('an UPDATE of an event\'s data is named: the event, as altered', async () => {
    const [defined] = await readStream(t.db, 'network:ofnet');
    await tamper(`UPDATE events SET data = jsonb_set(data, '{hosts}', '["hv9"]') WHERE position = $1`, [defined!.position]);
    try {
      const r = await verify();
      expect(r.ok).toBe(false);
      expect(r.problems[0]).toMatchObject({ kind: 'altered', position: defined!.position, eventId: defined!.eventId });
      const shown = await cli('audit', 'verify');
      expect(shown.exitCode).toBe(1);
      expect(shown.stdout).toContain(`First: event ${defined!.eventId} at position ${defined!.position} (NetworkDefined on network:ofnet) was altered`);
    } finally {
      await tamper('UPDATE events SET data = $2::jsonb WHERE position = $1', [defined!.position, JSON.stringify(defined!.data)]);
    }
    expect((await verify()).ok).toBe(true);
  });

  test('a DELETE is named: the removed event\'s id and position', async () => {
    const { rows: [row] } = await superuser.query("SELECT position, event_id, to_jsonb(e)::text AS exact FROM events e WHERE type = 'NetworkStarted'");
    await tamper('DELETE FROM events WHERE position = $1', [row.position]);
    try {
      const r = await verify();
      expect(r.problems).toEqual([expect.objectContaining({ kind: 'removed', position: Number(row.position), eventId: row.event_id })]);
      const json = JSON.parse((await cli('audit', 'verify', '--json')).stdout) as Verification;
      expect(json.problems[0]!.message).toBe(`event ${row.event_id} at position ${row.position} was removed`);
    } finally {
      await tamper('INSERT INTO events SELECT * FROM jsonb_populate_record(null::events, $1::jsonb)', [row.exact]);
    }
    expect((await verify()).ok).toBe(true);
  });

  test('a DELETE that also removes the event\'s chain link is still found (the next link names it as its predecessor)', async () => {
    const { rows: [row] } = await superuser.query("SELECT position, event_id, to_jsonb(e)::text AS exact FROM events e WHERE type = 'NetworkStartedOnHost'");
    const { rows: [link] } = await superuser.query('SELECT * FROM audit_chain WHERE position = $1', [row.position]);
    await tamper('DELETE FROM events WHERE position = $1', [row.position]);
    await tamper('DELETE FROM audit_chain WHERE position = $1', [row.position]);
    try {
      const r = await verify();
      expect(r.problems[0]).toMatchObject({ kind: 'removed', position: Number(row.position) });
    } finally {
      await tamper('INSERT INTO events SELECT * FROM jsonb_populate_record(null::events, $1::jsonb)', [row.exact]);
      await tamper('INSERT INTO audit_chain VALUES ($1, $2, $3, $4)', [link.position, link.event_id, link.prev_position, link.hash]);
    }
    expect((await verify()).ok).toBe(true);
  });

  test('an INSERT of a forged row is named: the forged event, as inserted', async () => {
    const { rows: [gap] } = await superuser.query<{ position: string }>(
      'SELECT g AS position FROM generate_series(1, (SELECT max(position) FROM events)) g WHERE NOT EXISTS (SELECT 1 FROM events WHERE position = g) LIMIT 1');
    const forged = randomUUID();
    await tamper(`INSERT INTO events (position, event_id, stream_id, stream_version, type, schema_version, data, metadata)
                  VALUES ($1, $2, 'network:ofnet', 99, 'NetworkUndefined', 1, '{"name": "ofnet"}', $3)`, [gap!.position, forged, JSON.stringify(meta({ actor: 'mallory' }))]);
    try {
      const r = await verify();
      expect(r.problems).toEqual([expect.objectContaining({ kind: 'inserted', position: Number(gap!.position), eventId: forged })]);
    } finally {
      await tamper('DELETE FROM events WHERE event_id = $1', [forged]);
    }
    expect((await verify()).ok).toBe(true);
  });

  test('a change with the chain rewritten to match is caught by the signed checkpoint', async () => {
    const [defined] = await readStream(t.db, 'network:ofnet');
    const rechainFrom = async (position: number) => {
      await tamper('DELETE FROM audit_chain WHERE position >= $1', [position]);
      await sealAll(() => sealAuditChain(t.db));
    };
    await tamper(`UPDATE events SET metadata = jsonb_set(metadata, '{actor}', '"mallory"') WHERE position = $1`, [defined!.position]);
    // Every link from the altered event on recomputed, as whoever read the sealer's code could.
    await rechainFrom(defined!.position);
    try {
      const r = await verify();
      expect(r.ok).toBe(false);
      // Every checkpoint signed after the altered event, and nothing else.
      expect(r.problems.length).toBeGreaterThanOrEqual(1);
      expect(r.problems.every((p) => p.kind === 'checkpoint')).toBe(true);
      expect(r.problems[0]!.message).toMatch(/does not match the checkpoint signed .*: an event at or before it was changed and the chain rewritten/);
    } finally {
      await tamper('UPDATE events SET metadata = $2::jsonb WHERE position = $1', [defined!.position, JSON.stringify(defined!.metadata)]);
      await rechainFrom(defined!.position);
    }
    expect((await verify()).ok).toBe(true);
  });

  test('a forged checkpoint signature is refused', async () => {
    const { rows: [cp] } = await superuser.query('SELECT * FROM audit_checkpoints ORDER BY position DESC LIMIT 1');
    const signature = Buffer.from(cp.signature as Buffer);
    signature[0] = signature[0]! ^ 0xff;
    await tamper('UPDATE audit_checkpoints SET signature = $2 WHERE position = $1', [cp.position, signature]);
    try {
      const r = await verify();
      expect(r.problems).toEqual([expect.objectContaining({ kind: 'checkpoint', position: Number(cp.position), message: expect.stringContaining('signature that does not hold') })]);
    } finally {
      await tamper('UPDATE audit_checkpoints SET signature = $2 WHERE position = $1', [cp.position, cp.signature]);
    }
  });

  test('the public key checks the checkpoints offline', async () => {
    const shown = await cli('audit', 'public-key', '--json');
    const key = JSON.parse(shown.stdout) as { algorithm: string; keyId: string; publicKey: string };
    expect(key).toMatchObject({ algorithm: 'Ed25519', keyId: api.server.ctx.audit.key.keyId, publicKey: expect.stringContaining('BEGIN PUBLIC KEY') });
    const { createPublicKey, verify: check } = await import('node:crypto');
    const { rows: [cp] } = await superuser.query('SELECT * FROM audit_checkpoints ORDER BY position DESC LIMIT 1');
    const message = `netfleet-audit-checkpoint\n${cp.position}\n${(cp.hash as Buffer).toString('hex')}\n${(cp.signed_at as Date).toISOString()}`;
    expect(check(null, Buffer.from(message), createPublicKey(key.publicKey), cp.signature as Buffer)).toBe(true);
  });

  test('export: jsonl lines are CloudEvents with who, why, the XML diff and the host\'s outcome; csv has a header and RFC 4180 quoting', async () => {
    const jsonl = await cli('audit', 'export', '--network', 'ofnet');
    expect(jsonl).toMatchObject({ exitCode: 0, stderr: '' });
    const lines = jsonl.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l['netfleettype'])).toEqual(['NetworkDefined', 'NetworkStarted', 'NetworkStartedOnHost', 'NetworkDefined']);
    expect(lines[0]).toMatchObject({ specversion: '1.0', type: 'io.netfleet.network.defined', actor: 'alice', comment: 'first, "quoted", and\nmultiline' });
    expect(lines[2]).toMatchObject({ hostoutcome: 'running', outcomegeneration: 2, subject: 'hosts/hv1' });
    expect(lines[3]!['xmldiff']).toMatch(/^\+.*port='6653'/m);

    const csv = await cli('audit', 'export', '--format', 'csv', '--since', String(lines[1]!['position']), '--until', String(lines[2]!['position']));
    expect(csv.exitCode).toBe(0);
    const rows = csv.stdout.split('\r\n');
    expect(rows[0]).toBe('position,recorded_at,occurred_at,actor,source,stream,type,network,host,correlation_id,causation_id,comment,summary,outcome,outcome_generation,outcome_error,xml_diff');
    expect(csv.stdout.split('\n').every((l, i, all) => i === all.length - 1 || l.endsWith('\r'))).toBe(true);
    expect(rows, csv.stdout).toHaveLength(3); // header and two rows (runCli drops the final CRLF)
    expect(rows[2]).toMatch(/,host:hv1,host:hv1,host:hv1,NetworkStartedOnHost,ofnet,hv1,.*,running on hv1 \(generation 2\),running,2,,$/);
    const all = await cli('audit', 'export', '--format', 'csv');
    expect(all.stdout).toContain(',"first, ""quoted"", and\nmultiline",');
  });
});
