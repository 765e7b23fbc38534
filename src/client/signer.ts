// Client side of Twofold access keys: signs an outgoing request with the pure signer of
// src/core/signatures/sign-request.ts, adding the clock and a random RFC 9421 nonce (schemes and
// covered components: docs/design.md, "Signing requests").
import { randomBytes } from 'node:crypto';
import { buildSignedHeaders, type SignatureInput } from '../core/signatures/sign-request.js';

export interface SignRequestInput extends Omit<SignatureInput, 'nowMs' | 'nonce'> {
  nowMs?: number;
  /** RFC 9421 `nonce` parameter: random by default; a fixed value, or false to leave it out. */
  nonce?: string | false;
}

/** Returns the headers to add to the request (Date, the digest, and the signature fields). */
export function signRequest(input: SignRequestInput): Record<string, string> {
  // RFC 9421 §2.3: a fresh nonce, so two identical writes in one second are not taken for a replay.
  const nonce = input.nonce ?? (input.scheme === 'rfc9421' ? randomBytes(12).toString('base64url') : false);
  return buildSignedHeaders({ ...input, nowMs: input.nowMs ?? Date.now(), nonce });
}
