// Mails to an account's owner about what an operator did to it: the owner is always told, so
// support staff never act on an account silently (docs/admin.md).
import type { DepsOf } from './deps.js';

export type AdminNoticeKind = 'account_locked' | 'account_unlocked' | 'sessions_ended' | 'account_deleted';

const TEXTS: Record<AdminNoticeKind, { subject: string; body: string }> = {
  account_locked: {
    subject: 'Your account was locked',
    body: 'An operator of this service locked your account: it cannot sign in and its access keys are refused until it is unlocked. Every device was signed out.',
  },
  account_unlocked: {
    subject: 'Your account was unlocked',
    body: 'An operator of this service unlocked your account: it can sign in and use its access keys again.',
  },
  sessions_ended: {
    subject: 'Every device was signed out',
    body: 'An operator of this service signed every device out of your account. Sign in again where you need to.',
  },
  account_deleted: {
    subject: 'Your account was deleted',
    body: 'An operator of this service deleted your account, with its second factor, recovery code, access keys, sessions and security log.',
  },
};

export class AdminNotices {
  constructor(private readonly deps: DepsOf<'mailer' | 'settings' | 'clock' | 'logger', never>) {}

  /** Mails the owner; a mail outage is logged, never thrown (the change is already made). */
  async send(to: string, kind: AdminNoticeKind, lines: string[] = []): Promise<void> {
    const { settings, clock, mailer, logger } = this.deps;
    const t = TEXTS[kind];
    const text =
      `${t.body}\n\n${lines.length ? `${lines.join('\n')}\n` : ''}When: ${new Date(clock.now()).toUTCString()}\n\n` +
      `If you did not expect this, reply to your operator's support or check the security log at ${settings.publicUrl}.\n`;
    try {
      await mailer.send({ to, subject: `${settings.issuer}: ${t.subject}`, text });
    } catch (err) {
      logger.error({ err: (err as Error).name, kind }, 'admin notice could not be mailed');
    }
  }
}
