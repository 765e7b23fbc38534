// The SQLite database holds password hashes, session digests and encrypted factor secrets, and the
// data folder also holds the generated key: only the server's own user may read them. The folder
// is created 0700 and the database file 0600 before SQLite opens it; SQLite's unix VFS gives the
// -wal and -shm files it creates the database file's mode (https://sqlite.org/tempfiles.html), so
// they are 0600 too. Files left looser by an older version or by hand are tightened, with one
// warning naming them.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import type { Logger } from '../core/ports/logger.js';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates `dir` (and missing parents) with mode 0700. A folder that already exists is left as the
 * operator set it: it may be shared on purpose, and the files inside are private anyway.
 */
export function ensurePrivateDir(dir: string): void {
  if (existsSync(dir)) return;
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  // The umask only removes bits, but one that removes fewer than 077 must not matter here.
  chmodSync(dir, PRIVATE_DIR_MODE);
}

/** The database file and its WAL companions (https://sqlite.org/wal.html#the_wal_file). */
export function sqliteFiles(path: string): string[] {
  return [path, `${path}-wal`, `${path}-shm`];
}

/** Sets 0600 on each existing file that is more open than that; answers the files it changed. */
export function tightenFiles(paths: readonly string[]): string[] {
  const changed: string[] = [];
  for (const p of paths) {
    let mode: number;
    try {
      mode = statSync(p).mode & 0o777;
    } catch {
      continue; // not there (yet): nothing to tighten
    }
    if ((mode & 0o077) === 0) continue;
    chmodSync(p, PRIVATE_FILE_MODE);
    changed.push(p);
  }
  return changed;
}

/**
 * Before SQLite opens `path`: its folder exists (0700 when created here), the file exists with
 * mode 0600, and any looser database file left from before is tightened and reported once.
 */
export function prepareSqliteFile(path: string, dir: string, logger: Logger | undefined): void {
  ensurePrivateDir(dir);
  // 'a' creates an empty file (a valid empty database for SQLite) without touching an existing one.
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  warnIfTightened(tightenFiles(sqliteFiles(path)), logger);
}

/** After SQLite created the WAL and its index: they carry the file's mode, checked all the same. */
export function settleSqliteFiles(path: string, logger: Logger | undefined): void {
  warnIfTightened(tightenFiles(sqliteFiles(path).slice(1)), logger);
}

/** Without a logger (a CLI command that opens the database) the files are tightened quietly. */
function warnIfTightened(files: string[], logger: Logger | undefined): void {
  if (files.length > 0) logger?.warn({ files }, 'database files were readable by other users: set their mode to 0600');
}
