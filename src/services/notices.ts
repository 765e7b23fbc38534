// Security notices by mail. Plain, short, and never a secret: they say what changed, when, from
// where, and what to do if it was not the account's owner.
import type { RequestContext, ServiceDeps } from './deps.js';

export type NoticeKind =
  | 'mfa_enabled'
  | 'mfa_reconfigured'
  | 'mfa_disabled'
  | 'recovery_code_used'
  | 'recovery_code_renewed'
  | 'access_key_created'
  | 'access_key_disabled'
  | 'access_key_deleted'
  | 'google_linked'
  | 'google_unlinked';

const SUBJECTS: Record<NoticeKind, string> = {
  mfa_enabled: 'Two-factor authentication is on',
  mfa_reconfigured: 'Two-factor authentication was re-configured',
  mfa_disabled: 'Two-factor authentication was turned off',
  recovery_code_used: 'Your recovery code was used to sign in',
  recovery_code_renewed: 'A new recovery code was made',
  access_key_created: 'A new access key was created',
  access_key_disabled: 'An access key was disabled',
  access_key_deleted: 'An access key was deleted',
  google_linked: 'A Google account was linked',
  google_unlinked: 'A Google account was unlinked',
};

const BODIES: Record<NoticeKind, string> = {
  mfa_enabled: 'Two-factor authentication was turned on for your account. Other signed-in devices were signed out.',
  mfa_reconfigured: 'Two-factor authentication was set up again for your account. Devices set up before no longer work, the old recovery code no longer works, and other signed-in devices were signed out.',
  mfa_disabled: 'Two-factor authentication was turned off for your account. Signing in now needs only your password.',
  recovery_code_used: 'Someone signed in to your account with its recovery code. Two-factor authentication is now off and every other device was signed out. Turn it on again from the account page.',
  recovery_code_renewed: 'A new recovery code was made for your account; the old one no longer works.',
  access_key_created: 'A new access key was created for your account. It can sign API and CLI requests without a second factor.',
  access_key_disabled: 'An access key of your account was disabled; requests signed with it are refused.',
  access_key_deleted: 'An access key of your account was deleted.',
  google_linked: 'A Google account with this email address was linked to your account. It can now sign in with "Sign in with Google"; if you turned on two-factor authentication, it is still asked for.',
  google_unlinked: 'The Google account linked to your account was unlinked. Signing in with Google no longer opens this account.',
};

export class Notices {
  constructor(private readonly deps: Pick<ServiceDeps, 'mailer' | 'settings' | 'clock' | 'logger'>) {}

  async send(to: string, kind: NoticeKind, ctx: RequestContext, extra = ''): Promise<void> {
    const { settings, clock, mailer, logger } = this.deps;
    const when = new Date(clock.now()).toUTCString();
    const text =
      `${BODIES[kind]}${extra ? `\n\n${extra}` : ''}\n\n` +
      `When: ${when}\nFrom: ${ctx.ip ?? 'unknown address'}${ctx.userAgent ? ` (${ctx.userAgent.slice(0, 120)})` : ''}\n\n` +
      `If this was not you, reset your password at ${settings.publicUrl}/forgot-password and check your account's security log.\n`;
    try {
      await mailer.send({ to, subject: `${settings.issuer}: ${SUBJECTS[kind]}`, text });
    } catch (err) {
      // The change is already made; a mail outage must not undo it or fail the request.
      logger.error({ err: (err as Error).message, kind }, 'security notice could not be mailed');
    }
  }
}
