// The better-sqlite3 build for this Node.js. Two majors are installed side by side because no one
// release runs on every line we support:
// - 12 (`better-sqlite3`, compiled at install) on Node 20: 13 needs Node >= 22 and crashes on 20.
// - 13 (`better-sqlite3-napi`, an npm alias; Node-API, prebuilt, no compiler) on Node >= 22: 12
//   wraps its objects in node::ObjectWrap, whose destructor on Node 24 asks for the current
//   Environment while the garbage collector frees a Statement outside any context, and aborts
//   the process (`Assertion failed: (env) != nullptr`, hooks.cc; WiseLibs/better-sqlite3#1515).
// npm skips the alias on Node 20 (an optional dependency whose `engines` does not match).
import { createRequire } from 'node:module';
import type SQLite from 'better-sqlite3';

export type SqliteConstructor = typeof SQLite;

const require = createRequire(import.meta.url);
let loaded: SqliteConstructor | undefined;

/** The package to load on Node.js `version` (e.g. process.versions.node). */
export function sqlitePackageFor(version: string): 'better-sqlite3' | 'better-sqlite3-napi' {
  const major = Number.parseInt(version, 10);
  return major >= 22 ? 'better-sqlite3-napi' : 'better-sqlite3';
}

/** Why a driver could not load, in words that say what to run; the cause is kept for the log. */
export function sqliteLoadFailure(name: string, version: string, cause: unknown): Error {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const message = String((cause as Error | undefined)?.message ?? cause);
  let hint: string;
  if (code === 'MODULE_NOT_FOUND' && name === 'better-sqlite3-napi') {
    hint = `${name} (better-sqlite3 13, needed on Node ${version}) is not installed; npm skips it when it runs under Node 20: run \`npm install\` again with this Node`;
  } else if (/NODE_MODULE_VERSION|compiled against a different Node\.js version/.test(message)) {
    hint = `${name} was built for another Node.js than ${version}: run \`npm rebuild better-sqlite3\` (or \`npm install\`) with this Node`;
  } else {
    hint = `${name} could not be loaded on Node ${version} (${message.split('\n')[0]}): run \`npm install\` again with this Node`;
  }
  return new Error(`SQLite driver: ${hint}`, { cause });
}

/** better-sqlite3's Database constructor for the running Node.js, loaded on first use. */
export function loadSqlite(version = process.versions.node): SqliteConstructor {
  if (loaded) return loaded;
  const name = sqlitePackageFor(version);
  try {
    const candidate = require(name) as SqliteConstructor;
    // The native part loads with the first database: open one here so a build for another Node
    // fails now, with the hint, rather than in the middle of start-up.
    new candidate(':memory:').close();
    loaded = candidate;
  } catch (e) {
    throw sqliteLoadFailure(name, version, e);
  }
  return loaded;
}
