import { sql, type Kysely } from 'kysely';
import type { AdminUserFacts, AdminUserRow, AdminUserStore } from '../../core/ports/admin-user-store.js';
import type { Database } from '../schema.js';

/** LIKE's wildcards in a user's text match themselves (the escape character is `\`). */
const likePrefix = (s: string): string => `${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export class AdminUserRepository implements AdminUserStore {
  constructor(private readonly db: Kysely<Database>) {}

  private base(now: number) {
    return this.db
      .selectFrom('users as u')
      .leftJoin('mfa_factors as f', 'f.user_id', 'u.id')
      .leftJoin('account_locks as l', (j) =>
        j
          .onRef('l.user_id', '=', 'u.id')
          .on((eb) => eb.or([eb('l.locked_until', 'is', null), eb('l.locked_until', '>', now)])),
      )
      .select([
        'u.id as id',
        'u.email as email',
        'u.created_at as created_at',
        'u.email_verified_at as email_verified_at',
        'f.method as method',
        'l.locked_at as locked_at',
        'l.locked_until as locked_until',
      ]);
  }

  private row(r: {
    id: string;
    email: string;
    created_at: number;
    email_verified_at: number | null;
    method: string | null;
    locked_at: number | null;
    locked_until: number | null;
  }): AdminUserRow {
    return {
      id: r.id,
      email: r.email,
      createdAt: Number(r.created_at),
      emailVerifiedAt: r.email_verified_at === null ? null : Number(r.email_verified_at),
      mfaMethod: r.method,
      ...(r.locked_at === null ? {} : { lockedUntil: r.locked_until === null ? null : Number(r.locked_until) }),
    };
  }

  async search(q: {
    email: string;
    prefix: boolean;
    after?: string;
    limit: number;
    now: number;
  }): Promise<AdminUserRow[]> {
    let query = this.base(q.now);
    query = q.prefix
      ? query.where(sql<boolean>`u.email like ${likePrefix(q.email)} escape '\\'`)
      : query.where('u.email', '=', q.email);
    if (q.after !== undefined) query = query.where('u.email', '>', q.after);
    const rows = await query.orderBy('u.email').limit(q.limit).execute();
    return rows.map((r) => this.row(r));
  }

  async byId(id: string, now: number): Promise<AdminUserRow | null> {
    const r = await this.base(now).where('u.id', '=', id).executeTakeFirst();
    return r ? this.row(r) : null;
  }

  async facts(userId: string): Promise<AdminUserFacts> {
    const [signIn, keys, identities] = await Promise.all([
      this.db
        .selectFrom('events')
        .select((eb) => eb.fn.max('at').as('at'))
        .where('user_id', '=', userId)
        .where('type', '=', 'signin.succeeded')
        .executeTakeFirst(),
      this.db
        .selectFrom('access_keys')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', userId)
        .executeTakeFirst(),
      this.db
        .selectFrom('user_identities')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', userId)
        .executeTakeFirst(),
    ]);
    return {
      lastSignInAt: signIn?.at === null || signIn?.at === undefined ? null : Number(signIn.at),
      accessKeys: Number(keys?.n ?? 0),
      passkeys: await this.passkeys(userId),
      googleLinked: Number(identities?.n ?? 0) > 0,
    };
  }

  private async passkeys(userId: string): Promise<number> {
    const row = await this.db
      .selectFrom('passkeys')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }
}
