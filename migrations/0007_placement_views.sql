-- Per-placement view rows (#13). Frozen in time once shipped: never edit it; add a new one.
--
-- A network's view document used to hold every placed host's state, so each host's report
-- rewrote the whole document and the reports of 100 hosts, and the network's own commands, all
-- raced for one row (losers fold again; a command could lose 20 times: NF_STORE_CONTENDED). Now:
--   network_own_view   the network's definition and desired state (perHost always {})
--   network_host_view  one row per (network, host): that host's state for the network
-- A host's report writes its own placement row and only checks (without writing) that the
-- network's own row did not move; commands write the network's row and the placement rows their
-- fold changes. `network_view` stays, as a view composing the two, for every reader.

ALTER TABLE network_view RENAME TO network_own_view;
ALTER TABLE network_own_view RENAME CONSTRAINT network_view_pkey TO network_own_view_pkey;

CREATE TABLE network_host_view (
  network   text   NOT NULL REFERENCES network_own_view (name) ON DELETE CASCADE,
  host      text   NOT NULL,
  doc       jsonb  NOT NULL,
  position  bigint NOT NULL,
  PRIMARY KEY (network, host)
);

INSERT INTO network_host_view (network, host, doc, position)
SELECT n.name, p.key, p.value, n.position FROM network_own_view n, jsonb_each(n.doc->'perHost') p;
UPDATE network_own_view SET doc = jsonb_set(doc, '{perHost}', '{}'::jsonb);

-- The network's document as readers know it: its own row with every placement row as perHost.
CREATE VIEW network_view AS
SELECT n.name,
       jsonb_set(n.doc, '{perHost}', coalesce((SELECT jsonb_object_agg(p.host, p.doc) FROM network_host_view p WHERE p.network = n.name), '{}'::jsonb)) AS doc,
       n.position
FROM network_own_view n;

-- Deleting from the composed view (tests that lose the views on purpose) deletes both.
CREATE FUNCTION network_view_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM network_own_view WHERE name = OLD.name;
  RETURN OLD;
END $$;
CREATE TRIGGER network_view_delete INSTEAD OF DELETE ON network_view
  FOR EACH ROW EXECUTE FUNCTION network_view_delete();

-- The views' checkpoint, derived: every append folds its events into the views in its own
-- transaction (and a rebuild folds the whole log under the views' lock), so in any snapshot the
-- views have folded exactly the events that snapshot sees, and their checkpoint is the highest
-- position it sees. Appends no longer update one hot row (0002: +0.07 ms of each single append,
-- and every append held that row's lock to its commit, one after the other).
DROP TABLE projection_checkpoint;
CREATE VIEW projection_checkpoint AS
SELECT 'fleet_views'::text AS projection, coalesce(max(position), 0)::bigint AS position FROM events;

-- Same contract as 0002's, with placement rows and checks, and no checkpoint row to move:
-- p_views: [{kind: 'network'|'placement'|'host', name (the network's for a placement), host (a
--           placement's), doc (null: delete), expected (the position read; null: none was read),
--           check (true: not written, only checked unmoved)}], in the order rows are locked:
--           networks, then placements, then hosts, each by name.
-- A checked row is locked FOR SHARE NOWAIT until commit: reports checking the network's row do
-- not wait for, nor block, each other (shared locks); a command writing that row waits for the
-- reports in flight; a report meeting a command in flight fails at once (55P03, folded again)
-- instead of deciding on what the command is about to change. A network deleted takes its
-- placement rows with it (ON DELETE CASCADE): the caller only checks those.
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
    v_ids := ARRAY(SELECT (e->>'eventId')::uuid FROM jsonb_array_elements(p_events) e);
    IF (SELECT count(*) FROM events WHERE event_id = ANY(v_ids)) = v_count THEN
      RETURN;
    END IF;
    RAISE EXCEPTION 'stream % is at version %, not %', p_stream, v_current, p_expected
      USING ERRCODE = 'NFCON', DETAIL = v_current::text;
  END IF;

  -- Transaction ids and positions in the same order (see 0002 and read.ts).
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
    LOCK TABLE network_own_view, network_host_view, host_view IN ROW EXCLUSIVE MODE;
    FOR v_view IN SELECT value FROM jsonb_array_elements(p_views) WHERE coalesce((value->>'check')::boolean, false) LOOP
      v_kind := v_view->>'kind';
      v_name := v_view->>'name';
      v_host := v_view->>'host';
      v_expected := (v_view->>'expected')::bigint;
      IF v_kind = 'network' THEN
        IF v_expected IS NULL THEN
          PERFORM 1 WHERE NOT EXISTS (SELECT 1 FROM network_own_view WHERE name = v_name);
        ELSE
          PERFORM 1 FROM network_own_view WHERE name = v_name AND position = v_expected FOR SHARE NOWAIT;
        END IF;
      ELSIF v_kind = 'placement' THEN
        IF v_expected IS NULL THEN
          PERFORM 1 WHERE NOT EXISTS (SELECT 1 FROM network_host_view WHERE network = v_name AND host = v_host);
        ELSE
          PERFORM 1 FROM network_host_view WHERE network = v_name AND host = v_host AND position = v_expected FOR SHARE NOWAIT;
        END IF;
      ELSE
        IF v_expected IS NULL THEN
          PERFORM 1 WHERE NOT EXISTS (SELECT 1 FROM host_view WHERE name = v_name);
        ELSE
          PERFORM 1 FROM host_view WHERE name = v_name AND position = v_expected FOR SHARE NOWAIT;
        END IF;
      END IF;
      IF NOT FOUND THEN
        RAISE EXCEPTION '% view % moved since it was read', v_kind, concat_ws('/', v_name, v_host) USING ERRCODE = 'NFVIE';
      END IF;
    END LOOP;
  END IF;

  FOR v_view IN SELECT value FROM jsonb_array_elements(p_views) WHERE NOT (v_checks AND coalesce((value->>'check')::boolean, false)) LOOP
    v_kind := v_view->>'kind';
    v_name := v_view->>'name';
    v_host := v_view->>'host';
    v_doc := v_view->'doc';
    v_expected := (v_view->>'expected')::bigint;
    IF v_kind = 'network' THEN
      IF v_expected IS NULL AND jsonb_typeof(v_doc) = 'object' THEN
        INSERT INTO network_own_view (name, doc, position) VALUES (v_name, v_doc, v_last) ON CONFLICT (name) DO NOTHING;
      ELSIF v_expected IS NULL THEN
        PERFORM 1 WHERE NOT EXISTS (SELECT 1 FROM network_own_view WHERE name = v_name);
      ELSIF jsonb_typeof(v_doc) = 'object' THEN
        UPDATE network_own_view SET doc = v_doc, position = v_last WHERE name = v_name AND position = v_expected;
      ELSE
        DELETE FROM network_own_view WHERE name = v_name AND position = v_expected;
      END IF;
    ELSIF v_kind = 'placement' THEN
      IF v_expected IS NULL AND jsonb_typeof(v_doc) = 'object' THEN
        INSERT INTO network_host_view (network, host, doc, position) VALUES (v_name, v_host, v_doc, v_last) ON CONFLICT (network, host) DO NOTHING;
      ELSIF v_expected IS NULL THEN
        PERFORM 1 WHERE NOT EXISTS (SELECT 1 FROM network_host_view WHERE network = v_name AND host = v_host);
      ELSIF jsonb_typeof(v_doc) = 'object' THEN
        UPDATE network_host_view SET doc = v_doc, position = v_last WHERE network = v_name AND host = v_host AND position = v_expected;
      ELSE
        DELETE FROM network_host_view WHERE network = v_name AND host = v_host AND position = v_expected;
      END IF;
    ELSE
      IF v_expected IS NULL AND jsonb_typeof(v_doc) = 'object' THEN
        INSERT INTO host_view (name, doc, position) VALUES (v_name, v_doc, v_last) ON CONFLICT (name) DO NOTHING;
      ELSIF v_expected IS NULL THEN
        PERFORM 1 WHERE NOT EXISTS (SELECT 1 FROM host_view WHERE name = v_name);
      ELSIF jsonb_typeof(v_doc) = 'object' THEN
        UPDATE host_view SET doc = v_doc, position = v_last WHERE name = v_name AND position = v_expected;
      ELSE
        DELETE FROM host_view WHERE name = v_name AND position = v_expected;
      END IF;
    END IF;
    IF NOT FOUND THEN
      RAISE EXCEPTION '% view % moved since it was read', v_kind, concat_ws('/', v_name, v_host) USING ERRCODE = 'NFVIE';
    END IF;
  END LOOP;

  IF jsonb_array_length(p_outbox) > 0 THEN
    INSERT INTO outbox (msg_id, subject, payload)
    SELECT m->>'msgId', m->>'subject', m->'payload' FROM jsonb_array_elements(p_outbox) m;
  END IF;
  PERFORM pg_notify(p_channel, v_last::text);
END $$;
