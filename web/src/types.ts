// The v1 API's shapes (shared/API.md). The answers are the typed client's (src/client/api-types.ts),
// imported as types only so nothing of src/ reaches the bundle; here are only what the portal reads
// differently and the set-up answers the client does not model.
import type { MfaRequired, SecurityEvent } from '../../src/client/api-types';

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

/**
 * A sign-in's second step. One that arrives from Google's redirect (/login?challenge=…) carries no
 * `expires_at`, so the portal does not count on it.
 */
export type Challenge = Omit<MfaRequired, 'expires_at'> & { expires_at?: string };

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
