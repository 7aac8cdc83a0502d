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

-- netfleet_append writes placement rows and checks rows, and no longer moves a checkpoint row:
-- its text is shared/eventstore/src/append-function.ts (revision 1), applied after the
-- migrations; this migration replaced it with the same text before definitions existed.
