// The README's first hour, as a new user follows it (issue 14, "What must show"): the real server
// binary as `npm start` runs it (defaults: no TWOFOLD_PUBLIC_URL, a generated key, SQLite in a
// fresh data folder), then every command of the README's "Trying it" section, in order, read out
// of README.md: its curl lines through fetch on `localhost` (not 127.0.0.1), the confirmation link
// taken from the server's log where the README says mails go, codes from the authenticator secret
// the README's set-up answer shows, then its `npx twofold` lines as the real binary. When the
// README drifts from the product, this test fails on the line that no longer works.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LISTENING, ROOT, cleanEnv, freePort, killAll, outputLine, spawnTracked } from '../cluster/processes.js';
import { totpCode } from '../helpers/accounts.js';
import { verifyTokenIn } from '../helpers/verify-email.js';
import { parseStep, sectionCommands } from './readme-commands.js';

const BIN = join(ROOT, 'bin', 'twofold.js');
const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};

/** The installed `twofold` (what `npx twofold` runs in the clone) with `input` on stdin. */
function twofold(args: string[], env: NodeJS.ProcessEnv, input: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

before(() => {
  assert.ok(existsSync(join(ROOT, 'dist', 'cli', 'main.js')), 'dist/ is missing: run `npm run build`');
});
after(async () => {
  await killAll();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test("the README's curl and CLI lines, on localhost: sign-up, email, TOTP on, sign in again, access key, configure, whoami", async () => {
  const lines = sectionCommands(readFileSync(join(ROOT, 'README.md'), 'utf8'), '## Trying it');
  const dataDir = tempDir('twofold-readme-data-');
  const home = tempDir('twofold-readme-home-');
  const port = await freePort();
  const onPort = (s: string) => s.replace('localhost:8080', `localhost:${port}`);
  // `npm start` with the README's defaults; only the port differs, so tests can run side by side.
  const server = spawnTracked(
    process.execPath,
    [BIN, 'serve'],
    cleanEnv({ PORT: String(port), TWOFOLD_DATA_DIR: dataDir, HOME: home }),
    dataDir,
  );
  await outputLine(server, LISTENING, 'twofold serve listening', 60_000);

  const vars: Record<string, string> = {};
  let last: Record<string, unknown> = {};
  const seen: Record<string, unknown> = {}; // every member of every answer so far
  let totpSecret = '';
  let setUpAtMs = 0;
  const outputs: string[] = [];

  /** What a user puts in place of the README's "..." and "123456". */
  const fill = (path: string, member: string): string => {
    if (path === '/v1/auth/email/verify' && member === 'token') {
      const token = verifyTokenIn([server.out.text]);
      assert.ok(token, `the confirmation link is in the server's log:\n${server.out.text}`);
      return token;
    }
    if (member === 'code' && path === '/v1/me/mfa/setup/verify') {
      setUpAtMs = Date.now();
      return totpCode(totpSecret, setUpAtMs);
    }
    // The app's next code (one step after the set-up's; the server allows one step of drift).
    if (member === 'code' && path === '/v1/auth/login/verify') return totpCode(totpSecret, setUpAtMs, 1);
    assert.ok(typeof seen[member] === 'string', `no earlier answer gave "${member}" for ${path}`);
    return seen[member];
  };

  for (const line of lines) {
    const step = parseStep(line, vars);
    if (step.kind === 'assign') {
      assert.ok(typeof last[step.member] === 'string', `${line}: the answer before has no "${step.member}"`);
      vars[step.name] = last[step.member] as string;
    } else if (step.kind === 'curl') {
      const url = new URL(onPort(step.url.startsWith('http') ? step.url : `http://${step.url}`));
      assert.equal(url.hostname, 'localhost', `${line}: the README uses localhost`);
      let body = step.body;
      if (body !== undefined) {
        const json = JSON.parse(body) as Record<string, unknown>;
        for (const [k, v] of Object.entries(json)) if (v === '...' || k === 'code') json[k] = fill(url.pathname, k);
        body = JSON.stringify(json);
      }
      const res = await fetch(url, { method: step.method, headers: step.headers, ...(body ? { body } : {}) });
      const text = await res.text();
      assert.ok(res.status < 300, `${line}\n answered ${res.status}: ${text}`);
      last = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      Object.assign(seen, last);
      if (url.pathname === '/v1/me/mfa/setup') totpSecret = String(last.secret);
      if (url.pathname === '/v1/auth/login') assert.equal(last.status, 'mfa_required', 'TOTP is on');
      if (url.pathname === '/v1/me/mfa/setup/verify') assert.ok(last.recovery_code, 'the recovery code shown once');
    } else {
      // The secret goes in on stdin, as the README says a script does; HOME is a fresh one.
      const input = step.args[0] === 'configure' ? `${String(seen.secret)}\n` : '';
      const r = await twofold(step.args.map(onPort), cleanEnv({ HOME: home }), input);
      assert.equal(r.code, 0, `${line}\n${r.stderr}`);
      outputs.push(r.stdout);
    }
  }
  const kinds = lines.map((l) => parseStep(l, vars).kind);
  assert.ok(
    kinds.includes('cli') && kinds.filter((k) => k === 'curl').length >= 9,
    'the whole first hour was followed',
  );
  assert.equal(outputs.at(-1), 'ada@example.com\n', 'twofold whoami prints the account');
  assert.match(
    outputs[0] ?? '',
    new RegExp(`Saved access key ${vars.KEY_ID} \\(ada@example.com at http://localhost:${port}\\)`),
  );
});
