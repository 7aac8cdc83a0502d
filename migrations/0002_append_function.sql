-- The append path in one statement, and what history and the host view need. Frozen in time:
-- never edit a migration that has shipped; add a new one.

-- Both inline views (network_view, host_view) fold every event in the appending transaction, so
-- one checkpoint says how far they are: one row to move per append, not one per view (each row
-- update is a measurable share of a single append).
DELETE FROM projection_checkpoint;
INSERT INTO projection_checkpoint (projection, position) VALUES ('fleet_views', 0);

-- A network's history includes the host outcomes its commands caused: they live on host streams
-- and name the network in data.network.
CREATE INDEX events_host_network ON events ((data->>'network'), position) WHERE stream_id LIKE 'host:%';

-- Appends events to one stream, writes the view documents the caller folded and the outbox, moves
-- the checkpoints and notifies listeners. Called as a statement of its own (its own transaction),
-- so an append costs one round trip.
--
-- p_events:   [{eventId, type, v, data, metadata}] in order
-- p_views:    [{kind: 'network'|'host', name, doc (null: delete), expected (the position the caller
--             read the document at; null: the caller saw no document)}]
-- p_outbox:   [{msgId, subject, payload}]
-- Returns one row per event, or no rows when every event id is already in the log (a retry; a
-- retry racing its original may instead fail on the event_id key, which the caller reads alike).
-- Raises NFCON when the stream is not at p_expected, NFVIE when a view document moved since the
-- caller read it (the caller re-reads, re-folds and tries again).
CREATE FUNCTION netfleet_append(p_stream text, p_expected integer, p_events jsonb, p_views jsonb,
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
  v_expected  bigint;
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
    SELECT array_agg(nextval('events_position_seq')) INTO v_positions FROM generate_series(1, v_count);
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

  FOR v_view IN SELECT value FROM jsonb_array_elements(p_views) LOOP
    v_expected := (v_view->>'expected')::bigint;
    IF v_view->>'kind' = 'network' THEN
      IF v_expected IS NULL AND jsonb_typeof(v_view->'doc') = 'object' THEN
        INSERT INTO network_view (name, doc, position) VALUES (v_view->>'name', v_view->'doc', v_last) ON CONFLICT (name) DO NOTHING;
      ELSIF v_expected IS NULL THEN
        PERFORM 1 WHERE NOT EXISTS (SELECT 1 FROM network_view WHERE name = v_view->>'name');
      ELSIF jsonb_typeof(v_view->'doc') = 'object' THEN
        UPDATE network_view SET doc = v_view->'doc', position = v_last WHERE name = v_view->>'name' AND position = v_expected;
      ELSE
        DELETE FROM network_view WHERE name = v_view->>'name' AND position = v_expected;
      END IF;
    ELSE
      IF v_expected IS NULL AND jsonb_typeof(v_view->'doc') = 'object' THEN
        INSERT INTO host_view (name, doc, position) VALUES (v_view->>'name', v_view->'doc', v_last) ON CONFLICT (name) DO NOTHING;
      ELSIF v_expected IS NULL THEN
        PERFORM 1 WHERE NOT EXISTS (SELECT 1 FROM host_view WHERE name = v_view->>'name');
      ELSIF jsonb_typeof(v_view->'doc') = 'object' THEN
        UPDATE host_view SET doc = v_view->'doc', position = v_last WHERE name = v_view->>'name' AND position = v_expected;
      ELSE
        DELETE FROM host_view WHERE name = v_view->>'name' AND position = v_expected;
      END IF;
    END IF;
    IF NOT FOUND THEN
      RAISE EXCEPTION '% view % moved since it was read', v_view->>'kind', v_view->>'name' USING ERRCODE = 'NFVIE';
    END IF;
  END LOOP;

  IF jsonb_array_length(p_outbox) > 0 THEN
    INSERT INTO outbox (msg_id, subject, payload)
    SELECT m->>'msgId', m->>'subject', m->'payload' FROM jsonb_array_elements(p_outbox) m;
  END IF;
  -- Both inline views have folded every event up to here (most are no-ops for one of them).
  UPDATE projection_checkpoint SET position = greatest(position, v_last) WHERE projection = 'fleet_views';
  PERFORM pg_notify(p_channel, v_last::text);
END $$;
