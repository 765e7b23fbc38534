// Where the database's schema stands against this build's migrations: `serve` without
// TWOFOLD_AUTO_MIGRATE refuses a schema that is missing or behind ("run `twofold migrate`"), every
// `serve` refuses one that is ahead (written by a newer version: a downgrade), and /readyz says
// "not ready" with the reason, so a load balancer never sends sign-ups to a server without tables.
import { sql } from 'kysely';
import type { DatabaseHandle } from './database.js';
import { MIGRATION_NAMES, MIGRATION_TABLE } from './migrate.js';

export type SchemaVerdict =
  | { state: 'current' }
  | { state: 'missing' }
  | { state: 'behind'; pending: string[] }
  | { state: 'ahead'; unknown: string[] };

/** Compares the applied migrations with the known ones (pure: the decision, apart from the query). */
export function judgeSchema(known: readonly string[], applied: readonly string[] | null): SchemaVerdict {
  if (applied === null || applied.length === 0) return { state: 'missing' };
  const unknown = applied.filter((m) => !known.includes(m)).sort();
  if (unknown.length > 0) return { state: 'ahead', unknown };
  const pending = known.filter((m) => !applied.includes(m));
  return pending.length > 0 ? { state: 'behind', pending } : { state: 'current' };
}

/** One line for an operator: what is wrong and the command that fixes it (null when current). */
export function describeSchema(verdict: SchemaVerdict): string | null {
  switch (verdict.state) {
    case 'current':
      return null;
    case 'missing':
      return 'the database has no Twofold schema: run `twofold migrate` (or set TWOFOLD_AUTO_MIGRATE=true)';
    case 'behind':
      return `the database schema is older than this version (missing ${verdict.pending.join(', ')}): run \`twofold migrate\``;
    case 'ahead':
      return `the database schema is newer than this version (it has ${verdict.unknown.join(', ')}): run the newer Twofold, or restore a backup taken before the upgrade`;
  }
}

/** The names recorded in the migration table, or null when the table does not exist. */
export async function appliedMigrations(handle: DatabaseHandle): Promise<string[] | null> {
  const exists =
    handle.dialect === 'sqlite'
      ? (
          await sql<{
            n: number;
          }>`select count(*) as n from sqlite_master where type = 'table' and name = ${MIGRATION_TABLE}`.execute(
            handle.db,
          )
        ).rows[0]!.n > 0
      : // to_regclass resolves the name through the search path, as the migrator's own table does.
        (await sql<{ t: string | null }>`select to_regclass(${MIGRATION_TABLE})::text as t`.execute(handle.db)).rows[0]!
          .t !== null;
  if (!exists) return null;
  const rows = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)}`.execute(handle.db);
  return rows.rows.map((r) => r.name);
}

export async function checkSchema(handle: DatabaseHandle): Promise<SchemaVerdict> {
  return judgeSchema(MIGRATION_NAMES, await appliedMigrations(handle));
}
