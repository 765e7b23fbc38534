// WebAuthn ceremonies over @simplewebauthn/server (attestation "none", ES256/EdDSA/RS256). Every
// failure of a response (malformed, wrong origin, wrong rpId, bad signature, counter gone back)
// comes back as a verdict, never as an exception: the services decide what a refusal counts as.
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type {
  AssertionVerdict,
  RegistrationVerdict,
  RpInfo,
  WebAuthnCeremonies,
  WebAuthnOptions,
} from '../../core/ports/webauthn.js';

const TIMEOUT_MS = 5 * 60_000;

const b64url = {
  decode: (s: string): Uint8Array<ArrayBuffer> => new Uint8Array(Buffer.from(s, 'base64url')),
  encode: (b: Uint8Array): string => Buffer.from(b).toString('base64url'),
};

const refs = (list: { id: string; transports: string[] }[]) =>
  list.map((c) => ({ id: c.id, transports: c.transports }));

function message(e: unknown): string {
  return e instanceof Error ? e.message.slice(0, 200) : 'unreadable response';
}

export const simpleWebAuthn: WebAuthnCeremonies = {
  async registrationOptions(rp, input) {
    const options = await generateRegistrationOptions({
      rpName: rp.name,
      rpID: rp.rpId,
      userName: input.userName,
      userID: new TextEncoder().encode(input.userId),
      challenge: b64url.decode(input.challenge),
      timeout: TIMEOUT_MS,
      attestationType: 'none',
      excludeCredentials: refs(input.exclude),
      // Discoverable (resident) credentials: the passkey alone can sign in, with no email typed.
      authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
    });
    return options as unknown as WebAuthnOptions;
  },

  async authenticationOptions(rp, input) {
    const options = await generateAuthenticationOptions({
      rpID: rp.rpId,
      challenge: b64url.decode(input.challenge),
      timeout: TIMEOUT_MS,
      userVerification: input.userVerification,
      ...(input.allow ? { allowCredentials: refs(input.allow) } : {}),
    });
    return options as unknown as WebAuthnOptions;
  },

  readResponse(response) {
    if (typeof response !== 'object' || response === null) return null;
    const r = response as { id?: unknown; response?: { clientDataJSON?: unknown } };
    const cdj = r.response?.clientDataJSON;
    if (typeof r.id !== 'string' || typeof cdj !== 'string' || !/^[A-Za-z0-9_-]+$/.test(r.id)) return null;
    try {
      const clientData = JSON.parse(Buffer.from(cdj, 'base64url').toString('utf8')) as { challenge?: unknown };
      const challenge = clientData.challenge;
      return typeof challenge === 'string' && challenge.length > 0 ? { challenge, credentialId: r.id } : null;
    } catch {
      return null;
    }
  },

  async verifyRegistration(rp: RpInfo, response: unknown, challenge: string): Promise<RegistrationVerdict> {
    try {
      const v = await verifyRegistrationResponse({
        response: response as RegistrationResponseJSON,
        expectedChallenge: challenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.rpId,
        requireUserVerification: false,
      });
      if (!v.verified) return { ok: false, reason: 'not verified' };
      const { credential, credentialDeviceType, credentialBackedUp, aaguid } = v.registrationInfo;
      return {
        ok: true,
        credential: {
          credentialId: credential.id,
          publicKey: b64url.encode(credential.publicKey),
          counter: credential.counter,
          transports: credential.transports ?? [],
          backupEligible: credentialDeviceType === 'multiDevice',
          backedUp: credentialBackedUp,
          aaguid,
        },
      };
    } catch (e) {
      return { ok: false, reason: message(e) };
    }
  },

  async verifyAssertion(rp, response, challenge, credential, requireUserVerification): Promise<AssertionVerdict> {
    try {
      const v = await verifyAuthenticationResponse({
        response: response as AuthenticationResponseJSON,
        expectedChallenge: challenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.rpId,
        requireUserVerification,
        credential: {
          id: credential.credentialId,
          publicKey: b64url.decode(credential.publicKey),
          counter: credential.counter,
          transports: credential.transports,
        },
      });
      if (!v.verified) return { ok: false, reason: 'invalid', message: 'signature not verified' };
      return {
        ok: true,
        newCounter: v.authenticationInfo.newCounter,
        backedUp: v.authenticationInfo.credentialBackedUp,
      };
    } catch (e) {
      // WebAuthn §7.2 step 21: a signature counter that did not grow signals a cloned authenticator.
      const reason = /counter/i.test(message(e)) ? 'counter' : 'invalid';
      return { ok: false, reason, message: message(e) };
    }
  },
};
