-- What history and the host view need. Frozen in time: never edit a migration that has shipped;
-- add a new one (functions the append path calls are schema definitions, not migrations).

-- Both inline views (network_view, host_view) fold every event in the appending transaction, so
-- one checkpoint says how far they are: one row to move per append, not one per view (each row
-- update is a measurable share of a single append).
DELETE FROM projection_checkpoint;
INSERT INTO projection_checkpoint (projection, position) VALUES ('fleet_views', 0);

-- A network's history includes the host outcomes its commands caused: they live on host streams
-- and name the network in data.network.
CREATE INDEX events_host_network ON events ((data->>'network'), position) WHERE stream_id LIKE 'host:%';

-- This migration also created netfleet_append, the append path in one statement; 0007 replaced
-- it. Its current text is defined once, in shared/eventstore/src/append-function.ts, and applied
-- after the migrations (schema-definitions.ts): every database ends with that text, whichever
-- text of this file it ran.
