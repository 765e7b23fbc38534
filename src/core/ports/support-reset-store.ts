// The audited support reset of a lost second factor (docs/admin.md): pending for a waiting
// period, then cancelled or done. Each move is one conditional UPDATE whose row count decides.

export type SupportResetState = 'pending' | 'cancelled' | 'done';
/** Who ended it: the owner's link, the owner's session, a second-factor sign-in, an operator, the sweeper. */
export type SupportResetEnd = 'link' | 'session' | 'sign_in' | 'admin' | 'sweeper';

export interface SupportResetRecord {
  id: string;
  userId: string;
  adminKeyId: string;
  reason: string;
  ticket: string;
  /** SHA-256 of the cancel link's token. */
  cancelTokenHash: string;
  state: SupportResetState;
  requestedAt: number;
  dueAt: number;
  remindedAt: number | null;
  finishedAt: number | null;
  finishedBy: SupportResetEnd | null;
}

export interface SupportResetStore {
  /** 'pending_exists' when the account has a pending reset already (the partial unique index decides). */
  create(r: SupportResetRecord): Promise<'created' | 'pending_exists'>;
  pendingFor(userId: string): Promise<SupportResetRecord | null>;
  /** By the hash of the first mail's or the reminder's cancel token. */
  byCancelTokenHash(hash: string): Promise<SupportResetRecord | null>;
  /** pending → cancelled; the reset that was cancelled, or null when none was pending. */
  cancel(
    where: { id: string } | { userId: string },
    now: number,
    by: SupportResetEnd,
  ): Promise<SupportResetRecord | null>;
  /** Pending resets due by `now`, oldest first. */
  due(now: number, limit: number): Promise<SupportResetRecord[]>;
  /** pending → done for this id: true for the one caller that moved it. */
  markDone(id: string, now: number): Promise<boolean>;
  /** Pending resets due by `remindFrom` and not reminded yet. */
  toRemind(remindFrom: number, limit: number): Promise<SupportResetRecord[]>;
  /** Marks the reminder sent, with its own cancel link's hash: true for the one caller that marked it. */
  markReminded(id: string, now: number, tokenHash: string): Promise<boolean>;
  /** Removes the account's passkeys where this database has them (another migration adds the table). */
  deletePasskeys(userId: string): Promise<void>;
}
