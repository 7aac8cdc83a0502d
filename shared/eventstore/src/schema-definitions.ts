import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { NetfleetError } from '@netfleet/errors/netfleet-error';

/**
 * A database object whose whole current text lives in one place: the append function, which
 * every change to the append path restates in full (`CREATE OR REPLACE`). Migrations are history
 * (tables, data moves), frozen once shipped; a definition is applied after them whenever its
 * revision is newer than the database's, so its text is written once and never copied into a
 * migration. (Flyway calls these repeatable migrations; the revision keeps an older instance of a
 * rolling deploy from putting its older text back.)
 */
export interface SchemaDefinition {
  readonly name: string;
  /** Raised with every change of `sql`. */
  readonly revision: number;
  readonly sql: string;
}

/** What applying the definitions did to one of them. */
export interface DefinitionResult {
  readonly name: string;
  readonly revision: number;
}

const checksumOf = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Applies each definition whose revision the database does not have yet, in one transaction
 * (all or none); the caller holds the migration lock (migrate.ts). A database at a newer revision
 * keeps its text. The same revision with another text is a definition edited without raising its
 * revision: refused, so that databases which applied the earlier text do not silently differ
 * from new ones.
 */
export async function applySchemaDefinitions<T>(db: Kysely<T>, definitions: readonly SchemaDefinition[]): Promise<DefinitionResult[]> {
  if (definitions.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ name: string; revision: number; checksum: string }>`SELECT name, revision, checksum FROM schema_definitions`.execute(trx);
    const applied = new Map(rows.map((r) => [r.name, r]));
    const results: DefinitionResult[] = [];
    for (const definition of definitions) {
      const checksum = checksumOf(definition.sql);
      const current = applied.get(definition.name);
      if (current && current.revision > definition.revision) continue;
      if (current && current.revision === definition.revision) {
        if (current.checksum === checksum) continue;
        throw new NetfleetError('NF_STORE_MIGRATION_FAILED', {
          migration: `definition ${definition.name}`,
          reason: `its text changed but its revision is still ${definition.revision}; raise the revision with every change`,
          results,
        });
      }
      await sql.raw(definition.sql).execute(trx);
      await sql`INSERT INTO schema_definitions (name, revision, checksum) VALUES (${definition.name}, ${definition.revision}, ${checksum})
                ON CONFLICT (name) DO UPDATE SET revision = EXCLUDED.revision, checksum = EXCLUDED.checksum, applied_at = now()`.execute(trx);
      results.push({ name: definition.name, revision: definition.revision });
    }
    return results;
  });
}
