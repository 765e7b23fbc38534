// Operators' storage: admin access keys (envelope-encrypted like user keys, in their own table),
// the append-only admin audit log, and account locks.
import type { EventRecord } from './stores.js';

export interface AdminKeyRecord {
  id: string;
  name: string;
  /** Envelope-encrypted secret bytes (AAD `admin-key:<id>`). */
  secretEnc: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface AdminAuditRecord {
  id: number;
  at: number;
  keyId: string;
  keyName: string;
  /** `METHOD /v1/admin/route/{param}` as routed. */
  action: string;
  targetUserId: string | null;
  reason: string | null;
  ticket: string | null;
  status: number;
  ip: string | null;
  userAgent: string | null;
}

export interface AccountLock {
  userId: string;
  lockedAt: number;
  /** null: until unlocked. */
  lockedUntil: number | null;
  reason: string | null;
}

export interface AdminStore {
  createKey(key: AdminKeyRecord): Promise<void>;
  findKey(id: string): Promise<AdminKeyRecord | null>;
  listKeys(): Promise<AdminKeyRecord[]>;
  /** Replaces a key's sealed secret if it is still `expected` (key rotation): true when replaced. */
  updateKeyCiphertext(id: string, secretEnc: string, expected: string): Promise<boolean>;
  /** Revokes a key that is not revoked yet (one conditional UPDATE): true when it was revoked now. */
  revokeKey(id: string, at: number): Promise<boolean>;
  /** Moves last_used_at forward when it is older than `olderThan`. */
  touchKey(id: string, at: number, olderThan: number): Promise<void>;
  /** Returns the new entry's id. */
  appendAudit(entry: Omit<AdminAuditRecord, 'id'>): Promise<number>;
  /** Oldest first, from `sinceMs` (inclusive), after the entry `afterId` when paging. */
  listAudit(options: { sinceMs: number; afterId?: number; limit: number }): Promise<AdminAuditRecord[]>;
  /** Every account's security events, oldest first, from `sinceMs`, after the event `afterId` (export). */
  listEvents(options: { sinceMs: number; afterId?: number; limit: number }): Promise<EventRecord[]>;
  /** Sets (or replaces) the account's lock. */
  lock(lock: AccountLock): Promise<void>;
  /** Removes the lock: true when there was one. */
  unlock(userId: string): Promise<boolean>;
  /** The lock in force at `now` (an expired one is not). */
  lockOf(userId: string, now: number): Promise<AccountLock | null>;
}
