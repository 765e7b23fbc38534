// Signed requests driven by an independent signer (test/keys/independent-signer.ts) against the
// file's harness (file-harness.ts): a call signed with either scheme and sent as the server
// receives it, with room to change what is signed or sent, and an account with an access key.
import type { LightMyRequestResponse } from 'fastify';
import { TEST_PUBLIC_URL } from '../helpers/harness.js';
import { h } from './file-harness.js';
import {
  signCavage,
  signRfc9421,
  type CavageOptions,
  type IndependentSignInput,
  type Rfc9421Options,
} from './independent-signer.js';
import { PUBLIC_HOST, createKey, signup, type CreatedKey } from './support.js';

export type Scheme = 'rfc9421' | 'cavage';
export const SCHEMES: Scheme[] = ['rfc9421', 'cavage'];

export interface Call {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: string;
  /** What the signer believes the URL is (default: the public URL + path). */
  signedUrl?: string;
  /** Body actually sent, when it differs from the signed one. */
  sentBody?: string;
  nowMs?: number;
  rfc9421?: Rfc9421Options;
  cavage?: CavageOptions;
  /** Headers to send instead of / on top of the signed ones. */
  extraHeaders?: Record<string, string>;
}

export function signedHeaders(key: CreatedKey, scheme: Scheme, c: Call): Record<string, string> {
  const input: IndependentSignInput = {
    method: c.method,
    url: c.signedUrl ?? `${TEST_PUBLIC_URL}${c.path}`,
    keyId: key.id,
    secret: key.secret,
    nowMs: c.nowMs ?? h.clock.now(),
    ...(c.body !== undefined ? { body: c.body } : {}),
  };
  return scheme === 'rfc9421' ? signRfc9421(input, c.rfc9421) : signCavage(input, c.cavage);
}

export function send(headers: Record<string, string>, c: Call): Promise<LightMyRequestResponse> {
  const body = c.sentBody ?? c.body;
  return h.inject({
    method: c.method,
    url: c.path,
    headers: { host: PUBLIC_HOST, ...headers, ...c.extraHeaders },
    ...(body !== undefined ? { payload: body } : {}),
  });
}

export const signed = (key: CreatedKey, scheme: Scheme, c: Call) => send(signedHeaders(key, scheme, c), c);

let n = 0;
/** A new account with one access key. */
export async function account(): Promise<{ token: string; key: CreatedKey; email: string }> {
  const email = `signer${++n}@example.com`;
  const { token } = await signup(h, email);
  return { token, key: await createKey(h, token), email };
}
