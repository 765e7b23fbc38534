// One `twofold serve` per embedded SQLite database. Its limits (password throttle, sign-up and SMS
// caps) live in the process, so a second server on the same file would count apart and double
// every limit. The lock is a file beside the database holding the server's pid, created with
// O_EXCL (atomic: of two starting at once, one wins). A lock whose pid is gone (a crash, a kill -9)
// is taken over with a warning. Only `serve` takes it: migrate, backup and keys run beside it.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import type { Logger } from '../core/ports/logger.js';
import { StartupError } from './startup-error.js';

export interface InstanceLock {
  path: string;
  /** Removes the file if it is still ours; safe to call more than once. */
  release(): void;
}

/** Whether a process with this pid runs (signal 0 checks without sending; EPERM: it runs as another user). */
export function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPid(path: string): number | null {
  try {
    const n = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

function tryCreate(path: string, pid: number): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, `${pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The pid of a running `twofold serve` that holds the lock of `database`, or null. */
export function liveLockHolder(database: string, isAlive = pidIsAlive): number | null {
  const holder = readPid(`${database}.lock`);
  return holder !== null && holder !== process.pid && isAlive(holder) ? holder : null;
}

export function refusal(database: string, path: string, holder: number): StartupError {
  return new StartupError(
    `another twofold serve (pid ${holder}) is using ${database} (lock file ${path}): ` +
      'one server per SQLite database; to run several instances, use PostgreSQL (TWOFOLD_DATABASE_URL=postgres://…)',
  );
}

/**
 * Takes the lock for `database` (a SQLite file path) or throws a StartupError naming the holder.
 * `isAlive` is injectable for tests; a lock naming our own pid is stale (a container restarted
 * with the same pid 1).
 */
export function acquireInstanceLock(
  database: string,
  logger: Pick<Logger, 'warn'>,
  { pid = process.pid, isAlive = pidIsAlive }: { pid?: number; isAlive?: (pid: number) => boolean } = {},
): InstanceLock {
  const path = `${database}.lock`;
  if (!tryCreate(path, pid)) {
    const holder = readPid(path);
    if (holder !== null && holder !== pid && isAlive(holder)) throw refusal(database, path, holder);
    logger.warn({ file: path, pid: holder }, 'taking over a lock left by a server that is no longer running');
    try {
      unlinkSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    // Two servers taking over the same stale lock at once: at most one create succeeds, and the
    // read-back catches most of the rest (an unlink between the other's create and read-back).
    if (!tryCreate(path, pid) || readPid(path) !== pid) throw refusal(database, path, readPid(path) ?? 0);
  }
  let held = true;
  return {
    path,
    release() {
      if (!held) return;
      held = false;
      if (readPid(path) !== pid) return;
      try {
        unlinkSync(path);
      } catch {
        // already gone: nothing to release
      }
    },
  };
}
