-- API tokens: only a hash of each token is kept; the token itself is shown once, at creation.
CREATE TABLE api_tokens (
  name        text        PRIMARY KEY,
  role        text        NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  token_hash  bytea       NOT NULL UNIQUE,
  created_by  text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  revoked_at  timestamptz
);

-- Per-host NATS credentials (bcrypt hashes, as nats-server takes them in its config).
CREATE TABLE host_credentials (
  host           text        PRIMARY KEY,
  nats_user      text        NOT NULL UNIQUE,
  password_hash  text        NOT NULL,
  issued_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);
