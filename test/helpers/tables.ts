// Every row of every table of a harness's database (SQLite, or its private PostgreSQL schema), for
// the tests that search the database for a secret or for an account's leftovers.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Harness } from './harness.js';

export type TableDump = Record<string, Record<string, unknown>[]>;

/** Dumps every table; `expected` names tables that must be among them (a wrong schema dumps nothing). */
export async function dumpAllTables(h: Harness, expected: readonly string[] = ['users']): Promise<TableDump> {
  const db = h.runtime.db.db;
  const names =
    h.runtime.db.dialect === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)).rows.map(
          (r) => r.name,
        )
      : (
          await sql<{
            name: string;
          }>`select tablename as name from pg_catalog.pg_tables where schemaname = current_schema()`.execute(db)
        ).rows.map((r) => r.name);
  for (const t of expected) assert.ok(names.includes(t), `table ${t} among: ${names.join(', ')}`);
  const out: TableDump = {};
  for (const name of names)
    out[name] = (await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db)).rows;
  return out;
}
