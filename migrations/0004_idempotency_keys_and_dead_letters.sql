-- Idempotency keys scoped to who sent them and to the request they were first sent with, and the
-- agents' events that can never be recorded. Frozen in time: never edit a migration that has
-- shipped; add a new one.

-- One row per (actor, key): the request's fingerprint (method, route, path parameters, canonical
-- body, the query that changes what is done) and, once answered, the answer a retry gets again.
-- status IS NULL: the first request is still being handled (or died; claimed again after a while).
CREATE TABLE idempotency_keys (
  actor        text        NOT NULL,
  key          text        NOT NULL,
  fingerprint  text        NOT NULL,
  status       smallint,
  response     jsonb,
  claimed_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (actor, key)
);
CREATE INDEX idempotency_keys_claimed_at ON idempotency_keys (claimed_at);

-- What an agent sent that the API will never record (malformed, for another host, about a network
-- not placed there, or refused by the store on every delivery). The payload is kept as bytes
-- (it may hold anything, NUL included), truncated.
CREATE TABLE dead_letters (
  id              bigserial   PRIMARY KEY,
  reason_code     text        NOT NULL,
  reason          text        NOT NULL,
  subject         text        NOT NULL,
  host            text,
  payload         bytea       NOT NULL,
  payload_bytes   integer     NOT NULL,
  stream_sequence bigint,
  deliveries      integer     NOT NULL,
  received_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX dead_letters_reason ON dead_letters (reason_code);
