// A Google sign-in with a verified email meets an account of that email whose mailbox was never
// proven (shared/API.md, Google callback): the account is claimed, not joined. Whoever signed up
// with the address may not be its owner (a "pre-hijacked" account waiting for the owner to link
// Google and then share it); so, before the link is made, everything they could hold is removed:
// the password, every session and open sign-in challenge, pending email links, and defensively
// any factor or access key (an unproven account cannot have made one).
import type { Stores, UserRecord } from '../core/ports/stores.js';
import type { DepsOf, RequestContext } from './deps.js';
import type { EventLog } from './event-log.js';
import type { Notices } from './notices.js';

/**
 * Claims `user` for the verified mailbox when it is still unproven; answers the account as it is
 * now (unchanged when it was proven meanwhile: the conditional mark decides a race).
 */
export async function claimUnproven(
  deps: DepsOf<'clock', 'users' | 'transaction'>,
  events: EventLog,
  notices: Notices,
  user: UserRecord,
  ctx: RequestContext,
): Promise<UserRecord> {
  if (user.emailVerifiedAt !== null) return user;
  const now = deps.clock.now();
  const claimed = await deps.storage.transaction(async (tx: Stores) => {
    if (!(await tx.users.markEmailVerified(user.id, now))) return false;
    await tx.users.clearPasswordHash(user.id);
    await tx.sessions.deleteAllForUser(user.id);
    await tx.challenges.closeChallengesForUser(user.id, now);
    await tx.emailTokens.killForUser(user.id, now);
    await tx.accessKeys.deleteAllForUser(user.id);
    await tx.factors.deleteFactor(user.id);
    await tx.setups.deleteSetupsForUser(user.id);
    await tx.recoveryCodes.deleteRecoveryCode(user.id);
    await tx.passkeys.deletePasskeysForUser(user.id);
    await tx.devices.forgetDevicesForUser(user.id);
    await events.record(user.id, 'account.claimed', ctx, { via: 'google', reason: 'email_never_verified' }, tx);
    return true;
  });
  if (!claimed) return (await deps.storage.users.findById(user.id)) ?? user;
  await notices.send(user.email, 'account_claimed', ctx);
  return { ...user, passwordHash: null, emailVerifiedAt: now };
}
