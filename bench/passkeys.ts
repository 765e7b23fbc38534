// The passkey sign-in figure's preparation (issue 15), done by bench/run.ts before the load starts,
// as the signed figure's signatures are: a software authenticator (test/helpers) registers one
// passkey for each of `accounts` through the real routes, then `count` sign-in options are asked
// of the server and answered. The timed run only posts the assertions to POST /v1/auth/passkey:
// a browser's authenticator signs on the user's device, not on the server's two cores.
import { SoftAuthenticator } from '../test/helpers/soft-authenticator.js';
import { BENCH_PASSWORD, sessionToken } from './fixtures.js';

interface Target {
  /** Where the sockets connect (http://127.0.0.1:port). */
  origin: string;
  /** TWOFOLD_PUBLIC_URL: the WebAuthn origin, on localhost (browsers refuse an IP as relying party). */
  publicUrl: string;
  salt: string;
}

let address = 0;
/** 198.18.0.0/15 (RFC 2544, benchmarking): every preparation request its own client address. */
const nextAddress = () => `198.${18 + ((address >> 16) & 1)}.${(address >> 8) & 255}.${address++ & 255}`;

async function post(t: Target, path: string, json: unknown, token?: string): Promise<unknown> {
  const r = await fetch(t.origin + path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': nextAddress(),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(json),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`passkey preparation: ${path} answered ${r.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** Runs `work(i)` for i < n, `width` at a time. */
async function inParallel(n: number, width: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) await work(next++);
    }),
  );
}

/**
 * `count` bodies for POST /v1/auth/passkey ({response, client:"app"}), each on its own challenge,
 * rotating over the accounts' passkeys. Counters stay 0, as synced passkeys send them, so that
 * assertions of one credential may arrive in any order (a non-zero counter must grow).
 */
export async function preparePasskeySignIns(t: Target, accounts: number[], count: number): Promise<string[]> {
  const authenticator = new SoftAuthenticator(t.publicUrl, new URL(t.publicUrl).hostname);
  // Each registration checks the password (argon2id): a few at a time.
  await inParallel(accounts.length, 4, async (i) => {
    const token = sessionToken(t.salt, accounts[i]!);
    const options = (await post(t, '/v1/me/passkeys/options', { password: BENCH_PASSWORD }, token)) as {
      challenge: string;
      user: { id: string };
    };
    await post(t, '/v1/me/passkeys', { name: 'bench', response: authenticator.register(options) }, token);
  });
  const ids = authenticator.credentials.map((_, i) => authenticator.idOf(i));
  const bodies: string[] = new Array<string>(count);
  await inParallel(count, 16, async (i) => {
    const options = (await post(t, '/v1/auth/passkey/options', {})) as { challenge: string };
    const response = authenticator.assert(options, ids[i % ids.length], { counter: 0 });
    bodies[i] = JSON.stringify({ response, client: 'app' });
  });
  return bodies;
}
