// What an operator reads of accounts: a search by email and the facts the account page shows.
// Never a secret.

export interface AdminUserRow {
  id: string;
  email: string;
  createdAt: number;
  emailVerifiedAt: number | null;
  /** The enabled second factor's method, or null. */
  mfaMethod: string | null;
  /** The lock in force: its end (null = until unlocked), or undefined when not locked. */
  lockedUntil?: number | null;
}

export interface AdminUserFacts {
  lastSignInAt: number | null;
  accessKeys: number;
  /** null when this database has no passkeys table. */
  passkeys: number | null;
  googleLinked: boolean;
}

export interface AdminUserStore {
  /**
   * Accounts whose (normalised) email equals `email`, or starts with it when `prefix`, in email
   * order after `after`; `now` decides which locks are in force.
   */
  search(q: { email: string; prefix: boolean; after?: string; limit: number; now: number }): Promise<AdminUserRow[]>;
  byId(id: string, now: number): Promise<AdminUserRow | null>;
  facts(userId: string): Promise<AdminUserFacts>;
}
