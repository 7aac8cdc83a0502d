import type { SchemaDefinition } from './schema-definitions';
import type { ViewKind } from './views';

/**
 * A table of view rows the append writes or checks: which `kind` of p_views it takes, and the
 * row's key, each column with the PL/pgSQL variable that holds its value.
 */
interface ViewTable {
  readonly kind: ViewKind;
  readonly table: string;
  readonly key: readonly (readonly [column: string, variable: string])[];
}

const VIEW_TABLES: readonly ViewTable[] = [
  { kind: 'network', table: 'network_own_view', key: [['name', 'v_name']] },
  { kind: 'placement', table: 'network_host_view', key: [['network', 'v_name'], ['host', 'v_host']] },
  { kind: 'host', table: 'host_view', key: [['name', 'v_name']] },
];

const keyColumns = (t: ViewTable) => t.key.map(([column]) => column).join(', ');
const keyValues = (t: ViewTable) => t.key.map(([, variable]) => variable).join(', ');
const rowIs = (t: ViewTable) => t.key.map(([column, variable]) => `${column} = ${variable}`).join(' AND ');

/** A check: the row is still at the position read (locked FOR SHARE to commit), or still absent. */
const checkRow = (t: ViewTable) => `
        IF v_expected IS NULL THEN
          PERFORM 1 WHERE NOT EXISTS (SELECT 1 FROM ${t.table} WHERE ${rowIs(t)});
        ELSE
          PERFORM 1 FROM ${t.table} WHERE ${rowIs(t)} AND position = v_expected FOR SHARE NOWAIT;
        END IF;`;

/** A write guarded by the position read: insert, update or delete, or confirm the row is absent. */
const writeRow = (t: ViewTable) => `
        IF v_expected IS NULL AND jsonb_typeof(v_doc) = 'object' THEN
          INSERT INTO ${t.table} (${keyColumns(t)}, doc, position) VALUES (${keyValues(t)}, v_doc, v_last) ON CONFLICT (${keyColumns(t)}) DO NOTHING;
        ELSIF v_expected IS NULL THEN
          PERFORM 1 WHERE NOT EXISTS (SELECT 1 FROM ${t.table} WHERE ${rowIs(t)});
        ELSIF jsonb_typeof(v_doc) = 'object' THEN
          UPDATE ${t.table} SET doc = v_doc, position = v_last WHERE ${rowIs(t)} AND position = v_expected;
        ELSE
          DELETE FROM ${t.table} WHERE ${rowIs(t)} AND position = v_expected;
        END IF;`;

/**
 * One branch per view table, on v_kind. Each table gets statements of its own (static SQL, so
 * PL/pgSQL caches their plans; one `EXECUTE format(...)` for all three would plan every statement
 * of every append again), written once here.
 */
const perViewTable = (statements: (t: ViewTable) => string, indent: string) =>
  [...VIEW_TABLES.map((t, i) => `${i === 0 ? 'IF' : 'ELSIF'} v_kind = '${t.kind}' THEN${statements(t)}`),
    `ELSE\n${indent}  RAISE EXCEPTION 'unknown view kind %', v_kind;\n${indent}END IF;`].join(`\n${indent}`);

/** A loop over the views `which` selects, running each one's statements, refusing a row that moved. */
const eachView = (which: string, statements: (t: ViewTable) => string) => `FOR v_view IN SELECT value FROM jsonb_array_elements(p_views) WHERE ${which} LOOP
      v_kind := v_view->>'kind';
      v_name := v_view->>'name';
      v_host := v_view->>'host';
      v_doc := v_view->'doc';
      v_expected := (v_view->>'expected')::bigint;
      ${perViewTable(statements, '      ')}
      IF NOT FOUND THEN
        RAISE EXCEPTION '% view % moved since it was read', v_kind, concat_ws('/', v_name, v_host) USING ERRCODE = 'NFVIE';
      END IF;
    END LOOP;`;

/**
 * netfleet_append: the append path in one statement, so an append costs one round trip. It
 * appends events to one stream, checks and writes the view rows the caller folded, writes the
 * outbox and notifies listeners.
 *
 * p_events:  [{eventId, type, v, data, metadata}] in order
 * p_views:   [{kind: 'network'|'placement'|'host', name (the network's for a placement), host (a
 *            placement's), doc (null: delete), expected (the position read; null: none was read),
 *            check (true: not written, only checked unmoved)}], in the order rows are locked:
 *            networks, then placements, then hosts, each by name.
 * p_outbox:  [{msgId, subject, payload}]
 * Returns one row per event, or no rows when every event id is already in the log (a retry; a
 * retry racing its original may instead fail on the event_id key, which the caller reads alike).
 * Raises NFCON when the stream is not at p_expected, NFVIE when a view row moved since the caller
 * read it, 55P03 when a checked row is being written (the caller folds again).
 *
 * A checked row is locked FOR SHARE NOWAIT until commit: reports checking the network's row do not
 * wait for, nor block, each other; a command writing that row waits for the reports in flight; a
 * report meeting a command in flight fails at once instead of deciding on what the command is
 * about to change. A network deleted takes its placement rows with it (ON DELETE CASCADE): the
 * caller only checks those.
 */
const APPEND_FUNCTION_SQL = `
CREATE OR REPLACE FUNCTION netfleet_append(p_stream text, p_expected integer, p_events jsonb, p_views jsonb,
                                           p_outbox jsonb, p_channel text)
RETURNS TABLE (out_position bigint, out_stream_version integer, out_recorded_at timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
  v_count     integer := jsonb_array_length(p_events);
  v_current   integer;
  v_ids       uuid[];
  v_positions bigint[];
  v_last      bigint;
  v_view      jsonb;
  v_kind      text;
  v_name      text;
  v_host      text;
  v_doc       jsonb;
  v_expected  bigint;
  v_checks    boolean;
BEGIN
  SELECT coalesce(max(stream_version), 0) INTO v_current FROM events WHERE stream_id = p_stream;
  IF v_current <> p_expected THEN
    -- A retry of an append that went through finds the stream moved by itself: not a conflict.
    -- Checked only here, off the hot path (an array, so the event_id index is always probed).
    v_ids := ARRAY(SELECT (e->>'eventId')::uuid FROM jsonb_array_elements(p_events) e);
    IF (SELECT count(*) FROM events WHERE event_id = ANY(v_ids)) = v_count THEN
      RETURN;
    END IF;
    RAISE EXCEPTION 'stream % is at version %, not %', p_stream, v_current, p_expected
      USING ERRCODE = 'NFCON', DETAIL = v_current::text;
  END IF;

  -- Global readers pass a position only once every transaction below pg_snapshot_xmin has ended
  -- (read.ts). That is sound only if transaction ids and positions are handed out in the same
  -- order, so take both under a short lock (session-level: released before the inserts, not held
  -- to commit). Without it, a transaction could get its id first and its position second and be
  -- overtaken, and a reader would pass its position while it is still in flight.
  PERFORM pg_advisory_lock(7234001);
  BEGIN
    PERFORM pg_current_xact_id();
    IF v_count = 1 THEN
      v_positions := ARRAY[nextval('events_position_seq')];
    ELSE
      SELECT array_agg(nextval('events_position_seq')) INTO v_positions FROM generate_series(1, v_count);
    END IF;
  EXCEPTION WHEN OTHERS THEN
    PERFORM pg_advisory_unlock(7234001);
    RAISE;
  END;
  PERFORM pg_advisory_unlock(7234001);
  v_last := v_positions[v_count];

  RETURN QUERY
  INSERT INTO events AS ev (position, event_id, stream_id, stream_version, type, schema_version, data, metadata)
  SELECT v_positions[t.o], (t.e->>'eventId')::uuid, p_stream, p_expected + t.o::integer, t.e->>'type',
         (t.e->>'v')::smallint, t.e->'data', t.e->'metadata'
  FROM jsonb_array_elements(p_events) WITH ORDINALITY AS t(e, o)
  RETURNING ev.position, ev.stream_version, ev.recorded_at;

  v_checks := p_views @> '[{"check": true}]';
  -- Checks first: each locks its row FOR SHARE until commit, so nothing this append decided on
  -- can change before it commits (a command writing a checked row waits; one already writing it
  -- makes this fail at once with 55P03, and the caller folds again).
  -- A row locked FOR SHARE must not wait on a rebuild (whose table lock ROW SHARE does not meet):
  -- the rebuild would then wait for that row and the two deadlock. Take the writers' table lock
  -- first, as every write here would anyway.
  IF v_checks THEN
    LOCK TABLE ${VIEW_TABLES.map((t) => t.table).join(', ')} IN ROW EXCLUSIVE MODE;
    ${eachView("coalesce((value->>'check')::boolean, false)", checkRow)}
  END IF;

  ${eachView("NOT (v_checks AND coalesce((value->>'check')::boolean, false))", writeRow)}

  IF jsonb_array_length(p_outbox) > 0 THEN
    INSERT INTO outbox (msg_id, subject, payload)
    SELECT m->>'msgId', m->>'subject', m->'payload' FROM jsonb_array_elements(p_outbox) m;
  END IF;
  PERFORM pg_notify(p_channel, v_last::text);
END $$;
`;

export const APPEND_FUNCTION: SchemaDefinition = { name: 'netfleet_append', revision: 1, sql: APPEND_FUNCTION_SQL };
