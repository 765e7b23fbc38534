// The soak's client side (bench/soak.ts): accounts made through the API, requests signed with
// the product's own signer, and the operations of the mix, each checked for its expected answer.
import { randomBytes } from 'node:crypto';
import { signRequest } from '../src/client/signer.js';
import { base32Decode } from '../src/core/base32.js';
import { timeStep, totpAt } from '../src/core/totp.js';
import { call as clusterCall, type CallOptions } from '../test/cluster/client.js';
import { markVerifiedInDatabase } from '../test/helpers/verify-email.js';

export const PASSWORD = 'soak-correct-horse-battery';
export const PUBLIC_URL = 'http://soak.twofold.test';
export const MIX = [
  'session',
  'session',
  'session',
  'session',
  'session',
  'get',
  'get',
  'get',
  'patch',
  'signin',
  'session',
  'session',
  'session',
  'session',
  'session',
  'get',
  'get',
  'patch',
  'patch',
  'signin',
] as const;
export type Op = (typeof MIX)[number];

/** Where the soak's requests go, set once the server is started. */
export const target = {
  base: '',
  /** The server's database: sign-ups' mailboxes are proven there (its mails are logged, links redacted). */
  databaseUrl: '',
};

/** A JSON call to the soak's server (the cluster tests' client), its body as an object. */
export async function call(method: string, path: string, o: CallOptions = {}) {
  const r = await clusterCall(target.base, method, path, o);
  return { status: r.status, json: (r.body ?? {}) as Record<string, unknown> & { status?: string } };
}

export interface Account {
  email: string;
  token: string;
  secret?: string;
  lastStep: number;
  key?: { id: string; secret: string };
}

async function account(n: number, withTotp: boolean): Promise<Account> {
  const email = `soak${n}.${randomBytes(3).toString('hex')}@example.test`;
  // Account n signs up from its own client address (10.x.y.z), as real sign-ups arrive.
  const client = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  const up = await call('POST', '/v1/auth/signup', {
    json: { email, password: PASSWORD, client: 'app' },
    headers: { 'x-forwarded-for': client },
  });
  if (up.status !== 201) throw new Error(`sign-up answered ${up.status}`);
  await markVerifiedInDatabase(target.databaseUrl, email); // 2FA set-up and keys need a proven mailbox
  const a: Account = { email, token: up.json.token as string, lastStep: 0 };
  if (withTotp) {
    const s = await call('POST', '/v1/me/mfa/setup', { token: a.token, json: { method: 'totp', password: PASSWORD } });
    a.secret = s.json.secret as string;
    const now = Date.now();
    const v = await call('POST', '/v1/me/mfa/setup/verify', {
      token: a.token,
      json: { setup_id: s.json.setup_id, code: totpAt(base32Decode(a.secret), now) },
    });
    if (v.status !== 200) throw new Error(`TOTP set-up answered ${v.status}`);
    a.lastStep = timeStep(now); // the set-up spent this step
  }
  return a;
}

/** Makes n accounts, 4 at a time (each costs two argon2 hashes on the server). */
export async function accounts(n: number, withTotp: boolean, from = 0): Promise<Account[]> {
  const out: Account[] = [];
  for (let i = 0; i < n; i += 4)
    out.push(
      ...(await Promise.all(Array.from({ length: Math.min(4, n - i) }, (_, k) => account(from + i + k, withTotp)))),
    );
  return out;
}

function signed(method: string, path: string, key: { id: string; secret: string }, json?: unknown) {
  const body = json === undefined ? undefined : JSON.stringify(json);
  const h: Record<string, string> = body ? { 'content-type': 'application/json' } : {};
  return {
    headers: {
      ...h,
      ...signRequest({
        method,
        url: PUBLIC_URL + path,
        headers: h,
        body: body ?? null,
        keyId: key.id,
        secretBase64: key.secret,
        scheme: 'rfc9421',
      }),
    },
    ...(body ? { body } : {}),
  };
}

export interface World {
  users: Account[];
  keyed: Account[];
  plain: Account[];
  pool: Account[];
}
let writes = 0;

/** One operation; answers the number of requests it made, or throws describing what went wrong. */
export async function run(op: Op, w: World, measuring: boolean): Promise<number> {
  const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)]!;
  if (op === 'session') {
    const r = await call('GET', '/v1/me', { token: pick(w.users).token });
    if (r.status !== 200) throw new Error(`session check ${r.status}`);
    return 1;
  }
  if (op === 'get' || op === 'patch') {
    const k = pick(w.keyed).key!;
    // Each write signs a distinct target: the same signature twice is (rightly) refused as a replay.
    const path = op === 'get' ? '/v1/me/access-keys' : `/v1/me/access-keys/${k.id}?op=${++writes}`;
    const r = await call(
      op === 'get' ? 'GET' : 'PATCH',
      path,
      signed(op === 'get' ? 'GET' : 'PATCH', path, k, op === 'get' ? undefined : { enabled: true }),
    );
    if (r.status !== 200) throw new Error(`signed ${op} ${r.status}`);
    return 1;
  }
  if (measuring) {
    const r = await call('POST', '/v1/auth/login', {
      json: { email: pick(w.plain).email, password: PASSWORD, client: 'app' },
    });
    if (r.status !== 200) throw new Error(`password sign-in ${r.status}`);
    return 1;
  }
  // A code is accepted once per account and step; one step of drift ahead is accepted too, so an
  // account that used the current step can use the next one's code now (and then waits a step).
  const now = timeStep(Date.now());
  const i = w.pool.findIndex((a) => a.lastStep <= now);
  if (i < 0) throw new Error('no account with a fresh TOTP step (pool too small)');
  const a = w.pool.splice(i, 1)[0]!;
  const step = a.lastStep < now ? now : now + 1;
  a.lastStep = step;
  w.pool.push(a);
  const first = await call('POST', '/v1/auth/login', { json: { email: a.email, password: PASSWORD, client: 'app' } });
  if (first.status !== 200 || first.json.status !== 'mfa_required')
    throw new Error(`sign-in password step ${first.status}`);
  const second = await call('POST', '/v1/auth/login/verify', {
    json: { challenge: first.json.challenge, code: totpAt(base32Decode(a.secret!), step * 30_000 + 1) },
  });
  if (second.status !== 200) throw new Error(`sign-in TOTP step ${second.status}`);
  return 2;
}
