import type pg from 'pg';

/**
 * Seeds `count` events (rounded up to whole rounds) in one INSERT … SELECT generate_series:
 * `networks` networks, each defined and started on one of ten hosts, then alternately an
 * autostart change on the network's stream and its host's report on the host's stream — the mix
 * the fold sees in production. Shared by the eventstore and audit benchmarks.
 */
export async function seedEvents(raw: pg.Client, count: number, networks: number): Promise<void> {
  const rounds = Math.ceil(count / networks);
  await raw.query(`SELECT setval('events_position_seq', (SELECT max(position) FROM events))`);
  await raw.query(`
    INSERT INTO events (position, event_id, stream_id, stream_version, type, schema_version, data, metadata)
    SELECT base + g, gen_random_uuid(),
      CASE WHEN r < 2 OR r % 2 = 0 THEN 'network:seed-' || n ELSE 'host:seed-hv' || (n % 10) END,
      CASE WHEN r < 2 THEN r + 1 WHEN r % 2 = 0 THEN 2 + (r - 2) / 2 + 1 ELSE ((r - 3) / 2) * ${networks / 10} + n / 10 + 1 END,
      CASE WHEN r = 0 THEN 'NetworkDefined' WHEN r = 1 THEN 'NetworkStarted' WHEN r % 2 = 0 THEN 'NetworkAutostartChanged' ELSE 'NetworkStartedOnHost' END,
      1,
      CASE WHEN r = 0 THEN jsonb_build_object('name', 'seed-' || n, 'uuid', gen_random_uuid(), 'networkType', 'ovs-datapath',
                              'xml', '<network type="ovs-datapath"><name>seed-' || n || '</name><datapath name="dp' || n || '" id="0000000000000abc"/></network>',
                              'hosts', jsonb_build_array('seed-hv' || (n % 10)))
           WHEN r = 1 THEN jsonb_build_object('name', 'seed-' || n, 'hosts', jsonb_build_array('seed-hv' || (n % 10)))
           WHEN r % 2 = 0 THEN jsonb_build_object('name', 'seed-' || n, 'autostart', r % 4 = 0)
           ELSE jsonb_build_object('host', 'seed-hv' || (n % 10), 'network', 'seed-' || n, 'generation', 2, 'bridge', 'dp' || n, 'warnings', '[]'::jsonb) END,
      jsonb_build_object('actor', CASE WHEN r >= 2 AND r % 2 = 1 THEN 'host:seed-hv' || (n % 10) ELSE 'bench' END,
                         'source', CASE WHEN r >= 2 AND r % 2 = 1 THEN 'host:seed-hv' || (n % 10) ELSE 'api' END,
                         'correlationId', 'seed-' || n || '-' || r, 'occurredAt', '2026-11-28T06:00:00.000Z')
    FROM (SELECT g, (g - 1) % ${networks} AS n, (g - 1) / ${networks} AS r, (SELECT coalesce(max(position), 0) FROM events) AS base
          FROM generate_series(1, ${rounds * networks}) g) s`);
  await raw.query(`SELECT setval('events_position_seq', (SELECT max(position) FROM events))`);
  await raw.query('VACUUM ANALYZE events');
}
