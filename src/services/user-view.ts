// The `user` object of the contract: {id, email, email_verified, created_at, mfa:{enabled, method,
// phone_hint?}, google_linked}. It never carries a secret.
import type { AccountSummary } from '../core/ports/principal-store.js';
import type { Stores, UserRecord } from '../core/ports/stores.js';

export interface MfaSummary {
  enabled: boolean;
  /** The code factor, or "passkey" when passkeys are the account's only second factor. */
  method: 'totp' | 'sms' | 'passkey' | null;
  phone_hint?: string;
  /** Every way the second step can be answered (e.g. ["totp","passkey"]); absent while 2FA is off. */
  methods?: ('totp' | 'sms' | 'passkey')[];
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
  return userView(account.user, mfaSummary(account.factor, account.hasPasskey), account.googleLinked);
}

/** Two-factor authentication counts as on with a TOTP/SMS factor or at least one passkey. */
export function mfaSummary(f: AccountSummary['factor'], hasPasskey: boolean): MfaSummary {
  const methods: ('totp' | 'sms' | 'passkey')[] = [
    ...(f ? [f.method] : []),
    ...(hasPasskey ? ['passkey' as const] : []),
  ];
  if (methods.length === 0) return { enabled: false, method: null };
  return {
    enabled: true,
    method: f ? f.method : 'passkey',
    ...(f?.phoneHint ? { phone_hint: f.phoneHint } : {}),
    methods,
  };
}

/** Builds the view with the account's current second factor and links. */
export class UserViewService {
  constructor(private readonly stores: Pick<Stores, 'factors' | 'identities' | 'passkeys'>) {}

  async view(user: UserRecord): Promise<UserView> {
    const [f, identities, passkeys] = await Promise.all([
      this.stores.factors.getFactor(user.id),
      this.stores.identities.listForUser(user.id),
      this.stores.passkeys.countPasskeys(user.id),
    ]);
    return accountView({
      user,
      factor: f ? { method: f.method, phoneHint: f.phoneHint } : null,
      googleLinked: identities.length > 0,
      hasPasskey: passkeys > 0,
    });
  }
}
