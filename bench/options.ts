// The bench's options, parsed from the command line once (a bad one exits with 2 before anything
// is made), its constants, and this run's identity: the salt in the names of everything it makes,
// its private temporary folder, the servers' keyring, its start time and its log. Every part of
// the bench (bench/run.ts and the modules it uses) reads them from here.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseKeyring } from '../src/core/envelope.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const RESULTS = join(ROOT, 'bench', 'results');
const args = new Set(process.argv.slice(2));
export const POSTGRES = args.has('--postgres');
export const QUICK = args.has('--quick');
export const BUILD = !args.has('--no-build');
const listArg = (name: string) =>
  [...args]
    .find((a) => a.startsWith(`${name}=`))
    ?.slice(name.length + 1)
    .split(',')
    .filter(Boolean) ?? null;
export const PROFILE = listArg('--profile');
export const ONLY = PROFILE ?? listArg('--only');
const FIGURES = ['cookie', 'bearer', 'signed', 'signin', 'verify', 'passkey'];
for (const a of args) {
  const known =
    ['--postgres', '--quick', '--no-build'].includes(a) || a.startsWith('--profile=') || a.startsWith('--only=');
  if (!known || (ONLY && ONLY.some((f) => !FIGURES.includes(f)))) {
    process.stderr.write(
      `bench: bad option ${a}\nusage: node --import tsx bench/run.ts [--postgres] [--quick] [--no-build] [--only=LIST | --profile=LIST]  (LIST of ${FIGURES.join(',')})\n`,
    );
    process.exit(2);
  }
}

export const WARMUP = QUICK ? 1 : 2;
export const DURATION = QUICK ? 3 : 8;
export const SMALL = 1_000;
export const LARGE = QUICK ? 100_000 : 1_000_000;
export const CONNECTIONS = 50;
export const SIGNIN_USERS = 16;
/** The verify-only figure's request cap per measured second (above the 5,000/s target). */
export const VERIFY_CAP_PER_S = 9_000;
/** The passkey figure's prepared assertions per second of its run (the run stops when they are spent). */
export const PASSKEY_CAP_PER_S = 1_000;
/** The whole bench stops (and cleans up) past this, whatever happens. */
export const DEADLINE_MS = 9 * 60_000;
export const BASE_PG = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const BASE_REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/15';
export const THREADPOOL = process.env.UV_THREADPOOL_SIZE ?? '4 (default)';
/** Short runs of the bare route (or of argon2id) just before and just after each figure. */
export const BARE_S = QUICK ? 2 : 3;
export const CEILING_S = QUICK ? 2 : 4;

export const salt = randomBytes(4).toString('hex');
export const tmp = mkdtempSync(join(os.tmpdir(), `twofold-bench-${salt}-`));
export const keyringSpec = `bench:${randomBytes(32).toString('base64')}`;
export const keyring = parseKeyring(keyringSpec);
export const startedAt = new Date();
export const t0 = performance.now();
export const runSecond = Math.floor(Date.now() / 1000);

export function log(msg: string): void {
  const s = ((performance.now() - t0) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[bench ${s}s] ${msg}\n`);
}
