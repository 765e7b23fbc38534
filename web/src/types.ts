// The v1 API's shapes the portal reads (shared/API.md).
export type Method = 'totp' | 'sms';

export interface User {
  id: string;
  email: string;
  /** False from sign-up until the link mailed to the address is opened (shared/API.md, "Proving the mailbox"). */
  email_verified: boolean;
  created_at: string;
  mfa: { enabled: boolean; method: Method | null; phone_hint?: string };
  google_linked: boolean;
}

export interface Authenticated {
  status: 'authenticated';
  user: User;
  mfa_disabled?: true;
}

export interface MfaRequired {
  status: 'mfa_required';
  challenge: string;
  method: Method;
  phone_hint?: string;
  expires_at?: string;
}

export type LoginAnswer = Authenticated | MfaRequired;

export interface MfaStatus {
  enabled: boolean;
  method: Method | null;
  phone_hint?: string;
  enabled_at?: string;
}

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

export interface AccessKey {
  id: string;
  enabled: boolean;
  created_at: string;
  last_used_at: string | null;
}

export interface NewAccessKey extends AccessKey {
  secret: string;
}

export interface Session {
  id: string;
  current: boolean;
  client: 'web' | 'app';
  created_at: string;
  last_seen_at: string;
  ip: string | null;
  user_agent: string | null;
}

export interface SecurityEvent {
  id: number;
  type: string;
  at: string;
  ip: string | null;
  user_agent: string | null;
  [extra: string]: unknown;
}
