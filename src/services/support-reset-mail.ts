// The owner's mails of a support reset (docs/admin.md): at once and before it ends, each with a
// link that cancels it, then when it is done. A mail outage is logged, never thrown.
import type { DepsOf } from './deps.js';

export type SupportResetMail = 'started' | 'reminder' | 'cancelled' | 'done';

const SUBJECTS: Record<SupportResetMail, string> = {
  started: 'Support was asked to remove your two-factor authentication',
  reminder: 'Your two-factor authentication will be removed soon',
  cancelled: 'The removal of your two-factor authentication was cancelled',
  done: 'Your two-factor authentication was removed by support',
};

export class SupportResetMails {
  constructor(private readonly deps: DepsOf<'mailer' | 'settings' | 'clock' | 'logger', never>) {}

  cancelLink(token: string): string {
    return `${this.deps.settings.publicUrl}/support-reset/cancel?token=${token}`;
  }

  async send(to: string, kind: SupportResetMail, dueAt: number, token?: string): Promise<void> {
    const { settings, mailer, logger } = this.deps;
    const when = new Date(dueAt).toUTCString();
    const cancel = token
      ? `\n\nIf you did not ask for this, cancel it now: ${this.cancelLink(token)}\n` +
        'Signing in with your second factor, or pressing "Cancel it" on your account page, cancels it too.'
      : '';
    const body: Record<SupportResetMail, string> = {
      started:
        `Someone asked this service's support to remove the two-factor authentication of your account, because its second factor and recovery code were lost. ` +
        `Nothing is removed before ${when}.${cancel}`,
      reminder: `The two-factor authentication of your account will be removed at ${when}, as asked of support.${cancel}`,
      cancelled: 'The removal of your two-factor authentication asked of support was cancelled. Nothing was changed.',
      done:
        'As asked of support, the second factor, passkeys and recovery code of your account were removed and every device was signed out. ' +
        `Sign in with your password and turn two-factor authentication on again. If you did not ask for this, reset your password at ${settings.publicUrl}/forgot-password and tell support.`,
    };
    try {
      await mailer.send({ to, subject: `${settings.issuer}: ${SUBJECTS[kind]}`, text: `${body[kind]}\n` });
    } catch (err) {
      logger.error({ err: (err as Error).name, kind }, 'support reset mail could not be mailed');
    }
  }
}
