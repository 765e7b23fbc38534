// One joined read per authenticated request (see src/core/ports/principal-store.ts): the session
// or access key, its user, the user's second factor (a LEFT JOIN: at most one row per user, the
// primary key) and whether any identity is linked (EXISTS over user_identities_user_idx).
// The queries are precompiled: they run on every request.
import type { ExpressionBuilder, Kysely } from 'kysely';
import type { AccountSummary, ChallengeContext, PrincipalStore } from '../../core/ports/principal-store.js';
import type { DirectReader } from '../database.js';
import { mfaMethodColumn } from '../column-values.js';
import { Precompiled, slot } from '../precompiled.js';
import type { Database } from '../schema.js';
import { accessKeyRecord } from './access-key-repository.js';
import { challengeRecord } from './mfa-challenge-repository.js';
import { NO_ATTEMPTS } from './mfa-attempt-repository.js';
import { sessionRecord } from './session-repository.js';
import { factorRecord } from './mfa-factor-repository.js';

interface AccountColumns {
  u_id: string;
  u_email: string;
  u_password_hash: string | null;
  u_created_at: number;
  u_email_verified_at: number | null;
  f_method: string | null;
  f_phone_hint: string | null;
  google_linked: unknown;
  has_passkey: unknown;
}

type Joined = Database & { u: Database['users']; f: Database['mfa_factors'] };

function accountColumns(eb: ExpressionBuilder<Joined, 'u' | 'f'>) {
  return [
    eb.ref('u.id').as('u_id'),
    eb.ref('u.email').as('u_email'),
    eb.ref('u.password_hash').as('u_password_hash'),
    eb.ref('u.created_at').as('u_created_at'),
    eb.ref('u.email_verified_at').as('u_email_verified_at'),
    eb.ref('f.method').as('f_method'),
    eb.ref('f.phone_hint').as('f_phone_hint'),
    eb
      .exists(eb.selectFrom('user_identities as i').select('i.user_id').whereRef('i.user_id', '=', 'u.id'))
      .as('google_linked'),
    eb
      .exists(eb.selectFrom('passkeys as pk').select('pk.user_id').whereRef('pk.user_id', '=', 'u.id'))
      .as('has_passkey'),
  ];
}

function account(r: AccountColumns): AccountSummary {
  return {
    user: {
      id: r.u_id,
      email: r.u_email,
      passwordHash: r.u_password_hash,
      createdAt: Number(r.u_created_at),
      emailVerifiedAt: r.u_email_verified_at === null ? null : Number(r.u_email_verified_at),
    },
    factor:
      r.f_method === null
        ? null
        : { method: mfaMethodColumn(r.f_method, 'mfa_factors', 'method'), phoneHint: r.f_phone_hint },
    // SQLite answers EXISTS with 0/1, PostgreSQL with a boolean.
    googleLinked: r.google_linked === true || Number(r.google_linked) === 1,
    hasPasskey: r.has_passkey === true || Number(r.has_passkey) === 1,
  };
}

const bySession = new Precompiled(
  (db: Kysely<Database>) =>
    db
      .selectFrom('sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .leftJoin('mfa_factors as f', 'f.user_id', 's.user_id')
      .select([
        's.id',
        's.user_id',
        's.token_hash',
        's.client',
        's.created_at',
        's.last_seen_at',
        's.absolute_expires_at',
        's.ip',
        's.user_agent',
      ])
      .select((eb) => accountColumns(eb))
      .where('s.token_hash', '=', slot(0)),
  1,
);

const byKey = new Precompiled(
  (db: Kysely<Database>) =>
    db
      .selectFrom('access_keys as k')
      .innerJoin('users as u', 'u.id', 'k.user_id')
      .leftJoin('mfa_factors as f', 'f.user_id', 'k.user_id')
      .select(['k.id', 'k.user_id', 'k.secret_enc', 'k.enabled', 'k.created_at', 'k.last_used_at'])
      .select((eb) => accountColumns(eb))
      .where('k.id', '=', slot(0)),
  1,
);

const byChallenge = new Precompiled(
  (db: Kysely<Database>) =>
    db
      .selectFrom('mfa_challenges as c')
      .innerJoin('users as u', 'u.id', 'c.user_id')
      .leftJoin('mfa_factors as f', 'f.user_id', 'c.user_id')
      .leftJoin('mfa_attempts as a', 'a.user_id', 'c.user_id')
      .selectAll('c')
      .select((eb) => accountColumns(eb))
      .select([
        'f.secret_enc as f_secret_enc',
        'f.phone_enc as f_phone_enc',
        'f.last_step as f_last_step',
        'f.enabled_at as f_enabled_at',
        'a.failures as a_failures',
        'a.rounds as a_rounds',
        'a.locked_until as a_locked_until',
      ])
      .where('c.id_hash', '=', slot(0)),
  1,
);

const num = (v: number | null): number | null => (v === null ? null : Number(v));

export class PrincipalRepository implements PrincipalStore {
  /** `reader`: the direct read-only connection, for the pool (never inside a transaction). */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly reader?: DirectReader,
  ) {}

  async bySessionTokenHash(tokenHash: string) {
    const [r] = await bySession.rows(this.db, [tokenHash], this.reader);
    if (!r) return null;
    return {
      ...account(r),
      session: sessionRecord(r),
    };
  }

  async byChallengeIdHash(idHash: string): Promise<ChallengeContext | null> {
    const [r] = await byChallenge.rows(this.db, [idHash], this.reader);
    if (!r) return null;
    const summary = account(r);
    return {
      ...summary,
      challenge: challengeRecord(r),
      factorRecord:
        r.f_method === null
          ? null
          : factorRecord({
              user_id: r.user_id,
              method: r.f_method,
              secret_enc: r.f_secret_enc,
              phone_enc: r.f_phone_enc,
              phone_hint: r.f_phone_hint,
              last_step: num(r.f_last_step),
              enabled_at: Number(r.f_enabled_at),
            }),
      attempts:
        r.a_failures === null
          ? NO_ATTEMPTS
          : { failures: Number(r.a_failures), rounds: Number(r.a_rounds), lockedUntil: num(r.a_locked_until) },
    };
  }

  async byAccessKeyId(id: string) {
    const [r] = await byKey.rows(this.db, [id], this.reader);
    if (!r) return null;
    return {
      ...account(r),
      key: accessKeyRecord(r),
    };
  }
}
