// `twofold login --no-browser` as a person runs it: the real CLI process against a real server
// process. The test reads the code the CLI prints, approves it through the HTTP API as a signed-in
// user, sees the CLI finish and keep the token in its profile (0600), then `whoami` uses it as a
// bearer token, `logout` ends the session on the server, and a denied login ends with one line.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Instance,
  TWOFOLD,
  cleanEnv,
  killAll,
  newKeyring,
  outputLine,
  runCli,
  spawnTracked,
} from '../cluster/processes.js';
import { markVerifiedInDatabase } from '../helpers/verify-email.js';

const EMAIL = 'device-cli@example.com';
const PASSWORD = 'correct horse battery staple';
let server: Instance;
let home = '';
let dataDir = '';
let token = '';

async function api(method: string, path: string, body?: unknown) {
  const r = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await r.text();
  return { status: r.status, text, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Starts `twofold login --no-browser` and answers the process and the user code it printed. */
async function startLogin() {
  const p = spawnTracked(
    process.execPath,
    [...TWOFOLD, 'login', '--no-browser', '--endpoint', server.url],
    cleanEnv({ HOME: home }),
    home,
  );
  const line = await outputLine(
    p,
    /^\s+[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}\s*$/,
    'the user code',
    60_000,
  );
  return { p, code: line.trim() };
}

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'twofold-login-home-'));
  dataDir = await mkdtemp(join(tmpdir(), 'twofold-login-data-'));
  server = await Instance.start('L', { TWOFOLD_DATA_DIR: dataDir, TWOFOLD_SECRET_KEYS: newKeyring() });
  const r = await fetch(`${server.url}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD, client: 'app' }),
  });
  assert.equal(r.status, 201);
  token = ((await r.json()) as { token: string }).token;
  await markVerifiedInDatabase(`sqlite:${join(dataDir, 'twofold.db')}`, EMAIL);
});

after(async () => {
  await killAll();
  await rm(home, { recursive: true, force: true });
  await rm(dataDir, { recursive: true, force: true });
});

test('login --no-browser: approved through the API, the CLI keeps the token and endpoint (0600), whoami uses them, logout ends it', async () => {
  const { p, code } = await startLogin();
  assert.match(p.out.text, new RegExp(`${server.url}/device`));
  const seen = await api('GET', `/v1/me/device/${code}`);
  assert.equal(seen.status, 200, seen.text);
  assert.match(String(seen.json.user_agent), /^twofold-cli\//);
  assert.equal((await api('POST', `/v1/me/device/${code}`, { approve: true })).status, 200);
  const exit = await p.exited;
  assert.equal(exit.code, 0, p.out.text);
  assert.match(p.out.text, new RegExp(`Signed in as ${EMAIL}`));
  assert.match(p.out.text, /[▀▄█]/, 'a QR code drawn in the terminal');
  const file = join(home, '.twofold', 'credentials');
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  const saved = await readFile(file, 'utf8');
  assert.match(saved, /^TWOFOLD_TOKEN=[A-Za-z0-9_-]{43}$/m);
  assert.ok(saved.includes(`\nTWOFOLD_URL=${server.url}\n`), 'the endpoint is kept with the token');

  // No --endpoint from here on: the profile's saved endpoint is used.
  const who = await runCli(['whoami'], { HOME: home }, home);
  assert.equal(who.code, 0, who.output);
  assert.match(who.output, new RegExp(`^${EMAIL}$`, 'm'));
  assert.match(who.output, /a sign-in token from `twofold login`/);
  const sessions = (await api('GET', '/v1/me/sessions')).json as unknown as { client: string }[];
  assert.equal(sessions.filter((s) => s.client === 'cli').length, 1);

  const out = await runCli(['logout'], { HOME: home }, home);
  assert.equal(out.code, 0, out.output);
  assert.doesNotMatch(await readFile(file, 'utf8'), /TWOFOLD_TOKEN/);
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  const after = (await api('GET', '/v1/me/sessions')).json as unknown as { client: string }[];
  assert.equal(after.filter((s) => s.client === 'cli').length, 0, 'the session ended on the server');
});

test('a login denied in the browser ends with one line and exit 1; nothing is stored', async () => {
  const { p, code } = await startLogin();
  assert.equal((await api('POST', `/v1/me/device/${code}`, { approve: false })).status, 200);
  const exit = await p.exited;
  assert.equal(exit.code, 1, p.out.text);
  const last = p.out.text.trim().split('\n').at(-1) ?? '';
  assert.match(last, /^twofold: login failed: the sign-in was denied/);
  const text = await readFile(join(home, '.twofold', 'credentials'), 'utf8').catch(() => '');
  assert.doesNotMatch(text, /TWOFOLD_TOKEN/);
});
