// Access keys: the id is public, the secret is kept envelope-encrypted (the server must recompute
// the MAC, so a one-way hash cannot serve). One-time signature hashes guard against replays.

export interface AccessKeyRecord {
  id: string;
  userId: string;
  /** Envelope-encrypted secret bytes (AAD `access-key:<id>`). */
  secretEnc: string;
  enabled: boolean;
  createdAt: number;
  lastUsedAt: number | null;
}

export interface AccessKeyStore {
  create(key: AccessKeyRecord): Promise<void>;
  findById(id: string): Promise<AccessKeyRecord | null>;
  listForUser(userId: string): Promise<AccessKeyRecord[]>;
  countForUser(userId: string): Promise<number>;
  setEnabled(userId: string, id: string, enabled: boolean): Promise<AccessKeyRecord | null>;
  delete(userId: string, id: string): Promise<boolean>;
  /** Disables every enabled key of the user (they stay listed); answers how many were enabled. */
  disableAllForUser(userId: string): Promise<number>;
  /** Deletes every key of the user; answers how many. */
  deleteAllForUser(userId: string): Promise<number>;
  /** Moves last_used_at forward when it is older than `olderThan` (at most one write a minute). */
  touch(id: string, at: number, olderThan: number): Promise<void>;
  listAll(afterId: string | null, limit: number): Promise<AccessKeyRecord[]>;
  updateCiphertext(id: string, secretEnc: string): Promise<void>;
  /** Records a signature hash until expiresAt: true the first time, false for a replay. */
  claimSignature(hash: string, now: number, expiresAt: number): Promise<boolean>;
}
