-- Webhooks: where matching events are delivered, and how far each got. Frozen in time: never edit
-- a migration that has shipped; add a new one.

-- One row per webhook. delivered_position is its cursor: every event up to it was delivered (or
-- did not match its filters), so delivery resumes there after any restart. lease_owner /
-- lease_until: the API instance delivering it now (claimed with FOR UPDATE SKIP LOCKED, renewed
-- while it works); every write of the cursor checks the lease, so two instances never both deliver.
CREATE TABLE webhooks (
  id                 text        PRIMARY KEY,
  url                text        NOT NULL,
  -- The signing secret: sent by nobody after creation, needed in clear to sign each delivery.
  secret             text        NOT NULL,
  types              text[]      NOT NULL DEFAULT '{}',
  networks           text[]      NOT NULL DEFAULT '{}',
  hosts              text[]      NOT NULL DEFAULT '{}',
  created_by         text        NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
  delivered_position bigint      NOT NULL,
  delivered_count    bigint      NOT NULL DEFAULT 0,
  status             text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retrying', 'failed')),
  -- Failed attempts at the event after the cursor (0 once it is delivered).
  attempts           integer     NOT NULL DEFAULT 0,
  last_error         text,
  last_attempt_at    timestamptz,
  last_success_at    timestamptz,
  next_attempt_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  lease_owner        text,
  lease_until        timestamptz
);
CREATE INDEX webhooks_due ON webhooks (next_attempt_at) WHERE status <> 'failed';
