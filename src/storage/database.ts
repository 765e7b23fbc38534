// Opens the database named by TWOFOLD_DATABASE_URL: `sqlite:PATH` (better-sqlite3, WAL) or
// `postgres://…` (pg pool). Both sit behind the same Kysely<Database>.
import { dirname } from 'node:path';
import type SQLite from 'better-sqlite3';
import { createRequire } from 'node:module';
import type pgTypes from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase } from 'kysely';
import type { Database } from './schema.js';
import type { Logger } from '../core/ports/logger.js';
import { prepareSqliteFile, settleSqliteFiles } from './private-files.js';
import { loadSqlite } from './sqlite-driver.js';

export type Dialect = 'sqlite' | 'postgres';

/** Runs a read-only statement at once, outside Kysely (see `openDatabase`). */
export interface DirectReader {
  all(sql: string, parameters: readonly unknown[]): unknown[];
}

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: Dialect;
  /**
   * SQLite file databases: a second, read-only connection for the hot reads (the session check,
   * the signed request's key, the sign-in challenge). Kysely's SQLite driver serialises every
   * statement through one connection behind a mutex, so a session check queued behind a sign-in's
   * write transaction and paid the executor's promise chain; in WAL mode a reader never waits for
   * the writer and sees every committed write (https://sqlite.org/wal.html#concurrency).
   */
  reader?: DirectReader;
  close(): Promise<void>;
}

let pgModule: typeof pgTypes | undefined;

/** The pg driver, loaded on first use: a SQLite deployment never needs its ~3 MiB. */
function loadPg(): typeof pgTypes {
  if (!pgModule) {
    pgModule = createRequire(import.meta.url)('pg') as typeof pgTypes;
    // int8 (bigint) arrives as a string by default; our values (ms timestamps, ids) fit in 2^53.
    pgModule.types.setTypeParser(20, (v: string) => Number.parseInt(v, 10));
  }
  return pgModule;
}

export function parseDatabaseUrl(url: string): { dialect: Dialect; target: string } {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path) throw new Error('TWOFOLD_DATABASE_URL: sqlite: needs a file path, e.g. sqlite:./data/twofold.db');
    return { dialect: 'sqlite', target: path };
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { dialect: 'postgres', target: url };
  throw new Error('TWOFOLD_DATABASE_URL: must be sqlite:PATH or postgres://…');
}

/**
 * Kysely's SQLite driver prepares every statement anew, which costs more than running it (a
 * session lookup: ~25 µs to prepare, ~5 µs to run). Our statements are a fixed set of SQL texts
 * with bound parameters, so one prepared statement per text is kept. Kysely's driver only calls
 * `all`/`run` (synchronous, so a statement is never used by two callers at once) and `iterate`
 * for streams, which we do not use. SQLite re-prepares a statement by itself after a schema
 * change (sqlite3_prepare_v3), so a cached statement survives migrations.
 */
export function withStatementCache(sqlite: SQLite.Database, max = 500): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => {
      cache.clear();
      sqlite.close();
    },
    prepare(text: string) {
      let statement = cache.get(text);
      if (!statement) {
        statement = sqlite.prepare(text);
        // Beyond `max` texts (only dynamic IN-lists could get there) the oldest is dropped.
        if (cache.size >= max) cache.delete(cache.keys().next().value as string);
        cache.set(text, statement);
      }
      return statement;
    },
  };
}

export function openDatabase(url: string, options: { poolSize?: number; logger?: Logger } = {}): DatabaseHandle {
  const { dialect, target } = parseDatabaseUrl(url);
  if (dialect === 'sqlite') {
    const logger = options.logger;
    const SQLite = loadSqlite();
    if (target !== ':memory:') prepareSqliteFile(target, dirname(target), logger);
    const sqlite = new SQLite(target);
    sqlite.pragma('journal_mode = WAL');
    if (target !== ':memory:') settleSqliteFiles(target, logger);
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    // 8 MiB of page cache for the writer (better-sqlite3 defaults to 16 MB), and as much for the
    // reader below: the pages a busy server reads again and again (index interiors, recent
    // sessions) stay in memory, while the two together hold what one did before. A cache grows
    // only as pages are touched.
    sqlite.pragma('cache_size = -8192');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    if (target === ':memory:') return { db, dialect, close: () => db.destroy() };
    // Opened after the writer, which has created the WAL and its index (a read-only connection
    // cannot); closed before it, so that the writer's close checkpoints and removes the WAL.
    const readOnly = new SQLite(target, { readonly: true, fileMustExist: true });
    readOnly.pragma('busy_timeout = 5000');
    readOnly.pragma('cache_size = -8192');
    const statements = withStatementCache(readOnly);
    const reader: DirectReader = { all: (text, parameters) => statements.prepare(text).all(parameters) };
    return {
      db,
      dialect,
      reader,
      close: async () => {
        readOnly.close();
        await db.destroy();
      },
    };
  }
  const pool = new (loadPg().Pool)({
    connectionString: target,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30000,
  });
  // A pool error (the server restarted) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  // That listener covers idle clients only: pg-pool removes it while a client is checked out (as
  // Kysely holds one for each query or transaction), and a connection lost then is emitted as an
  // 'error' event with no listener, which kills the process. The query in flight is rejected anyway
  // (answered 503) and pg-pool discards the dead client on release, so the event needs no handling.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect, close: () => db.destroy() };
}
