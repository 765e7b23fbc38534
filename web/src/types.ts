// The v1 API's shapes (shared/API.md). The answers are the typed client's (src/client/api-types.ts),
// imported as types only so nothing of src/ reaches the bundle; here are only what the portal reads
// differently and the set-up answers the client does not model.
import type { MfaMethod, MfaRequired, SecurityEvent } from '../../src/client/api-types';

export type {
  AccessKey,
  Authenticated,
  CreatedAccessKey,
  LoginResult,
  MfaMethod,
  MfaStatus,
  Session,
  User,
} from '../../src/client/api-types';

/** How a sign-in's second step can be answered: a code, or a passkey (shared/API.md "Passkeys"). */
export type ChallengeMethod = MfaMethod | 'passkey';

/**
 * A sign-in's second step. One that arrives from Google's redirect (/login?challenge=…) carries no
 * `expires_at`, so the portal does not count on it. `methods` lists every way to answer it (a
 * server without passkeys leaves it out: then `method` alone).
 */
export type Challenge = Omit<MfaRequired, 'expires_at' | 'method' | 'methods'> & {
  method: ChallengeMethod;
  methods?: readonly ChallengeMethod[];
  expires_at?: string;
  /** How long "Remember this device" lasts; 0 when the server has the feature turned off. */
  remember_device_days?: number;
};

/** One of the account's passkeys (`GET /v1/me/passkeys`). */
export interface Passkey {
  id: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
  backed_up: boolean;
}

/** The answer to adding a passkey; the account's first factor also brings its recovery code. */
export type CreatedPasskey = Passkey & { recovery_code?: string };

/** A browser that skips the code at sign-in (`GET /v1/me/devices`). */
export interface RememberedDevice {
  id: string;
  created_at: string;
  expires_at: string;
  last_used_at?: string | null;
  ip?: string | null;
  user_agent?: string | null;
  /** This browser. */
  current?: boolean;
}

/** The portal asks for the log from its own session, whose entries always carry their `id`. */
export type LogEvent = SecurityEvent & { id: number };

export interface TotpSetup {
  setup_id: string;
  method: 'totp';
  secret: string;
  otpauth_uri: string;
  qr_svg: string;
  expires_at: string;
}

export interface SmsSetup {
  setup_id: string;
  method: 'sms';
  phone_hint: string;
  expires_at: string;
}
