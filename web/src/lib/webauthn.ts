// Passkeys in the browser, through @simplewebauthn/browser (no hand-made CBOR or base64url). One
// ceremony runs at a time (its abort service cancels the previous one), so the sign-in page's
// autofill request gives way to the "Sign in with a passkey" button and to leaving the page.
import {
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  startAuthentication,
  startRegistration,
  WebAuthnAbortService,
  WebAuthnError,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/browser';
import { ApiError } from '../api';
import { errorMessage } from './errors';

export type CreationOptions = PublicKeyCredentialCreationOptionsJSON;
export type RequestOptions = PublicKeyCredentialRequestOptionsJSON;

/** Why passkeys cannot be used on this page, or null when they can. */
export type PasskeyBlock = 'ip-host' | 'insecure' | 'unsupported';

/** An IPv4 or IPv6 literal: browsers refuse it as the relying party id (WebAuthn §5.1.3, "valid domain"). */
export function isIpHost(hostname: string = location.hostname): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) || hostname.includes(':') || hostname.startsWith('[');
}

export function passkeyBlock(): PasskeyBlock | null {
  if (isIpHost()) return 'ip-host';
  // A passkey needs a secure context: https, or http on localhost.
  if (!window.isSecureContext) return 'insecure';
  if (!browserSupportsWebAuthn()) return 'unsupported';
  return null;
}

/** The same page on `localhost` (same scheme and port): where passkeys work in development. */
export function localhostHref(): string {
  const port = location.port ? `:${location.port}` : '';
  return `${location.protocol}//localhost${port}${location.pathname}${location.search}`;
}

/** Whether this browser can offer passkeys in the email field's autofill (conditional mediation). */
export async function autofillSupported(): Promise<boolean> {
  if (passkeyBlock()) return false;
  try {
    return await browserSupportsWebAuthnAutofill();
  } catch {
    return false;
  }
}

/** Makes a passkey on this device: resolves with the attestation to send to the server. */
export function createPasskey(optionsJSON: CreationOptions): Promise<RegistrationResponseJSON> {
  return startRegistration({ optionsJSON });
}

/** Asks for a passkey: in a browser prompt, or (`autofill`) in the email field's suggestions. */
export function getPasskey(optionsJSON: RequestOptions, autofill = false): Promise<AuthenticationResponseJSON> {
  return startAuthentication({ optionsJSON, useBrowserAutofill: autofill });
}

/** Ends the pending request for a passkey, if any (the user signs in another way, or leaves). */
export function cancelPasskeyRequest(): void {
  WebAuthnAbortService.cancelCeremony();
}

/** A request the page itself called off (another request replaced it, or the page was left). */
export function isCancelled(err: unknown): boolean {
  if (err instanceof WebAuthnError) return err.code === 'ERROR_CEREMONY_ABORTED';
  return err instanceof Error && err.name === 'AbortError';
}

/** What to tell the user when a passkey did not work; `creating` is the Add a passkey path. */
export function passkeyErrorText(err: unknown, creating = false): string {
  if (err instanceof ApiError) {
    if (err.code === 'invalid_passkey')
      return creating
        ? 'Twofold could not accept this passkey. Try again, or use another device or security key.'
        : 'That passkey was not accepted: it may have been deleted from your account. Try another way to sign in.';
    if (err.code === 'passkey_limit')
      return 'You already have the most passkeys an account can have. Delete one first.';
    return errorMessage(err);
  }
  if (!(err instanceof Error)) return 'The passkey did not work. Try again.';
  const code = err instanceof WebAuthnError ? err.code : null;
  if (code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED' || err.name === 'InvalidStateError')
    return 'This device already holds a passkey for your account.';
  if (code === 'ERROR_INVALID_DOMAIN' || code === 'ERROR_INVALID_RP_ID' || err.name === 'SecurityError')
    return 'This browser refused passkeys at this address. Open Twofold at its usual address and try again.';
  // NotAllowedError: the user closed the prompt, or it timed out (the spec does not tell them apart).
  if (err.name === 'NotAllowedError')
    return 'The passkey request was cancelled or timed out. Try again when you are ready.';
  if (code === 'ERROR_AUTHENTICATOR_MISSING_USER_VERIFICATION_SUPPORT')
    return 'This device cannot check that it is you (a PIN, fingerprint or face). Use another device or security key.';
  if (code === 'ERROR_AUTHENTICATOR_MISSING_DISCOVERABLE_CREDENTIAL_SUPPORT')
    return 'This security key cannot hold a passkey. Use another device or security key.';
  if (!browserSupportsWebAuthn()) return BLOCK_TEXT.unsupported;
  return 'The passkey did not work. Try again.';
}

/** One line for each reason passkeys are hidden (the IP-address case carries a link as well). */
export const BLOCK_TEXT: Record<PasskeyBlock, string> = {
  'ip-host': 'Passkeys need a name such as localhost, not an IP address. Open this page at',
  insecure: 'Passkeys work only over https (or on localhost), so they are not offered here.',
  unsupported: 'This browser can’t use passkeys. Use a recent browser, or sign in another way.',
};
