// Passkeys, their single-use WebAuthn challenges and remembered devices (migration 009).

export interface PasskeysTable {
  id: string;
  user_id: string;
  credential_id: string;
  public_key: string;
  counter: number;
  /** JSON array of transport hints ("internal", "usb", "hybrid", …). */
  transports: string;
  backup_eligible: number;
  backed_up: number;
  aaguid: string;
  name: string;
  created_at: number;
  last_used_at: number | null;
}

export interface WebAuthnChallengesTable {
  challenge_hash: string;
  purpose: string;
  user_id: string | null;
  session_id: string | null;
  sign_in_challenge_hash: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface RememberedDevicesTable {
  id: string;
  user_id: string;
  token_hash: string;
  created_at: number;
  expires_at: number;
  last_used_at: number | null;
  ip: string | null;
  user_agent: string | null;
}
