-- The definitions applied after the migrations (shared/eventstore/src/schema-definitions.ts):
-- which revision of each this database has, and the checksum of its text.
CREATE TABLE schema_definitions (
  name        text        PRIMARY KEY,
  revision    integer     NOT NULL,
  checksum    text        NOT NULL,
  applied_at  timestamptz NOT NULL DEFAULT now()
);
