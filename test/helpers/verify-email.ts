// Proving the mailbox the way a user does: take the newest confirmation link mailed to the
// address and post its token. Most tests sign up and then turn on 2FA or create access keys,
// which answer 403 email_unverified until this is done.
import assert from 'node:assert/strict';
import type { Harness } from './harness.js';

const LINK = /\/verify-email\?token=([A-Za-z0-9_-]+)/;

/** The token of the newest confirmation link in `texts` (mail bodies or log lines), if any. */
export function verifyTokenIn(texts: readonly string[]): string | undefined {
  for (let i = texts.length - 1; i >= 0; i--) {
    const m = LINK.exec(texts[i]!);
    if (m) return m[1];
  }
  return undefined;
}

/** The newest confirmation link's token mailed to `email` in the harness's captured mail. */
export function verifyTokenFor(h: Pick<Harness, 'mailer'>, email: string): string | undefined {
  return verifyTokenIn(h.mailer.to(email.trim().toLowerCase()).map((m) => m.text));
}

/**
 * Verifies the account's email through `POST /v1/auth/email/verify`. A harness whose mail goes
 * elsewhere (a real SMTP server) captures nothing: then the account is marked verified in storage.
 */
export async function verifyEmail(h: Harness, email: string): Promise<void> {
  const token = verifyTokenFor(h, email);
  if (!token) {
    const user = await h.runtime.storage.users.findByEmail(email.trim().toLowerCase());
    assert.ok(user, `no account for ${email}`);
    await h.runtime.storage.users.markEmailVerified(user.id, h.clock.now());
    return;
  }
  const r = await h.inject({ method: 'POST', url: '/v1/auth/email/verify', payload: { token } });
  assert.equal(r.statusCode, 200, r.body);
  // Read and put away, as a user would: tests that count an account's mails see only their own.
  const used = h.mailer.sent.findIndex((m) => m.text.includes(`verify-email?token=${token}`));
  if (used >= 0) h.mailer.sent.splice(used, 1);
}

/**
 * For servers run as processes (cluster, backup, process tests), whose mails go to a log the
 * test does not read: marks the account verified straight in the database the server uses.
 */
export async function markVerifiedInDatabase(databaseUrl: string, email: string): Promise<void> {
  const address = email.trim().toLowerCase();
  if (databaseUrl.startsWith('sqlite:')) {
    const { loadSqlite } = await import('../../src/storage/sqlite-driver.js');
    const Sqlite = loadSqlite();
    const db = new Sqlite(databaseUrl.slice('sqlite:'.length));
    try {
      db.pragma('busy_timeout = 5000');
      db.prepare('update users set email_verified_at = created_at where email = ? and email_verified_at is null').run(
        address,
      );
    } finally {
      db.close();
    }
    return;
  }
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      'update users set email_verified_at = created_at where email = $1 and email_verified_at is null',
      [address],
    );
  } finally {
    await client.end();
  }
}
