/** One-time claims (signature hashes): Redis when configured, else the database. */
export interface ReplayGuard {
  /** True the first time `key` is claimed within ttlMs; false for a replay. */
  claim(key: string, ttlMs: number): Promise<boolean>;
}
