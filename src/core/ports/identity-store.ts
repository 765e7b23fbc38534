// Identities at an external OpenID provider (Google) linked to accounts. The key is the pair
// (issuer, subject): a provider's `sub` is stable and never reassigned, while an email address
// can change hands, so an email alone never decides which account a sign-in opens.

export interface IdentityRecord {
  issuer: string;
  subject: string;
  userId: string;
  /** The provider's email when the link was made; for the account page and mails only. */
  email: string | null;
  linkedAt: number;
}

export interface IdentityStore {
  find(issuer: string, subject: string): Promise<IdentityRecord | null>;
  /** Inserts; 'taken' when (issuer, subject) is already linked, decided by the primary key. */
  link(identity: IdentityRecord): Promise<'linked' | 'taken'>;
  listForUser(userId: string): Promise<IdentityRecord[]>;
  /** Removes the user's links at that issuer; answers how many were removed. */
  unlink(userId: string, issuer: string): Promise<number>;
}
