// Sign-in challenges seeded straight into the database for the verify-only figure (the rows
// `POST /v1/auth/login` leaves), beside the bulk seed of ./seed.ts.
import pg from 'pg';
import { hashToken } from '../src/core/tokens.js';
import { parseDatabaseUrl } from '../src/storage/database.js';
import { loadSqlite } from '../src/storage/sqlite-driver.js';
import { email } from './fixtures.js';
import { CHALLENGE_TTL_MS } from './seed.js';

export interface PreparedChallenge {
  /** The account number (see fixtures.ts). */
  n: number;
  token: string;
}

/**
 * Sign-in challenges exactly as POST /v1/auth/login leaves them (src/services/sign-in-challenge.ts
 * create: id_hash = hashToken(token), method totp, the client, via password, 5 minutes), for the
 * verify-only figure: making tens of thousands through the API would cost an argon2id verify
 * each. Written while the server runs (WAL on SQLite), just before that figure is measured.
 */
export async function insertChallenges(
  databaseUrl: string,
  salt: string,
  list: readonly PreparedChallenge[],
  now: number,
): Promise<void> {
  const expires = now + CHALLENGE_TTL_MS;
  const rows = list.map((c) => ({ idHash: hashToken(c.token), email: email(salt, c.n) }));
  if (parseDatabaseUrl(databaseUrl).dialect === 'sqlite') {
    const db = new (loadSqlite())(parseDatabaseUrl(databaseUrl).target);
    try {
      db.pragma('busy_timeout = 5000');
      const ins = db.prepare(
        `INSERT INTO mfa_challenges (id_hash, user_id, method, client, via, created_at, expires_at, failures, closed_at)
         SELECT ?, id, 'totp', 'app', 'password', ?, ?, 0, NULL FROM users WHERE email = ?`,
      );
      db.transaction(() => {
        for (const r of rows)
          if (ins.run(r.idHash, now, expires, r.email).changes !== 1) throw new Error(`no account ${r.email}`);
      })();
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const r = await client.query(
      `INSERT INTO mfa_challenges (id_hash, user_id, method, client, via, created_at, expires_at, failures)
       SELECT c.id_hash, u.id, 'totp', 'app', 'password', $3, $4, 0 FROM unnest($1::text[], $2::text[]) AS c(id_hash, email) JOIN users u ON u.email = c.email`,
      [rows.map((x) => x.idHash), rows.map((x) => x.email), now, expires],
    );
    if (r.rowCount !== rows.length) throw new Error(`insertChallenges: ${r.rowCount} of ${rows.length} inserted`);
  } finally {
    await client.end();
  }
}
