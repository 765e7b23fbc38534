// The device authorization grant's rules (RFC 8628), as pure functions over a stored grant:
// what a poll of the token endpoint answers (§3.5), and the fixed numbers of shared/API.md.
import type { DeviceGrantRecord } from '../ports/device-grant-store.js';

export const DEVICE_GRANT = {
  /** RFC 8628 §3.2 expires_in: 10 minutes. */
  ttlMs: 10 * 60_000,
  /** §3.2 interval: the least number of seconds between polls. */
  intervalSec: 5,
  /** §3.5 slow_down: "the interval MUST be increased by 5 seconds for this and all subsequent requests". */
  slowDownSec: 5,
  /** Wrong user codes on the approval page: 5 a minute per session. */
  wrongCodes: { max: 5, windowMs: 60_000 },
} as const;

export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

/** The session client a device grant's token belongs to. */
export const DEVICE_SESSION_CLIENT = 'cli';

/**
 * What a poll gets before its pace is checked: a final error, or the state to go on with.
 * Order matters: a spent code is invalid_grant even after expiry (it must never say more), and an
 * expired grant answers expired_token whatever was decided (RFC 8628 §3.5).
 */
export type PollState = 'invalid_grant' | 'expired_token' | 'access_denied' | 'pending' | 'approved';

export function pollState(grant: DeviceGrantRecord | null, clientId: string, now: number): PollState {
  // RFC 6749 §5.2: a code issued to another client is invalid_grant.
  if (!grant || grant.clientId !== clientId || grant.status === 'issued') return 'invalid_grant';
  if (now >= grant.expiresAt) return 'expired_token';
  if (grant.status === 'denied') return 'access_denied';
  return grant.status;
}
