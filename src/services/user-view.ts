// The `user` object of the contract: {id, email, email_verified, created_at, mfa:{enabled, method,
// phone_hint?}, google_linked}. It never carries a secret.
import type { AccountSummary } from '../core/ports/principal-store.js';
import type { Stores, UserRecord } from '../core/ports/stores.js';

export interface MfaSummary {
  enabled: boolean;
  method: 'totp' | 'sms' | null;
  phone_hint?: string;
}

export interface UserView {
  id: string;
  email: string;
  email_verified: boolean;
  created_at: string;
  mfa: MfaSummary;
  google_linked: boolean;
}

export function userView(
  user: UserRecord,
  mfa: MfaSummary = { enabled: false, method: null },
  googleLinked = false,
): UserView {
  return {
    id: user.id,
    email: user.email,
    email_verified: user.emailVerifiedAt !== null,
    created_at: new Date(user.createdAt).toISOString(),
    mfa,
    google_linked: googleLinked,
  };
}

/** The view of an account as read with its session or access key (no further query). */
export function accountView(account: AccountSummary): UserView {
  const f = account.factor;
  const mfa: MfaSummary = f
    ? { enabled: true, method: f.method, ...(f.phoneHint ? { phone_hint: f.phoneHint } : {}) }
    : { enabled: false, method: null };
  return userView(account.user, mfa, account.googleLinked);
}

/** Builds the view with the account's current second factor and links. */
export class UserViewService {
  constructor(private readonly stores: Pick<Stores, 'factors' | 'identities'>) {}

  async view(user: UserRecord): Promise<UserView> {
    const [f, identities] = await Promise.all([
      this.stores.factors.getFactor(user.id),
      this.stores.identities.listForUser(user.id),
    ]);
    return accountView({
      user,
      factor: f ? { method: f.method, phoneHint: f.phoneHint } : null,
      googleLinked: identities.length > 0,
    });
  }
}
