// Text columns that hold one of a closed set of words (a factor's method, a session's client, a
// mailed token's purpose) are checked as they are read: a corrupt or foreign value stops the read
// with an error naming the table and column, instead of flowing on typed as something it is not.
// The value itself is left out of the message (a corrupt column may hold anything).
import type { EmailTokenPurpose } from '../core/ports/email-token-store.js';
import type { ChallengeMethod, MfaMethod } from '../core/ports/mfa-stores.js';
import type { WebAuthnPurpose } from '../core/ports/passkey-stores.js';
import type { ClientKind, SessionClient } from '../core/ports/stores.js';

/** A reader for a column whose values are the keys of `members` (a Record, so no member is missed). */
export function oneOf<T extends string>(members: Record<T, true>): (value: string, table: string, column: string) => T {
  const allowed = new Set<string>(Object.keys(members));
  const list = [...allowed].join(', ');
  return (value, table, column) => {
    if (allowed.has(value)) return value as T;
    throw new Error(
      `${table}.${column} holds a value that is not one of ${list}: the row is corrupt or from another version`,
    );
  };
}

export const mfaMethodColumn = oneOf<MfaMethod>({ totp: true, sms: true });
export const clientColumn = oneOf<ClientKind>({ web: true, app: true });
export const sessionClientColumn = oneOf<SessionClient>({ web: true, app: true, cli: true });
export const emailTokenPurposeColumn = oneOf<EmailTokenPurpose>({ verify: true, change: true });
export const challengeMethodColumn = oneOf<ChallengeMethod>({ totp: true, sms: true, passkey: true });
export const webAuthnPurposeColumn = oneOf<WebAuthnPurpose>({ register: true, signin: true, second_factor: true });
