// Table types for Kysely. Times are integers of milliseconds since the epoch (UTC): the same on
// SQLite (INTEGER) and PostgreSQL (bigint, parsed to number by the pg type parser in database.ts).
import type { Generated } from 'kysely';
import type { PasskeysTable, RememberedDevicesTable, WebAuthnChallengesTable } from './schema-passkeys.js';

export type { PasskeysTable, RememberedDevicesTable, WebAuthnChallengesTable };

export interface UsersTable {
  id: string;
  email: string;
  password_hash: string | null;
  created_at: number;
  updated_at: number;
  email_verified_at: number | null;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  token_hash: string;
  client: string;
  created_at: number;
  last_seen_at: number;
  absolute_expires_at: number;
  ip: string | null;
  user_agent: string | null;
}

export interface EventsTable {
  id: Generated<number>;
  user_id: string;
  type: string;
  at: number;
  ip: string | null;
  user_agent: string | null;
  data: string | null;
}

export interface PasswordResetsTable {
  token_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  events: EventsTable;
  password_resets: PasswordResetsTable;
}

export interface MfaFactorsTable {
  user_id: string;
  method: string;
  secret_enc: string | null;
  phone_enc: string | null;
  phone_hint: string | null;
  last_step: number | null;
  enabled_at: number;
}

export interface MfaSetupsTable {
  id: string;
  user_id: string;
  method: string;
  secret_enc: string | null;
  phone_enc: string | null;
  phone_hint: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  code_hash: string | null;
  code_expires_at: number | null;
  sends: Generated<number>;
  last_sent_at: number | null;
}

export interface RecoveryCodesTable {
  user_id: string;
  code_hash: string;
  kid: string;
  created_at: number;
  used_at: number | null;
}

export interface MfaChallengesTable {
  id_hash: string;
  user_id: string;
  method: string;
  client: string;
  via: string;
  created_at: number;
  expires_at: number;
  failures: number;
  closed_at: number | null;
  code_hash: string | null;
  code_expires_at: number | null;
  sends: Generated<number>;
  link_issuer: string | null;
  link_subject: string | null;
  link_email: string | null;
  last_sent_at: number | null;
}

export interface MfaAttemptsTable {
  user_id: string;
  failures: number;
  rounds: number;
  locked_until: number | null;
}

export interface Database {
  mfa_factors: MfaFactorsTable;
  mfa_setups: MfaSetupsTable;
  recovery_codes: RecoveryCodesTable;
  mfa_challenges: MfaChallengesTable;
  mfa_attempts: MfaAttemptsTable;
}

export interface AccessKeysTable {
  id: string;
  user_id: string;
  secret_enc: string;
  enabled: number;
  created_at: number;
  last_used_at: number | null;
}

export interface SignatureReplaysTable {
  hash: string;
  expires_at: number;
}

export interface Database {
  access_keys: AccessKeysTable;
  signature_replays: SignatureReplaysTable;
}

export interface UserIdentitiesTable {
  issuer: string;
  subject: string;
  user_id: string;
  email: string | null;
  linked_at: number;
}

export interface Database {
  user_identities: UserIdentitiesTable;
}

export interface RateCountersTable {
  key: string;
  count: number;
  reset_at: number;
}

export interface Database {
  rate_counters: RateCountersTable;
}

export interface EmailTokensTable {
  token_hash: string;
  user_id: string;
  purpose: string;
  /** The address the link went to (the new one for a change of email). */
  email: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface Database {
  email_tokens: EmailTokensTable;
}

export interface DeviceGrantsTable {
  device_code_hash: string;
  user_code_hash: string;
  client_id: string;
  created_at: number;
  expires_at: number;
  interval_sec: number;
  last_polled_at: number | null;
  ip: string | null;
  user_agent: string | null;
  status: string;
  user_id: string | null;
  decided_at: number | null;
  session_id: string | null;
}

export interface Database {
  device_grants: DeviceGrantsTable;
}

export interface AdminKeysTable {
  id: string;
  name: string;
  secret_enc: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface AdminAuditTable {
  id: Generated<number>;
  at: number;
  key_id: string;
  key_name: string;
  action: string;
  target_user_id: string | null;
  reason: string | null;
  ticket: string | null;
  status: number;
  ip: string | null;
  user_agent: string | null;
}

export interface Database {
  passkeys: PasskeysTable;
  webauthn_challenges: WebAuthnChallengesTable;
  remembered_devices: RememberedDevicesTable;
}

export interface AccountLocksTable {
  user_id: string;
  locked_at: number;
  locked_until: number | null;
  reason: string | null;
}

export interface Database {
  admin_keys: AdminKeysTable;
  admin_audit: AdminAuditTable;
  account_locks: AccountLocksTable;
}

export interface SupportResetsTable {
  id: string;
  user_id: string;
  admin_key_id: string;
  reason: string;
  ticket: string;
  cancel_token_hash: string;
  reminder_token_hash: string | null;
  state: string;
  requested_at: number;
  due_at: number;
  reminded_at: number | null;
  finished_at: number | null;
  finished_by: string | null;
}

export interface Database {
  support_resets: SupportResetsTable;
}

export interface WebhookOutboxTable {
  id: string;
  type: string;
  payload: string;
  state: string;
  attempts: number;
  created_at: number;
  next_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  last_error: string | null;
  delivered_at: number | null;
}

export interface Database {
  webhook_outbox: WebhookOutboxTable;
}
