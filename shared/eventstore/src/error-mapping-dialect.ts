import { PostgresDialect, type CompiledQuery, type DatabaseConnection, type Driver, type PostgresDialectConfig, type QueryResult, type TransactionSettings } from 'kysely';
import { fromPgError } from './pg-error';

/**
 * kysely's PostgreSQL dialect with every failure mapped by fromPgError: a query, a checkout from
 * the pool, BEGIN/COMMIT. So no PostgreSQL error (nor a pg driver's) leaves the event store; the
 * callers, up to the HTTP edge, only read NetfleetError codes.
 */
export class ErrorMappingPostgresDialect extends PostgresDialect {
  constructor(config: PostgresDialectConfig) { super(config); }

  override createDriver(): Driver {
    return new ErrorMappingDriver(super.createDriver());
  }
}

const mapped = async <T>(run: () => Promise<T>): Promise<T> => {
  try { return await run(); } catch (e) { throw fromPgError(e); }
};

class ErrorMappingConnection implements DatabaseConnection {
  constructor(readonly inner: DatabaseConnection) {}
  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> { return mapped(() => this.inner.executeQuery<R>(query)); }
  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    try { yield* this.inner.streamQuery<R>(query, chunkSize); } catch (e) { throw fromPgError(e); }
  }
}

class ErrorMappingDriver implements Driver {
  constructor(private readonly inner: Driver) {}
  private static unwrap = (c: DatabaseConnection) => (c as ErrorMappingConnection).inner;
  init() { return mapped(() => this.inner.init()); }
  async acquireConnection(): Promise<DatabaseConnection> { return new ErrorMappingConnection(await mapped(() => this.inner.acquireConnection())); }
  beginTransaction(c: DatabaseConnection, settings: TransactionSettings) { return mapped(() => this.inner.beginTransaction(ErrorMappingDriver.unwrap(c), settings)); }
  commitTransaction(c: DatabaseConnection) { return mapped(() => this.inner.commitTransaction(ErrorMappingDriver.unwrap(c))); }
  rollbackTransaction(c: DatabaseConnection) { return mapped(() => this.inner.rollbackTransaction(ErrorMappingDriver.unwrap(c))); }
  releaseConnection(c: DatabaseConnection) { return this.inner.releaseConnection(ErrorMappingDriver.unwrap(c)); }
  destroy() { return this.inner.destroy(); }
}
