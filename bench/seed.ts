// Bulk seeding straight into the database (never through the API), after the server's own
// migrations have created the schema.
//
// Every account gets a user row (the ONE argon2id hash, made once by the server's Argon2Hasher,
// reused for all; its mailbox counts as proven) and a session; every totpEvery-th a TOTP factor,
// every keyEvery-th an access key. The rows the load generator uses (the pools) are made with the
// server's code paths: session token hashes by src/core/tokens.ts hashToken, TOTP and access-key
// secrets sealed by src/core/envelope.ts seal under the server's AADs ('totp:'+userId,
// 'access-key:'+id). The other rows, which no request ever reads, are filled in SQL with random
// bytes of the same shape and length (a random 64-hex token hash IS what a real one looks like),
// so that a million accounts seed in seconds: no JavaScript runs per row.
//
// SQLite: one transaction of `INSERT … SELECT` over a recursive CTE, no journal while seeding.
// PostgreSQL: the same statements over generate_series, one transaction, synchronous_commit off.
import { loadSqlite } from '../src/storage/sqlite-driver.js';
import pg from 'pg';
import { cryptoRandom } from '../src/adapters/crypto-random.js';
import { primaryKid, seal, type Keyring } from '../src/core/envelope.js';
import { hashToken } from '../src/core/tokens.js';
import { accessKeyAad, totpAad } from '../src/core/aad.js';
import { openDatabase, parseDatabaseUrl } from '../src/storage/database.js';
import { migrateToLatest } from '../src/storage/migrate.js';
import { accessKeyId, accessKeySecret, sessionToken, totpSecret, type SeedPlan } from './fixtures.js';

const DAY = 86_400_000;
/** The contract's absolute web session lifetime; every seeded session is young. */
const SESSION_ABSOLUTE_MS = 30 * DAY;
/** The server's challenge lifetime (src/services/sign-in-challenge.ts CHALLENGE_TTL_MS). */
export const CHALLENGE_TTL_MS = 5 * 60_000;

export interface Pools {
  /** Accounts whose session token the load generator holds. */
  sessions: readonly number[];
  /** Accounts (all with n % totpEvery === 0) whose TOTP secret the load generator holds. */
  totp: readonly number[];
  /** Accounts (all with n % keyEvery === 0) whose access key the load generator holds. */
  keys: readonly number[];
}

export interface SeedInput {
  databaseUrl: string;
  salt: string;
  plan: SeedPlan;
  pools: Pools;
  keyring: Keyring;
  passwordHash: string;
  now: number;
}

export interface SeedReport {
  accounts: number;
  sessions: number;
  totpFactors: number;
  accessKeys: number;
  /** Time of the bulk insert itself (after the migrations). */
  ms: number;
}

/** Creates the schema with the server's own migrations, then seeds. */
export async function seed(input: SeedInput): Promise<SeedReport> {
  for (const n of input.pools.totp)
    if (n % input.plan.totpEvery !== 0) throw new Error(`seed: account ${n} has no TOTP factor`);
  for (const n of input.pools.keys)
    if (n % input.plan.keyEvery !== 0) throw new Error(`seed: account ${n} has no access key`);
  const handle = openDatabase(input.databaseUrl);
  try {
    await migrateToLatest(handle);
  } finally {
    await handle.close();
  }
  const started = performance.now();
  const counts =
    parseDatabaseUrl(input.databaseUrl).dialect === 'sqlite' ? seedSqlite(input) : await seedPostgres(input);
  return { ...counts, ms: Math.round(performance.now() - started) };
}

type Counts = Omit<SeedReport, 'ms'>;

interface PoolRows {
  sessions: { n: number; tokenHash: string }[];
  keys: { n: number; id: string; secretEnc: string }[];
}

function poolRows(input: SeedInput): PoolRows {
  const { salt, keyring } = input;
  return {
    sessions: input.pools.sessions.map((n) => ({ n, tokenHash: hashToken(sessionToken(salt, n)) })),
    keys: input.pools.keys.map((n) => {
      const id = accessKeyId(salt, n);
      return { n, id, secretEnc: seal(keyring, accessKeySecret(salt, n), accessKeyAad(id), cryptoRandom) };
    }),
  };
}

/** TOTP envelopes bind the user id (AAD), which the database made: seal after the users exist. */
function sealTotp(input: SeedInput, ids: Map<number, string>): { n: number; secretEnc: string }[] {
  return input.pools.totp.map((n) => {
    const id = ids.get(n);
    if (id === undefined) throw new Error(`seed: account ${n} missing`);
    return { n, secretEnc: seal(input.keyring, totpSecret(input.salt, n), totpAad(id), cryptoRandom) };
  });
}

function sqlitePath(url: string): string {
  return parseDatabaseUrl(url).target;
}

// Filler in the production shapes and lengths: ids of 22 characters, token hashes of 64 hex
// digits, v1 envelopes of the real lengths (a TOTP secret seals 20 bytes, an access key 30), key
// ids of 20 characters. Each starts with the account number in hex, so rows go into every index
// in key order (like time-ordered ids) instead of at random places: a million rows seed several
// times faster, and a lookup still walks a B-tree of a million entries.
const SQLITE_FILL = {
  id: (n: string) => `printf('%08x', ${n}) || lower(hex(randomblob(7)))`,
  tokenHash: (n: string) => `printf('%08x', ${n}) || lower(hex(randomblob(28)))`,
  envelope: (kid: string, bytes: number) =>
    `'v1.${kid}.' || substr(hex(randomblob(8)), 1, 16) || '.' || substr(lower(hex(randomblob(${bytes + 16}))), 1, ${Math.ceil(((bytes + 16) * 4) / 3)})`,
  keyId: (n: string) => `printf('%08X', ${n}) || substr(upper(hex(randomblob(6))), 1, 12)`,
};

function seedSqlite(input: SeedInput): Counts {
  const { salt, plan, keyring, passwordHash, now } = input;
  const kid = primaryKid(keyring);
  const pools = poolRows(input);
  const db = new (loadSqlite())(sqlitePath(input.databaseUrl));
  try {
    db.pragma('journal_mode = OFF'); // a fresh file: nothing to roll back to
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -1048576'); // 1 GiB while seeding: index pages stay in memory
    db.pragma('temp_store = MEMORY');
    db.exec(`
      CREATE TEMP TABLE pool_sessions (n INTEGER PRIMARY KEY, token_hash TEXT NOT NULL);
      CREATE TEMP TABLE pool_totp (n INTEGER PRIMARY KEY, secret_enc TEXT NOT NULL);
      CREATE TEMP TABLE pool_keys (n INTEGER PRIMARY KEY, id TEXT NOT NULL, secret_enc TEXT NOT NULL);`);
    const p = {
      last: plan.accounts - 1,
      hash: passwordHash,
      now,
      expires: now + SESSION_ABSOLUTE_MS,
      te: plan.totpEvery,
      ke: plan.keyEvery,
      salt,
    };
    const seq = 'WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < @last)';
    // users.rowid - 1 is the account number: the rows go in in order, into a fresh table.
    const counts = db.transaction(() => {
      const insPoolSession = db.prepare('INSERT INTO pool_sessions VALUES (?, ?)');
      for (const s of pools.sessions) insPoolSession.run(s.n, s.tokenHash);
      const insPoolKey = db.prepare('INSERT INTO pool_keys VALUES (?, ?, ?)');
      for (const k of pools.keys) insPoolKey.run(k.n, k.id, k.secretEnc);

      const accounts = db
        .prepare(
          `${seq} INSERT INTO users (rowid, id, email, password_hash, created_at, updated_at, email_verified_at)
           SELECT n + 1, ${SQLITE_FILL.id('n')}, 'bench' || printf('%07d', n) || '.' || @salt || '@example.test', @hash, @now, @now, @now FROM seq`,
        )
        .run(p).changes;
      const ids = new Map<number, string>();
      const getId = db.prepare('SELECT id FROM users WHERE rowid = ?').pluck();
      for (const n of input.pools.totp) ids.set(n, getId.get(n + 1) as string);
      const insPoolTotp = db.prepare('INSERT INTO pool_totp VALUES (?, ?)');
      for (const t of sealTotp(input, ids)) insPoolTotp.run(t.n, t.secretEnc);

      const sessions = db
        .prepare(
          `INSERT INTO sessions (id, user_id, token_hash, client, created_at, last_seen_at, absolute_expires_at, ip, user_agent)
           SELECT ${SQLITE_FILL.id('u.rowid')}, u.id, coalesce(p.token_hash, ${SQLITE_FILL.tokenHash('u.rowid')}), CASE u.rowid % 2 WHEN 1 THEN 'web' ELSE 'app' END,
                  @now, @now, @expires, '203.0.113.7', 'twofold-bench'
           FROM users u LEFT JOIN pool_sessions p ON p.n = u.rowid - 1 ORDER BY u.rowid`,
        )
        .run(p).changes;
      const totpFactors = db
        .prepare(
          `INSERT INTO mfa_factors (user_id, method, secret_enc, phone_enc, phone_hint, last_step, enabled_at)
           SELECT u.id, 'totp', coalesce(p.secret_enc, ${SQLITE_FILL.envelope(kid, 20)}), NULL, NULL, NULL, @now
           FROM users u LEFT JOIN pool_totp p ON p.n = u.rowid - 1 WHERE (u.rowid - 1) % @te = 0 ORDER BY u.rowid`,
        )
        .run(p).changes;
      const accessKeys = db
        .prepare(
          `INSERT INTO access_keys (id, user_id, secret_enc, enabled, created_at, last_used_at)
           SELECT coalesce(p.id, ${SQLITE_FILL.keyId('u.rowid')}), u.id, coalesce(p.secret_enc, ${SQLITE_FILL.envelope(kid, 30)}), 1, @now, NULL
           FROM users u LEFT JOIN pool_keys p ON p.n = u.rowid - 1 WHERE (u.rowid - 1) % @ke = 0 ORDER BY u.rowid`,
        )
        .run(p).changes;
      return { accounts, sessions, totpFactors, accessKeys };
    })();
    db.exec('DROP TABLE pool_sessions; DROP TABLE pool_totp; DROP TABLE pool_keys;');
    // What the server runs with (src/storage/database.ts). No ANALYZE: the server never runs it.
    db.pragma('journal_mode = WAL');
    return counts;
  } finally {
    db.close();
  }
}

const PG_FILL = {
  // The account's id is a function of its number (and the run's salt), so no table of ids is
  // needed between the statements: each one walks generate_series on its own.
  userId: (n: string, salt: string) => `lpad(to_hex(${n}), 8, '0') || substr(md5(${n}::text || '${salt}'), 1, 14)`,
  id: (n: string) => `lpad(to_hex(${n}), 8, '0') || substr(md5(random()::text), 1, 14)`,
  tokenHash: (n: string) => `lpad(to_hex(${n}), 8, '0') || substr(md5(random()::text) || md5(random()::text), 1, 56)`,
  envelope: (kid: string, bytes: number) =>
    `'v1.${kid}.' || substr(md5(random()::text), 1, 16) || '.' || substr(repeat(md5(random()::text), 4), 1, ${Math.ceil(((bytes + 16) * 4) / 3)})`,
  keyId: (n: string) => `upper(lpad(to_hex(${n}), 8, '0') || substr(md5(random()::text), 1, 12))`,
};

async function seedPostgres(input: SeedInput): Promise<Counts> {
  const { salt, plan, keyring, passwordHash, now } = input;
  if (!/^[0-9a-z]+$/i.test(salt)) throw new Error('seed: the salt must be alphanumeric');
  const kid = primaryKid(keyring);
  const pools = poolRows(input);
  const uid = (n: string) => PG_FILL.userId(n, salt);
  const client = new pg.Client({ connectionString: input.databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL synchronous_commit = off');
    await client.query(`
      CREATE TEMP TABLE pool_sessions (n bigint PRIMARY KEY, token_hash text NOT NULL) ON COMMIT DROP;
      CREATE TEMP TABLE pool_totp (n bigint PRIMARY KEY, secret_enc text NOT NULL) ON COMMIT DROP;
      CREATE TEMP TABLE pool_keys (n bigint PRIMARY KEY, id text NOT NULL, secret_enc text NOT NULL) ON COMMIT DROP;`);
    await client.query('INSERT INTO pool_sessions SELECT * FROM unnest($1::bigint[], $2::text[])', [
      pools.sessions.map((s) => s.n),
      pools.sessions.map((s) => s.tokenHash),
    ]);
    await client.query('INSERT INTO pool_keys SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])', [
      pools.keys.map((k) => k.n),
      pools.keys.map((k) => k.id),
      pools.keys.map((k) => k.secretEnc),
    ]);
    const got = await client.query<{ n: string; id: string }>(
      `SELECT n::text AS n, ${uid('n')} AS id FROM unnest($1::bigint[]) AS n`,
      [[...input.pools.totp]],
    );
    const totp = sealTotp(input, new Map(got.rows.map((r) => [Number(r.n), r.id] as const)));
    await client.query('INSERT INTO pool_totp SELECT * FROM unnest($1::bigint[], $2::text[])', [
      totp.map((t) => t.n),
      totp.map((t) => t.secretEnc),
    ]);
    const series = 'generate_series(0, $1::bigint) AS g(i)';
    const accounts =
      (
        await client.query(
          `INSERT INTO users (id, email, password_hash, created_at, updated_at, email_verified_at)
       SELECT ${uid('g.i')}, 'bench' || lpad(g.i::text, 7, '0') || '.' || $2 || '@example.test', $3, $4, $4, $4 FROM ${series}`,
          [plan.accounts - 1, salt, passwordHash, now],
        )
      ).rowCount ?? 0;
    const sessions =
      (
        await client.query(
          `INSERT INTO sessions (id, user_id, token_hash, client, created_at, last_seen_at, absolute_expires_at, ip, user_agent)
       SELECT ${PG_FILL.id('g.i')}, ${uid('g.i')}, coalesce(p.token_hash, ${PG_FILL.tokenHash('g.i')}), CASE g.i % 2 WHEN 0 THEN 'web' ELSE 'app' END,
              $2, $2, $3, '203.0.113.7', 'twofold-bench'
       FROM ${series} LEFT JOIN pool_sessions p ON p.n = g.i ORDER BY g.i`,
          [plan.accounts - 1, now, now + SESSION_ABSOLUTE_MS],
        )
      ).rowCount ?? 0;
    const totpFactors =
      (
        await client.query(
          `INSERT INTO mfa_factors (user_id, method, secret_enc, enabled_at)
       SELECT ${uid('g.i')}, 'totp', coalesce(p.secret_enc, ${PG_FILL.envelope(kid, 20)}), $2
       FROM ${series} LEFT JOIN pool_totp p ON p.n = g.i WHERE g.i % $3 = 0 ORDER BY g.i`,
          [plan.accounts - 1, now, plan.totpEvery],
        )
      ).rowCount ?? 0;
    const accessKeys =
      (
        await client.query(
          `INSERT INTO access_keys (id, user_id, secret_enc, enabled, created_at)
       SELECT coalesce(p.id, ${PG_FILL.keyId('g.i')}), ${uid('g.i')}, coalesce(p.secret_enc, ${PG_FILL.envelope(kid, 30)}), 1, $2
       FROM ${series} LEFT JOIN pool_keys p ON p.n = g.i WHERE g.i % $3 = 0 ORDER BY g.i`,
          [plan.accounts - 1, now, plan.keyEvery],
        )
      ).rowCount ?? 0;
    await client.query('COMMIT');
    // What autovacuum would do soon after a bulk load: the planner needs the tables' sizes.
    await client.query('ANALYZE users, sessions, mfa_factors, access_keys');
    return { accounts, sessions, totpFactors, accessKeys };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    await client.end();
  }
}
