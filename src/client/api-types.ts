// The shapes of the v1 API's answers (shared/API.md), as a client sees them. Fields the contract
// lists are typed; servers may add more, which pass through untouched.

export type MfaMethod = 'totp' | 'sms';
/** `cli`: a session made by the device grant (`twofold login`). */
export type SessionClient = 'web' | 'app' | 'cli';

export interface User {
  id: string;
  email: string;
  /** false until the mailbox is proven (shared/API.md "Proving the mailbox"). */
  email_verified: boolean;
  created_at: string;
  mfa: { enabled: boolean; method: MfaMethod | null; phone_hint?: string };
  google_linked: boolean;
  /** On `GET /v1/me` only: the account's limits (TWOFOLD_ACCESS_KEY_LIMIT). */
  limits?: { access_keys: number };
}

export interface MfaStatus {
  enabled: boolean;
  method: MfaMethod | null;
  phone_hint?: string;
  enabled_at?: string;
}

export interface AccessKey {
  id: string;
  enabled: boolean;
  created_at: string;
  last_used_at: string | null;
}

/** The create answer: the only time the secret is shown. */
export interface CreatedAccessKey {
  id: string;
  secret: string;
  enabled: boolean;
  created_at: string;
  last_used_at?: string | null;
}

export interface Session {
  id: string;
  current: boolean;
  client: SessionClient;
  created_at: string;
  last_seen_at: string;
  ip: string | null;
  user_agent: string | null;
}

/** One security-log entry; event types carry extra members (e.g. `key_id`). */
export interface SecurityEvent {
  type: string;
  at: string;
  ip: string | null;
  user_agent: string | null;
  id?: number;
  [extra: string]: unknown;
}

export interface Authenticated {
  status: 'authenticated';
  user: User;
  /** Present when the sign-in said `"client": "app"` (this client always does). */
  token?: string;
  /** Set by a recovery-code sign-in: the second factor was turned off. */
  mfa_disabled?: true;
}

export interface MfaRequired {
  status: 'mfa_required';
  challenge: string;
  method: MfaMethod;
  phone_hint?: string;
  expires_at: string;
}

export type LoginResult = Authenticated | MfaRequired;

export interface EventsQuery {
  /** 1–100; the server's default is 50. */
  limit?: number;
  /** An event id: only older events (the `id` of the last event of the previous page). */
  before?: number;
}
