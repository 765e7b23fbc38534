// Backups of the database named by TWOFOLD_DATABASE_URL: SQLite's online backup API, or pg_dump /
// pg_restore with the password in PGPASSWORD. The keyring is in no backup. Procedure and why:
// docs/operations.md, "Backups".
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import type SQLite from 'better-sqlite3';
import pg from 'pg';
import { parseDatabaseUrl } from './database.js';
import { loadSqlite } from './sqlite-driver.js';

/** A refusal to explain to the operator (the CLI prints the message and exits 1). */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

export interface BackupReport {
  engine: 'sqlite' | 'postgres';
  path: string;
  bytes: number;
  /** SQLite: the migrations the copy holds. */
  migrations?: number;
}

export const POSTGRES_PROCEDURE = `Back up PostgreSQL with the client tools of the server's major version (pg_dump, pg_restore):
  backup:   pg_dump --format=custom --file PATH "$TWOFOLD_DATABASE_URL"
  restore:  stop every instance, then
            pg_restore --clean --if-exists --dbname "$TWOFOLD_DATABASE_URL" PATH
            and start the instances again (they migrate the restored schema forward if needed).
Keep TWOFOLD_SECRET_KEYS with the backup, but not in the same place: the database is useless without it.`;

const partialName = (path: string) => join(dirname(path), `.${randomBytes(6).toString('hex')}.partial`);

/** Opens a file and checks that it is a whole Twofold database; answers its migration count. */
function checkTwofoldFile(path: string): number {
  let db: SQLite.Database;
  try {
    db = new (loadSqlite())(path, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new BackupError(`${path} cannot be opened as a SQLite database: ${(e as Error).message}`);
  }
  try {
    const ok = (db.pragma('quick_check', { simple: true }) as string) === 'ok';
    if (!ok) throw new BackupError(`${path} is damaged (SQLite quick_check failed)`);
    const table = db.prepare("select 1 from sqlite_master where type = 'table' and name = 'twofold_migrations'").get();
    if (!table) throw new BackupError(`${path} is not a Twofold database (it has no twofold_migrations table)`);
    return (db.prepare('select count(*) as n from twofold_migrations').get() as { n: number }).n;
  } catch (e) {
    if (e instanceof BackupError) throw e;
    throw new BackupError(`${path} is not a Twofold database: ${(e as Error).message}`);
  } finally {
    db.close();
  }
}

export async function backupSqlite(dbPath: string, dest: string, force = false): Promise<BackupReport> {
  if (!existsSync(dbPath)) throw new BackupError(`there is no database at ${dbPath}`);
  if (existsSync(dest) && !force) throw new BackupError(`${dest} exists; pass --force to overwrite it`);
  const partial = partialName(resolve(dest));
  const SQLite = loadSqlite();
  const source = new SQLite(dbPath, { fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    // All remaining pages in one step: a consistent snapshot under one read transaction, which in
    // WAL mode does not block the server's writers (smaller steps restart when the server writes).
    await source.backup(partial, { progress: () => 0x7fffffff });
  } catch (e) {
    rmSync(partial, { force: true });
    throw new BackupError(`the backup of ${dbPath} failed: ${(e as Error).message}`);
  } finally {
    source.close();
  }
  try {
    // One self-contained file: the live database is in WAL mode, and so is a page copy of it.
    const copy = new SQLite(partial);
    copy.pragma('journal_mode = DELETE');
    copy.close();
    const migrations = checkTwofoldFile(partial);
    chmodSync(partial, 0o600); // password hashes and sealed secrets: as private as the database
    renameSync(partial, dest);
    return { engine: 'sqlite', path: dest, bytes: statSync(dest).size, migrations };
  } finally {
    rmSync(partial, { force: true });
  }
}

export function restoreSqlite(backupPath: string, dbPath: string, force = false): BackupReport {
  if (!existsSync(backupPath)) throw new BackupError(`there is no backup at ${backupPath}`);
  const migrations = checkTwofoldFile(backupPath);
  if (existsSync(dbPath) && !force) {
    throw new BackupError(`a database exists at ${dbPath}; stop every instance, then pass --force to replace it`);
  }
  const partial = partialName(resolve(dbPath));
  try {
    copyFileSync(backupPath, partial);
    chmodSync(partial, 0o600);
    // The old database's WAL belongs to the old file: left beside the new one, SQLite would replay it.
    for (const suffix of ['-wal', '-shm', '-journal']) rmSync(dbPath + suffix, { force: true });
    renameSync(partial, dbPath);
  } finally {
    rmSync(partial, { force: true });
  }
  return { engine: 'sqlite', path: dbPath, bytes: statSync(dbPath).size, migrations };
}

/** The URL without its password, the password for PGPASSWORD, and the schema it pins (if any). */
export function postgresTarget(url: string): { url: string; password?: string; schema?: string } {
  const u = new URL(url);
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  u.password = '';
  const schema = /search_path\s*=\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(u.searchParams.get('options') ?? '')?.[1];
  // libpq decodes %XX but not `+`, which URLSearchParams writes for a space (`options=-c+search_path…`).
  u.search = [...u.searchParams].map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  return { url: u.toString(), ...(password ? { password } : {}), ...(schema ? { schema } : {}) };
}

/** Runs a PostgreSQL client tool; null when it is not installed. */
function runTool(
  tool: string,
  args: string[],
  password: string | undefined,
): Promise<{ code: number; stderr: string } | null> {
  return new Promise((done) => {
    const child = spawn(tool, args, {
      env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.once('error', (e: NodeJS.ErrnoException) =>
      done(e.code === 'ENOENT' ? null : { code: 1, stderr: e.message }),
    );
    child.once('close', (code) => done({ code: code ?? 1, stderr }));
  });
}

export async function backupPostgres(url: string, dest: string, force = false): Promise<BackupReport | null> {
  if (existsSync(dest) && !force) throw new BackupError(`${dest} exists; pass --force to overwrite it`);
  const t = postgresTarget(url);
  const partial = partialName(resolve(dest));
  try {
    const r = await runTool(
      'pg_dump',
      ['--format=custom', `--file=${partial}`, ...(t.schema ? [`--schema=${t.schema}`] : []), `--dbname=${t.url}`],
      t.password,
    );
    if (r === null) return null;
    if (r.code !== 0) throw new BackupError(`pg_dump failed: ${r.stderr.trim()}`);
    chmodSync(partial, 0o600);
    renameSync(partial, dest);
  } finally {
    rmSync(partial, { force: true });
  }
  return { engine: 'postgres', path: dest, bytes: statSync(dest).size };
}

/** True when the database (the URL's schema) already holds a Twofold schema. */
async function postgresHasTwofold(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query(
      "select 1 from information_schema.tables where table_schema = current_schema() and table_name = 'twofold_migrations'",
    );
    return (r.rowCount ?? 0) > 0;
  } finally {
    await client.end();
  }
}

export async function restorePostgres(backupPath: string, url: string, force = false): Promise<BackupReport | null> {
  if (!existsSync(backupPath)) throw new BackupError(`there is no backup at ${backupPath}`);
  if (!force && (await postgresHasTwofold(url))) {
    throw new BackupError(
      'the database already holds a Twofold schema; stop every instance, then pass --force to replace it',
    );
  }
  const t = postgresTarget(url);
  const r = await runTool(
    'pg_restore',
    ['--clean', '--if-exists', '--no-owner', '--single-transaction', `--dbname=${t.url}`, backupPath],
    t.password,
  );
  if (r === null) return null;
  if (r.code !== 0) throw new BackupError(`pg_restore failed: ${r.stderr.trim()}`);
  return { engine: 'postgres', path: backupPath, bytes: statSync(backupPath).size };
}

/** The engine and target of TWOFOLD_DATABASE_URL (an in-memory SQLite database cannot be backed up). */
export function backupTarget(databaseUrl: string): { engine: 'sqlite' | 'postgres'; target: string } {
  const { dialect, target } = parseDatabaseUrl(databaseUrl);
  if (dialect === 'sqlite' && target === ':memory:')
    throw new BackupError('an in-memory database cannot be backed up or restored');
  return { engine: dialect, target };
}
