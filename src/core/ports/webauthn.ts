// The WebAuthn ceremonies, behind a port: src/adapters/webauthn wraps @simplewebauthn/server, so
// that core and services never import it. Responses arrive as untrusted JSON (`unknown`).
import type { PasskeyRecord } from './passkey-stores.js';

/** PublicKeyCredential{Creation,Request}OptionsJSON, passed to the browser whole. */
export type WebAuthnOptions = { challenge: string } & Record<string, unknown>;

export interface RpInfo {
  rpId: string;
  origin: string;
  name: string;
}

export interface CredentialRef {
  id: string;
  transports: string[];
}

export interface NewCredential {
  credentialId: string;
  publicKey: string;
  counter: number;
  transports: string[];
  backupEligible: boolean;
  backedUp: boolean;
  aaguid: string;
}

export type RegistrationVerdict = { ok: true; credential: NewCredential } | { ok: false; reason: string };

export type AssertionVerdict =
  { ok: true; newCounter: number; backedUp: boolean } | { ok: false; reason: 'counter' | 'invalid'; message: string };

export interface WebAuthnCeremonies {
  /** PublicKeyCredentialCreationOptionsJSON (plain JSON for the browser). */
  registrationOptions(
    rp: RpInfo,
    input: { challenge: string; userId: string; userName: string; exclude: CredentialRef[] },
  ): Promise<WebAuthnOptions>;
  /** PublicKeyCredentialRequestOptionsJSON; no allow list asks for a discoverable credential. */
  authenticationOptions(
    rp: RpInfo,
    input: { challenge: string; allow?: CredentialRef[]; userVerification: 'required' | 'preferred' },
  ): Promise<WebAuthnOptions>;
  /** The challenge (base64url) the response's clientDataJSON carries, and the credential id; null when unreadable. */
  readResponse(response: unknown): { challenge: string; credentialId: string } | null;
  verifyRegistration(rp: RpInfo, response: unknown, challenge: string): Promise<RegistrationVerdict>;
  verifyAssertion(
    rp: RpInfo,
    response: unknown,
    challenge: string,
    credential: Pick<PasskeyRecord, 'credentialId' | 'publicKey' | 'counter' | 'transports'>,
    requireUserVerification: boolean,
  ): Promise<AssertionVerdict>;
}
