-- The tamper-evident audit log: a hash chain over the events in position order, and signed
-- checkpoints of its head. Frozen in time: never edit a migration that has shipped; add a new one.
--
-- The chain is written by the API's sealer (shared/eventstore/src/audit-chain.ts), after commit,
-- in position order, not by netfleet_append: positions are taken at insert, not at commit, so an
-- append cannot know its predecessor's hash without holding a lock to commit (every append in the
-- cluster would then wait for the one before it). The guarantee is the same either way: whoever
-- can rewrite the events table can also recompute hashes written there, so what makes the log
-- tamper-evident are the checkpoints signed with a key PostgreSQL never sees.

-- One row per sealed event. `prev_position` is the position of the event chained before it (0
-- for the first), so a removed event shows as a missing link even if its row here was removed
-- too; `event_id` names an event that was removed.
CREATE TABLE audit_chain (
  position       bigint PRIMARY KEY,
  event_id       uuid   NOT NULL,
  prev_position  bigint NOT NULL,
  hash           bytea  NOT NULL
);

-- The chain's head, signed (Ed25519) by the sealing API instance: `signature` covers
-- "netfleet-audit-checkpoint\n<position>\n<hash hex>\n<signed_at ISO-8601>".
CREATE TABLE audit_checkpoints (
  position   bigint      PRIMARY KEY,
  hash       bytea       NOT NULL,
  signed_at  timestamptz NOT NULL,
  key_id     text        NOT NULL,
  signature  bytea       NOT NULL
);

CREATE TRIGGER audit_chain_append_only BEFORE UPDATE OR DELETE ON audit_chain
  FOR EACH ROW EXECUTE FUNCTION events_are_append_only();
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION events_are_append_only();
