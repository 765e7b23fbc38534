// Grants of the device authorization flow (RFC 8628). Only SHA-256 hashes of the device code and
// of the user code are stored. Every change of state is one conditional UPDATE whose row count
// decides: the first approval or denial wins, and a token is issued once.

export type DeviceGrantStatus = 'pending' | 'approved' | 'denied' | 'issued';

export interface DeviceGrantRecord {
  deviceCodeHash: string;
  userCodeHash: string;
  clientId: string;
  createdAt: number;
  expiresAt: number;
  /** Seconds between polls; raised by slow_down. */
  intervalSec: number;
  /** The last poll answered without slow_down; null before the first. */
  lastPolledAt: number | null;
  /** The device that asked (shown on the approval page, recorded on its session). */
  ip: string | null;
  userAgent: string | null;
  status: DeviceGrantStatus;
  /** The account that approved or denied it. */
  userId: string | null;
  decidedAt: number | null;
  /** The session issued for it. */
  sessionId: string | null;
}

export interface DeviceGrantStore {
  /** Inserts a pending grant; 'user_code_taken' when the unique index holds that user code already. */
  create(grant: DeviceGrantRecord): Promise<'created' | 'user_code_taken'>;
  byDeviceCode(deviceCodeHash: string): Promise<DeviceGrantRecord | null>;
  /** A pending, unexpired grant by its user code; null otherwise. */
  pendingByUserCode(userCodeHash: string, now: number): Promise<DeviceGrantRecord | null>;
  /**
   * Counts a poll when it keeps the interval (last_polled_at moves to now): true. Else the
   * interval grows by `slowDownSec` and the answer is false (RFC 8628 §3.5 slow_down).
   */
  pace(deviceCodeHash: string, now: number, slowDownSec: number): Promise<boolean>;
  /** pending → approved/denied for that user, while unexpired; false when it was not pending. */
  decide(userCodeHash: string, userId: string, verdict: 'approved' | 'denied', now: number): Promise<boolean>;
  /** approved → issued with the session's id, while unexpired; false when another poll was first. */
  issue(deviceCodeHash: string, sessionId: string, now: number): Promise<boolean>;
  /** approved → denied (the account was locked when the token was due). */
  refuse(deviceCodeHash: string, now: number): Promise<boolean>;
  /** Housekeeping: removes grants that expired before `before`. */
  deleteExpired(before: number): Promise<number>;
}
