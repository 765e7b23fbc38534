// Linking a Google identity to an account found by its verified email. The link is written in
// the same transaction as the session that the sign-in creates — after the password-less first
// factor for an account without 2FA, after the code (or recovery code) for one with it — so an
// identity never gets attached to an account whose second factor was not given.
import type { PendingLink } from '../core/ports/mfa-stores.js';
import type { Stores, UserRecord } from '../core/ports/stores.js';
import type { RequestContext } from './deps.js';
import type { EventLog } from './event-log.js';
import type { Notices } from './notices.js';

/** Writes the link inside the caller's transaction; true when it was made now. */
export async function linkInTransaction(
  tx: Stores,
  events: EventLog,
  user: UserRecord,
  link: PendingLink,
  at: number,
  ctx: RequestContext,
): Promise<boolean> {
  // 'taken': this (issuer, subject) got linked meanwhile (a second callback of the same Google
  // account); the sign-in still stands on the verified email, the link is already there.
  if ((await tx.identities.link({ ...link, userId: user.id, linkedAt: at })) === 'taken') return false;
  await events.record(user.id, 'google.linked', ctx, { issuer: link.issuer, email: link.email }, tx);
  return true;
}

/** The mailed notice, once the transaction committed. */
export function noticeLinked(notices: Notices, user: UserRecord, ctx: RequestContext): Promise<void> {
  return notices.send(user.email, 'google_linked', ctx);
}
