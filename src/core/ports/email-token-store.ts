// Mailed links that prove a mailbox (shared/API.md "Proving the mailbox"): a confirmation of the
// account's address ('verify') or of a new address it asked to move to ('change'). Only the
// SHA-256 of the token is stored; a token is spent once, by one conditional UPDATE.

export type EmailTokenPurpose = 'verify' | 'change';

export interface EmailTokenRecord {
  tokenHash: string;
  userId: string;
  purpose: EmailTokenPurpose;
  /** The address the link was mailed to: the account's for 'verify', the new one for 'change'. */
  email: string;
  createdAt: number;
  expiresAt: number;
}

export interface EmailTokenStore {
  create(token: EmailTokenRecord): Promise<void>;
  /**
   * Spends the token (UPDATE … WHERE used_at IS NULL AND expires_at > now): the record the first
   * time, null for an unknown, spent or expired token. Of parallel uses, one gets the record.
   */
  spend(tokenHash: string, now: number): Promise<EmailTokenRecord | null>;
  /** Kills the user's unspent tokens (of one purpose, or all); answers how many died. */
  killForUser(userId: string, now: number, purpose?: EmailTokenPurpose): Promise<number>;
}
