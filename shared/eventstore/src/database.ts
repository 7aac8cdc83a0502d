import { Kysely, type ColumnType, type Generated } from 'kysely';
import pg from 'pg';
import { ErrorMappingPostgresDialect } from './error-mapping-dialect';
import { RejectNulPlugin } from './reject-nul';

// int8 (bigserial positions) as JS numbers: positions stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

interface EventsTable {
  position: Generated<number>;
  event_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  schema_version: number;
  data: ColumnType<unknown, string, never>;
  metadata: ColumnType<Record<string, unknown>, string, never>;
  recorded_at: ColumnType<Date, never, never>;
  transaction_id: ColumnType<string, never, never>;
}
interface OutboxTable {
  id: Generated<number>;
  msg_id: string;
  subject: string;
  payload: ColumnType<unknown, string, never>;
  created_at: ColumnType<Date, never, never>;
  published_at: ColumnType<Date | null, never, Date>;
}
interface NetworkViewTable {
  name: string;
  doc: ColumnType<unknown, string, string>;
  position: number;
}
/** A host's state for one network (migrations/0007): `network_view` composes them into perHost. */
interface NetworkHostViewTable {
  network: string;
  host: string;
  doc: ColumnType<unknown, string, string>;
  position: number;
}
interface HostViewTable {
  name: string;
  doc: ColumnType<unknown, string, string>;
  position: number;
}
interface ProjectionCheckpointTable {
  projection: string;
  position: number;
}
interface ApiTokensTable {
  name: string;
  role: 'viewer' | 'operator' | 'admin';
  token_hash: Buffer;
  created_by: string;
  created_at: ColumnType<Date, never, never>;
  revoked_at: ColumnType<Date | null, never, Date>;
}
interface HostCredentialsTable {
  host: string;
  nats_user: string;
  password_hash: string;
  issued_at: ColumnType<Date, never, Date>;
}
export interface IdempotencyKeysTable {
  actor: string;
  key: string;
  fingerprint: string;
  status: number | null;
  response: ColumnType<unknown, string | null, string | null>;
  claimed_at: ColumnType<Date, Date | undefined, Date>;
}
export interface DeadLettersTable {
  id: Generated<number>;
  reason_code: string;
  reason: string;
  subject: string;
  host: string | null;
  payload: Buffer;
  payload_bytes: number;
  stream_sequence: number | null;
  deliveries: number;
  received_at: ColumnType<Date, never, never>;
}
export interface AuditChainTable {
  position: number;
  event_id: string;
  prev_position: number;
  hash: Buffer;
}
export interface AuditCheckpointsTable {
  position: number;
  hash: Buffer;
  signed_at: ColumnType<Date, Date, never>;
  key_id: string;
  signature: Buffer;
}
export interface WebhooksTable {
  id: string;
  url: string;
  secret: string;
  types: string[];
  networks: string[];
  hosts: string[];
  created_by: string;
  created_at: ColumnType<Date, never, never>;
  delivered_position: number;
  delivered_count: ColumnType<number, never, number>;
  status: ColumnType<'active' | 'retrying' | 'failed', never, 'active' | 'retrying' | 'failed'>;
  attempts: ColumnType<number, never, number>;
  last_error: ColumnType<string | null, never, string | null>;
  last_attempt_at: ColumnType<Date | null, never, Date | null>;
  last_success_at: ColumnType<Date | null, never, Date | null>;
  next_attempt_at: ColumnType<Date, never, Date>;
  lease_owner: ColumnType<string | null, never, string | null>;
  lease_until: ColumnType<Date | null, never, Date | null>;
}
export interface Tables {
  events: EventsTable;
  outbox: OutboxTable;
  /** The composed view (network_own_view with its network_host_view rows as perHost): read only. */
  network_view: NetworkViewTable;
  network_own_view: NetworkViewTable;
  network_host_view: NetworkHostViewTable;
  host_view: HostViewTable;
  projection_checkpoint: ProjectionCheckpointTable;
  api_tokens: ApiTokensTable;
  host_credentials: HostCredentialsTable;
  idempotency_keys: IdempotencyKeysTable;
  dead_letters: DeadLettersTable;
  audit_chain: AuditChainTable;
  audit_checkpoints: AuditCheckpointsTable;
  webhooks: WebhooksTable;
}

export type Database = Kysely<Tables>;

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/netfleet';

export interface DatabaseOptions {
  max?: number;
  /**
   * PostgreSQL's application_name for the pool's connections (pg_stat_activity shows it), so an
   * operator (and a test) can tell the API's connections apart: commands, the event stream.
   */
  applicationName?: string;
  /** A connection failed outside a query (the server closed it): logged, it is replaced. */
  onIdleError?: (e: Error) => void;
}

/**
 * A kysely handle over a pg pool. `close()` it with `db.destroy()`. Every error a query throws
 * is a NetfleetError (error-mapping-dialect.ts).
 */
export function createDatabase(url: string, options: DatabaseOptions = {}): Database {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, ...(options.applicationName ? { application_name: options.applicationName } : {}) });
  // An idle connection the server closed (restart, pg_terminate_backend, DROP DATABASE … FORCE, a
  // pooler) is dropped by the pool and replaced on the next checkout; unheard, its error would
  // crash the process.
  pool.on('error', (e) => options.onIdleError?.(e));
  // The pool hears a client only while it is idle: one checked out (between a checkout and its
  // query, between a transaction's statements) whose backend is terminated emits 'error' with no
  // listener, which would crash the process. Its query fails on its own; the pool drops it.
  pool.on('connect', (client) => client.on('error', (e) => options.onIdleError?.(e)));
  const db = new Kysely<Tables>({ dialect: new ErrorMappingPostgresDialect({ pool }), plugins: [new RejectNulPlugin()] });
  pools.set(db, pool);
  return db;
}

const pools = new WeakMap<Database, pg.Pool>();

/**
 * The pg pool under a handle made by createDatabase, for the one hot statement that runs as a
 * named prepared statement (parsed and planned once per connection, not per call).
 */
export function poolOf(db: Database): pg.Pool | undefined {
  return pools.get(db);
}
