-- The event store: an append-only log, the source of truth. Frozen in time: never edit a
-- migration that has shipped; add a new one.

CREATE TABLE events (
  -- Global order of the whole log. Readers of the global log must not pass positions whose
  -- transactions are still in flight (see read.ts): a bigserial is taken at insert, not commit.
  position        bigserial PRIMARY KEY,
  event_id        uuid        NOT NULL UNIQUE,
  stream_id       text        NOT NULL,
  stream_version  integer     NOT NULL,
  type            text        NOT NULL,
  schema_version  smallint    NOT NULL,
  data            jsonb       NOT NULL,
  metadata        jsonb       NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
  UNIQUE (stream_id, stream_version)
);
CREATE INDEX events_recorded_at ON events (recorded_at);
CREATE INDEX events_transaction_id ON events (transaction_id, position);

-- Append-only: the log is never rewritten.
CREATE FUNCTION events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events are append-only (% refused)', TG_OP;
END $$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION events_are_append_only();

-- Commands for the hosts, written in the same transaction as the events that caused them and
-- relayed to JetStream afterwards (msg_id de-duplicates a relay that is repeated after a crash).
CREATE TABLE outbox (
  id            bigserial   PRIMARY KEY,
  msg_id        text        NOT NULL UNIQUE,
  subject       text        NOT NULL,
  payload       jsonb       NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  published_at  timestamptz
);
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;

-- Inline projections: documents computed by the pure fold (shared/fleet), updated in the same
-- transaction as the events they fold, with their checkpoint.
CREATE TABLE network_view (
  name      text   PRIMARY KEY,
  doc       jsonb  NOT NULL,
  position  bigint NOT NULL
);

CREATE TABLE host_view (
  name      text   PRIMARY KEY,
  doc       jsonb  NOT NULL,
  position  bigint NOT NULL
);

CREATE TABLE projection_checkpoint (
  projection text   PRIMARY KEY,
  position   bigint NOT NULL
);
INSERT INTO projection_checkpoint (projection, position) VALUES ('network_view', 0);
