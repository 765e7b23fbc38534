// A phase: which of its seeded accounts each figure uses (sessions, access keys, TOTP accounts for
// the sign-in and for the verify step, a probe), the sanity checks made with them before any load,
// and the challenges the verify-only figure spends, written to the database just before it.
import { timeStep, totpAt } from '../src/core/totp.js';
import { signRequest } from '../src/client/signer.js';
import {
  accessKeyId,
  accessKeySecret,
  BENCH_PASSWORD,
  challengeToken,
  email,
  planFor,
  sessionToken,
  spread,
  totpSecret,
  type SeedPlan,
} from './fixtures.js';
import { salt } from './options.js';
import type { Pools } from './seed.js';
import { insertChallenges } from './seed-challenges.js';
import type { ServerHandle } from './servers.js';

export interface Phase {
  label: 'small' | 'large';
  plan: SeedPlan;
  pools: Pools;
  sessions: number[];
  keys: number[];
  signIn: number[];
  verify: number[];
  /** A TOTP account outside every pool, for the sign-in sanity check. */
  probe: number;
}

export function phaseFor(label: 'small' | 'large', accounts: number, verifyWanted: number): Phase {
  const plan = planFor(accounts);
  const sessions = spread(accounts, 1, Math.min(1_000, accounts));
  const keys = spread(accounts, plan.keyEvery, 200);
  // TOTP accounts in three slices: sign-in pool, verify-only pool, the probe.
  const eligible = Math.floor((accounts - 1) / plan.totpEvery) + 1;
  const slice = Math.floor(eligible / 3);
  const signIn =
    label === 'small'
      ? spread(accounts - 1, plan.totpEvery, Math.min(1_000, accounts - 1))
      : spread(accounts, plan.totpEvery, Math.min(1_000, slice), 0, 3);
  const verify =
    label === 'small' ? [] : spread(accounts, plan.totpEvery, Math.min(slice, Math.ceil(verifyWanted / 2)), 1, 3);
  const probe =
    label === 'small'
      ? accounts - 1 - ((accounts - 1) % plan.totpEvery)
      : spread(accounts, plan.totpEvery, 1, 2, 3)[0]!;
  return {
    label,
    plan,
    sessions,
    keys,
    signIn,
    verify,
    probe,
    pools: { sessions, totp: [...new Set([...signIn, ...verify, probe])], keys },
  };
}

async function check(what: string, r: Response, status = 200): Promise<unknown> {
  const body = await r.text();
  if (r.status !== status) throw new Error(`sanity check "${what}": ${r.status} ${body.slice(0, 300)}`);
  return body ? JSON.parse(body) : null;
}

/** One request of each kind, before any load: a wrong set-up fails here, with its answer. */
export async function sanity(server: ServerHandle, phase: Phase): Promise<void> {
  const url = `${server.origin}/v1/me`;
  const xff = { 'x-forwarded-for': '192.0.2.1' };
  await check(
    'cookie',
    await fetch(url, { headers: { ...xff, cookie: `twofold_session=${sessionToken(salt, phase.sessions[0]!)}` } }),
  );
  await check(
    'bearer',
    await fetch(url, { headers: { ...xff, authorization: `Bearer ${sessionToken(salt, phase.sessions[1]!)}` } }),
  );
  const k = phase.keys[0]!;
  await check(
    'signed',
    await fetch(url, {
      headers: {
        ...xff,
        ...signRequest({
          method: 'GET',
          url: `${server.publicUrl}/v1/me`,
          keyId: accessKeyId(salt, k),
          secretBase64: accessKeySecret(salt, k).toString('base64'),
          scheme: 'rfc9421',
        }),
      },
    }),
  );
  const login = (await check(
    'login',
    await fetch(`${server.origin}/v1/auth/login`, {
      method: 'POST',
      headers: { ...xff, 'content-type': 'application/json' },
      body: JSON.stringify({ email: email(salt, phase.probe), password: BENCH_PASSWORD, client: 'app' }),
    }),
  )) as { status: string; challenge: string };
  if (login.status !== 'mfa_required') throw new Error(`sanity check "login": ${JSON.stringify(login)}`);
  const code = totpAt(totpSecret(salt, phase.probe), timeStep(Date.now()) * 30_000);
  const done = (await check(
    'verify',
    await fetch(`${server.origin}/v1/auth/login/verify`, {
      method: 'POST',
      headers: { ...xff, 'content-type': 'application/json' },
      body: JSON.stringify({ challenge: login.challenge, code }),
    }),
  )) as { status: string; token?: string };
  if (done.status !== 'authenticated' || !done.token) throw new Error(`sanity check "verify": ${JSON.stringify(done)}`);
}

/**
 * Two challenges per account (round 0 for all accounts, then round 1: the same account comes
 * back only after all the others), written to the database just before use (they live 5 min).
 * Each account can pass two codes: the current step, then the next (RFC 6238 §5.2 window).
 */
export async function prepareChallenges(
  databaseUrl: string,
  accounts: number[],
): Promise<{ n: number; round: number }[]> {
  const challenges = [0, 1].flatMap((round) => accounts.map((n) => ({ n, round })));
  await insertChallenges(
    databaseUrl,
    salt,
    challenges.map((c) => ({ n: c.n, token: challengeToken(salt, c.n, c.round) })),
    Date.now(),
  );
  return challenges;
}
