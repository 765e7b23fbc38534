// The one rule for an unproven mailbox (shared/API.md "Proving the mailbox"): until the account's
// email is verified it may sign in and read, but it holds no lasting credential (a second factor,
// an access key), so whoever registered someone else's address cannot keep a foothold in it.
import { AppError } from './errors.js';

export function isEmailVerified(user: { emailVerifiedAt: number | null }): boolean {
  return user.emailVerifiedAt !== null;
}

/** 403 email_unverified unless the account's email was proven. */
export function assertEmailVerified(user: { emailVerifiedAt: number | null }): void {
  if (!isEmailVerified(user)) {
    throw new AppError(
      'email_unverified',
      'Confirm your email address first: open the link we mailed you, or ask for a new one from the account page.',
    );
  }
}
