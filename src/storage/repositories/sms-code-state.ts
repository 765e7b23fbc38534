// The SMS code state that a pending set-up and a sign-in challenge each carry (code hash,
// expiry, sends, last send), stored and restored by the same conditional UPDATEs on either
// table: one definition of the 30 s gap and the send cap, whichever row holds the code.
import { sql, type Kysely } from 'kysely';
import type { CodeRefusal, SmsCodeState } from '../../core/ports/mfa-stores.js';
import type { Database } from '../schema.js';
import { codeRefusal } from './sms-code-refusal.js';

/** Where a code lives: the table, its key column, and the column that closes the row. */
export interface CodeHolder {
  table: 'mfa_setups' | 'mfa_challenges';
  key: 'id' | 'id_hash';
  done: 'used_at' | 'closed_at';
}

export const SETUP_CODES: CodeHolder = { table: 'mfa_setups', key: 'id', done: 'used_at' };
export const CHALLENGE_CODES: CodeHolder = { table: 'mfa_challenges', key: 'id_hash', done: 'closed_at' };

/**
 * Stores a new code (killing the previous one) only while the row is open, at least `minGapMs`
 * after the last send and below `maxSends`; the row count decides, a second read names why not.
 */
export async function storeCode(
  db: Kysely<Database>,
  h: CodeHolder,
  id: string,
  code: { hash: string; expiresAt: number },
  now: number,
  minGapMs: number,
  maxSends: number,
): Promise<'ok' | CodeRefusal> {
  const r = await sql`update ${sql.table(h.table)}
    set code_hash = ${code.hash}, code_expires_at = ${code.expiresAt}, sends = sends + 1, last_sent_at = ${now}
    where ${sql.ref(h.key)} = ${id} and ${sql.ref(h.done)} is null and expires_at > ${now} and sends < ${maxSends}
      and (last_sent_at is null or last_sent_at <= ${now - minGapMs})`.execute(db);
  if (Number(r.numAffectedRows) === 1) return 'ok';
  const row = (
    await sql<{ done: number | null; expires_at: number; sends: number; last_sent_at: number | null }>`
      select ${sql.ref(h.done)} as done, expires_at, sends, last_sent_at from ${sql.table(h.table)} where ${sql.ref(h.key)} = ${id}`.execute(
      db,
    )
  ).rows[0];
  return codeRefusal(
    row && {
      open: row.done === null && Number(row.expires_at) > now,
      sends: row.sends,
      last_sent_at: row.last_sent_at,
    },
    now,
    minGapMs,
    maxSends,
  );
}

/** Puts back the state from before a refused send, only while our code is still the one stored. */
export async function restoreCode(
  db: Kysely<Database>,
  h: CodeHolder,
  id: string,
  ourHash: string,
  p: SmsCodeState,
): Promise<boolean> {
  const r = await sql`update ${sql.table(h.table)}
    set code_hash = ${p.codeHash}, code_expires_at = ${p.codeExpiresAt}, sends = ${p.sends}, last_sent_at = ${p.lastSentAt}
    where ${sql.ref(h.key)} = ${id} and code_hash = ${ourHash}`.execute(db);
  return Number(r.numAffectedRows) === 1;
}
