// The audited support reset of a lost second factor (docs/admin.md): the process large providers
// use to recover an account without its recovery code. An operator starts it with a reason and a
// ticket; nothing is removed for a waiting period (TWOFOLD_SUPPORT_RESET_DELAY) while the owner is
// mailed a cancel link at once and again before it ends; any signed-in session of the owner, the
// link or a successful second-factor sign-in cancels it. When it passes, the sweeper (any
// instance, on an interval) removes the factor, passkeys and recovery code and ends every session:
// one conditional UPDATE (pending → done) decides which instance does it.
import { AppError } from '../core/errors.js';
import type { SupportResetEnd, SupportResetRecord } from '../core/ports/support-reset-store.js';
import type { Stores } from '../core/ports/stores.js';
import { hashToken, looksLikeToken, newId, newToken } from '../core/tokens.js';
import type { AdminPrincipal } from './admin-keys.js';
import type { DepsOf, RequestContext } from './deps.js';
import type { EventLog } from './event-log.js';
import type { SupportResetMails } from './support-reset-mail.js';

const DEFAULT_DELAY_MS = 72 * 3_600_000;
const NOBODY: RequestContext = { ip: null, userAgent: null };

export interface SupportResetView {
  id: string;
  state: string;
  requested_at: string;
  due_at: string;
}

const view = (r: SupportResetRecord): SupportResetView => ({
  id: r.id,
  state: r.state,
  requested_at: new Date(r.requestedAt).toISOString(),
  due_at: new Date(r.dueAt).toISOString(),
});

/** A step that is not an admin call still goes to the admin audit log, under the reset's key. */
async function auditStep(
  stores: Pick<Stores, 'admin'>,
  r: SupportResetRecord,
  step: string,
  by: string,
  now: number,
): Promise<void> {
  await stores.admin.appendAudit({
    at: now,
    keyId: r.adminKeyId,
    keyName: `(${by})`,
    action: `support_reset.${step}`,
    targetUserId: r.userId,
    reason: r.reason,
    ticket: r.ticket,
    status: 200,
    ip: null,
    userAgent: null,
  });
}

/** In the transaction of a successful second-factor sign-in: the owner has the factor after all. */
export async function cancelSupportResetOnSignIn(
  tx: Stores,
  events: EventLog,
  now: number,
  userId: string,
  ctx: RequestContext,
): Promise<void> {
  const r = await tx.supportResets.cancel({ userId }, now, 'sign_in');
  if (!r) return;
  await events.record(userId, 'mfa.support_reset_cancelled', ctx, { by: 'sign_in' }, tx);
  await auditStep(tx, r, 'cancelled', 'sign_in', now);
}

type Deps = DepsOf<
  'clock' | 'random' | 'logger' | 'settings',
  'supportResets' | 'users' | 'factors' | 'recoveryCodes' | 'admin' | 'transaction'
>;

export class SupportResetService {
  constructor(
    private readonly deps: Deps,
    private readonly events: EventLog,
    private readonly mails: SupportResetMails,
  ) {}

  private get delayMs(): number {
    return this.deps.settings.supportResetDelayMs ?? DEFAULT_DELAY_MS;
  }

  private audit(stores: Pick<Stores, 'admin'>, r: SupportResetRecord, step: string, by: string): Promise<void> {
    return auditStep(stores, r, step, by, this.deps.clock.now());
  }

  async start(userId: string, admin: AdminPrincipal, reason: string, ticket: string, ctx: RequestContext) {
    const { storage, clock, random } = this.deps;
    const user = await storage.users.findById(userId);
    if (!user) throw new AppError('not_found', 'No such account.');
    const [factor, code] = await Promise.all([
      storage.factors.getFactor(userId),
      storage.recoveryCodes.getRecoveryCode(userId),
    ]);
    if (!factor && !code) throw new AppError('mfa_not_enabled', 'This account has no second factor to reset.');
    const now = clock.now();
    const token = newToken(random);
    const record: SupportResetRecord = {
      id: newId(random),
      userId,
      adminKeyId: admin.keyId,
      reason,
      ticket,
      cancelTokenHash: hashToken(token),
      state: 'pending',
      requestedAt: now,
      dueAt: now + this.delayMs,
      remindedAt: null,
      finishedAt: null,
      finishedBy: null,
    };
    if ((await storage.supportResets.create(record)) === 'pending_exists')
      throw new AppError('support_reset_pending', 'A support reset of this account is already waiting.');
    await this.events.record(userId, 'mfa.support_reset_started', ctx, {
      admin_key_id: admin.keyId,
      due_at: view(record).due_at,
    });
    await this.mails.send(user.email, 'started', record.dueAt, token);
    return view(record);
  }

  async pending(userId: string): Promise<SupportResetView | null> {
    const r = await this.deps.storage.supportResets.pendingFor(userId);
    return r ? view(r) : null;
  }

  private async cancelled(r: SupportResetRecord | null, by: SupportResetEnd, ctx: RequestContext): Promise<boolean> {
    if (!r) return false;
    await this.events.record(r.userId, 'mfa.support_reset_cancelled', ctx, { by });
    await this.audit(this.deps.storage, r, 'cancelled', by);
    const user = await this.deps.storage.users.findById(r.userId);
    if (user) await this.mails.send(user.email, 'cancelled', r.dueAt);
    return true;
  }

  /** By the owner's session, or an operator: false when none was pending. */
  async cancelFor(userId: string, by: 'session' | 'admin', ctx: RequestContext): Promise<boolean> {
    const r = await this.deps.storage.supportResets.cancel({ userId }, this.deps.clock.now(), by);
    return this.cancelled(r, by, ctx);
  }

  /** By the mailed link: 410 token_expired for an unknown token or a reset no longer pending. */
  async cancelByLink(token: string, ctx: RequestContext): Promise<void> {
    const found = looksLikeToken(token)
      ? await this.deps.storage.supportResets.byCancelTokenHash(hashToken(token))
      : null;
    const r = found
      ? await this.deps.storage.supportResets.cancel({ id: found.id }, this.deps.clock.now(), 'link')
      : null;
    if (!(await this.cancelled(r, 'link', ctx)))
      throw new AppError('token_expired', 'This link no longer cancels anything: the reset was cancelled or done.');
  }

  /** One pass of the sweeper: reminders, then the resets whose time has come. */
  async sweep(): Promise<{ reminded: number; done: number }> {
    const { storage, clock, random } = this.deps;
    const now = clock.now();
    let reminded = 0;
    let done = 0;
    // Reminded a day before the end, or half-way through a shorter wait.
    const remindBefore = Math.min(24 * 3_600_000, Math.floor(this.delayMs / 2));
    for (const r of await storage.supportResets.toRemind(now + remindBefore, 100)) {
      const token = newToken(random);
      if (!(await storage.supportResets.markReminded(r.id, now, hashToken(token)))) continue;
      const user = await storage.users.findById(r.userId);
      if (user) await this.mails.send(user.email, 'reminder', r.dueAt, token);
      await this.audit(storage, r, 'reminded', 'sweeper');
      reminded++;
    }
    for (const r of await storage.supportResets.due(now, 100)) if (await this.execute(r, now)) done++;
    return { reminded, done };
  }

  private async execute(r: SupportResetRecord, now: number): Promise<boolean> {
    const { storage, logger } = this.deps;
    const ran = await storage.transaction(async (tx) => {
      if (!(await tx.supportResets.markDone(r.id, now))) return false;
      await tx.factors.deleteFactor(r.userId);
      await tx.recoveryCodes.deleteRecoveryCode(r.userId);
      await tx.setups.deleteSetupsForUser(r.userId);
      await tx.challenges.closeChallengesForUser(r.userId, now);
      await tx.attempts.resetAttempts(r.userId);
      await tx.supportResets.deletePasskeys(r.userId);
      const ended = await tx.sessions.deleteAllForUser(r.userId);
      await this.events.record(r.userId, 'mfa.support_reset_done', NOBODY, { sessions_ended: ended }, tx);
      await this.audit(tx, r, 'done', 'sweeper');
      return true;
    });
    if (!ran) return false;
    logger.info({ userId: r.userId, resetId: r.id }, 'support reset done');
    const user = await storage.users.findById(r.userId);
    if (user) await this.mails.send(user.email, 'done', r.dueAt);
    return true;
  }
}
