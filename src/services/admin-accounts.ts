// What an operator does to accounts through /v1/admin/users (docs/admin.md): find, read, lock,
// unlock, sign out everywhere, delete. Each change lands in the account's security log (with the
// admin key's id, so the owner sees who acted) and mails the owner.
import { AppError } from '../core/errors.js';
import type { AdminUserRow } from '../core/ports/admin-user-store.js';
import type { EventRecord } from '../core/ports/stores.js';
import type { AdminPrincipal } from './admin-keys.js';
import type { AdminNotices } from './admin-notices.js';
import type { DepsOf, RequestContext } from './deps.js';
import type { EventLog } from './event-log.js';
import type { SessionService } from './sessions.js';

const iso = (ms: number | null | undefined): string | null =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();

export interface AdminUserSummary {
  id: string;
  email: string;
  email_verified: boolean;
  created_at: string;
  mfa_method: string | null;
  locked: boolean;
  locked_until: string | null;
}

export interface AdminUserDetail extends AdminUserSummary {
  last_sign_in_at: string | null;
  access_keys: number;
  passkeys: number | null;
  google_linked: boolean;
  recent_events: { type: string; at: string; ip: string | null; user_agent: string | null }[];
}

export const adminUserSummary = (r: AdminUserRow): AdminUserSummary => ({
  id: r.id,
  email: r.email,
  email_verified: r.emailVerifiedAt !== null,
  created_at: new Date(r.createdAt).toISOString(),
  mfa_method: r.mfaMethod,
  locked: r.lockedUntil !== undefined,
  locked_until: iso(r.lockedUntil),
});

const eventView = (e: EventRecord) => ({
  type: e.type,
  at: new Date(e.at).toISOString(),
  ip: e.ip,
  user_agent: e.userAgent,
  ...(e.data ?? {}),
});

export class AdminAccountsService {
  constructor(
    private readonly deps: DepsOf<'clock' | 'logger', 'admin' | 'adminUsers' | 'events' | 'transaction'>,
    private readonly sessions: SessionService,
    private readonly events: EventLog,
    private readonly notices: AdminNotices,
  ) {}

  async search(
    email: string,
    limit: number,
    after?: string,
  ): Promise<{ users: AdminUserSummary[]; next: string | null }> {
    // A trailing `*` asks for a prefix; otherwise the email must match exactly (case-insensitively).
    const prefix = email.endsWith('*');
    const term = (prefix ? email.slice(0, -1) : email).trim().normalize('NFC').toLowerCase();
    const rows = await this.deps.storage.adminUsers.search({
      email: term,
      prefix,
      limit: limit + 1,
      now: this.deps.clock.now(),
      ...(after === undefined ? {} : { after }),
    });
    const page = rows.slice(0, limit);
    return { users: page.map(adminUserSummary), next: rows.length > limit ? (page.at(-1)?.email ?? null) : null };
  }

  private async row(id: string): Promise<AdminUserRow> {
    const r = await this.deps.storage.adminUsers.byId(id, this.deps.clock.now());
    if (!r) throw new AppError('not_found', 'No such account.');
    return r;
  }

  async detail(id: string): Promise<AdminUserDetail> {
    const r = await this.row(id);
    const [facts, recent] = await Promise.all([
      this.deps.storage.adminUsers.facts(id),
      this.deps.storage.events.list(id, { limit: 20 }),
    ]);
    return {
      ...adminUserSummary(r),
      last_sign_in_at: iso(facts.lastSignInAt),
      access_keys: facts.accessKeys,
      passkeys: facts.passkeys,
      google_linked: facts.googleLinked,
      recent_events: recent.map(eventView),
    };
  }

  /** Locks the account (until `until`, or until unlocked) and ends every session of it. */
  async lock(id: string, until: number | null, reason: string, admin: AdminPrincipal, ctx: RequestContext) {
    const r = await this.row(id);
    const now = this.deps.clock.now();
    if (until !== null && until <= now) throw new AppError('validation_failed', '`until` must be in the future.');
    await this.deps.storage.admin.lock({ userId: id, lockedAt: now, lockedUntil: until, reason });
    const ended = await this.sessions.endAll(id);
    await this.events.record(id, 'account.locked', ctx, {
      admin_key_id: admin.keyId,
      until: iso(until),
      sessions_ended: ended,
    });
    await this.notices.send(
      r.email,
      'account_locked',
      until === null ? [] : [`Locked until: ${new Date(until).toUTCString()}`],
    );
    return this.detail(id);
  }

  async unlock(id: string, admin: AdminPrincipal, ctx: RequestContext) {
    const r = await this.row(id);
    if (await this.deps.storage.admin.unlock(id)) {
      await this.events.record(id, 'account.unlocked', ctx, { admin_key_id: admin.keyId });
      await this.notices.send(r.email, 'account_unlocked');
    }
    return this.detail(id);
  }

  async endSessions(id: string, admin: AdminPrincipal, ctx: RequestContext): Promise<{ sessions_ended: number }> {
    const r = await this.row(id);
    const ended = await this.sessions.endAll(id);
    await this.events.record(id, 'admin.sessions_ended', ctx, { admin_key_id: admin.keyId, sessions_ended: ended });
    await this.notices.send(r.email, 'sessions_ended');
    return { sessions_ended: ended };
  }

  async delete(id: string, admin: AdminPrincipal): Promise<void> {
    const r = await this.row(id);
    const deleted = await this.deps.storage.transaction((tx) => tx.users.deleteWithEverything(id));
    if (!deleted) throw new AppError('not_found', 'No such account.');
    // The security log went with the account; the admin audit log keeps the call.
    this.deps.logger.info({ userId: id, adminKeyId: admin.keyId }, 'account deleted by an operator');
    await this.notices.send(r.email, 'account_deleted');
  }

  /** The lock in force on an account, or null (sign-in and every request check it). */
  lockOf(userId: string) {
    return this.deps.storage.admin.lockOf(userId, this.deps.clock.now());
  }
}
