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
  | 'google_unlinked'
  | 'password_changed'
  | 'email_change_requested'
  | 'email_changed'
  | 'account_deleted'
  | 'account_claimed'
  | 'device_approved'
  | 'passkey_added'
  | 'passkey_removed';

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
  password_changed: 'Your password was changed',
  email_change_requested: 'A change of your email address was asked for',
  email_changed: 'Your email address was changed',
  account_deleted: 'Your account was deleted',
  account_claimed: 'Your account was taken over by its Google account',
  device_approved: 'A device was signed in to your account',
  passkey_added: 'A passkey was added',
  passkey_removed: 'A passkey was removed',
};

const BODIES: Record<NoticeKind, string> = {
  mfa_enabled: 'Two-factor authentication was turned on for your account. Other signed-in devices were signed out.',
  mfa_reconfigured:
    'Two-factor authentication was set up again for your account. Devices set up before no longer work, the old recovery code no longer works, and other signed-in devices were signed out.',
  mfa_disabled: 'Two-factor authentication was turned off for your account. Signing in now needs only your password.',
  recovery_code_used:
    'Someone signed in to your account with its recovery code. Two-factor authentication is now off and every other device was signed out. Turn it on again from the account page.',
  recovery_code_renewed: 'A new recovery code was made for your account; the old one no longer works.',
  access_key_created:
    'A new access key was created for your account. It can sign API and CLI requests without a second factor. If this was not you, reset your password: a reset disables every access key and signs out every device.',
  access_key_disabled: 'An access key of your account was disabled; requests signed with it are refused.',
  access_key_deleted: 'An access key of your account was deleted.',
  google_linked:
    'A Google account with this email address was linked to your account. It can now sign in with "Sign in with Google"; if you turned on two-factor authentication, it is still asked for.',
  google_unlinked:
    'The Google account linked to your account was unlinked. Signing in with Google no longer opens this account.',
  password_changed:
    'The password of your account was changed. Other signed-in devices were signed out and unfinished sign-ins were cancelled.',
  email_change_requested:
    "Someone signed in to your account asked to move it to another email address. Nothing changes unless the link mailed to that address is opened; until then this address stays the account's.",
  email_changed: 'The email address of your account was changed; mails about it now go to the new address.',
  account_deleted:
    'Your account was deleted, with its second factor, recovery code, access keys, sessions and security log. This cannot be undone.',
  account_claimed:
    'Someone signed in with "Sign in with Google" using this email address, which Google says it has verified. The account made with this address had never confirmed it, so it was handed to the Google account: ' +
    'its password was removed, every device was signed out and unfinished sign-ins were cancelled. If this is your account, use "Forgot password" on the sign-in page to set a password again.',
  device_approved:
    'A sign-in request from a device (the command line or a device without a browser) was approved on the portal. The device is now signed in; it is listed with your sessions, where you can end it.',
  passkey_added:
    'A passkey was added to your account. It can sign in without a password, and answers the second step after one.',
  passkey_removed:
    'A passkey was removed from your account; it can no longer sign in. Remembered devices were forgotten.',
};

/** Mails that carry a link proving a mailbox: the link is the point, so they name no "if this was not you" step. */
export type LinkMailKind = 'verify_email' | 'confirm_new_email';

const LINK_MAILS: Record<LinkMailKind, { subject: string; body: string }> = {
  verify_email: {
    subject: 'Confirm your email address',
    body: 'Confirm that this address is yours to finish setting up your account. Until then, two-factor authentication and access keys stay unavailable.',
  },
  confirm_new_email: {
    subject: 'Confirm your new email address',
    body: "Someone asked to move an account to this email address. Open the link to confirm it; the account's email changes only then.",
  },
};

export class Notices {
  constructor(private readonly deps: Pick<ServiceDeps, 'mailer' | 'settings' | 'clock' | 'logger'>) {}

  async send(to: string, kind: NoticeKind, ctx: RequestContext, extra = ''): Promise<void> {
    const { settings, clock, mailer, logger } = this.deps;
    const when = new Date(clock.now()).toUTCString();
    const text =
      `${BODIES[kind]}${extra ? `\n\n${extra}` : ''}\n\n` +
      `When: ${when}\nFrom: ${ctx.ip ?? 'unknown address'}${ctx.userAgent ? ` (${ctx.userAgent.slice(0, 120)})` : ''}\n\n` +
      (kind === 'account_deleted'
        ? `If this was not you, someone knew your password and second factor: change them wherever you reused them.\n`
        : `If this was not you, reset your password at ${settings.publicUrl}/forgot-password and check your account's security log.\n`);
    try {
      await mailer.send({ to, subject: `${settings.issuer}: ${SUBJECTS[kind]}`, text });
    } catch (err) {
      // The change is already made; a mail outage must not undo it or fail the request.
      logger.error({ err: (err as Error).message, kind }, 'security notice could not be mailed');
    }
  }

  /** A mailbox-proving link (valid `hours`); a mail outage is logged (without the link), never thrown. */
  async sendLink(to: string, kind: LinkMailKind, link: string, hours: number): Promise<void> {
    const { settings, mailer, logger } = this.deps;
    const mail = LINK_MAILS[kind];
    const text = `${mail.body}\n\nOpen this link within ${hours} hours (it works once):\n${link}\n\nIf you did not ask for this, ignore this mail.\n`;
    try {
      await mailer.send({ to, subject: `${settings.issuer}: ${mail.subject}`, text });
    } catch (err) {
      logger.error({ err: (err as Error).message, kind }, 'link mail could not be mailed');
    }
  }
}
