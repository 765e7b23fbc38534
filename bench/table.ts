// The result table: one row per figure with its ratio, the server's CPU per answer, the target
// and whether it is met, rendered as Markdown.
import { DEFAULT_ARGON2_PARAMS } from '../src/adapters/argon2-hasher.js';
import { CONNECTIONS, LARGE, POSTGRES, SIGNIN_USERS, THREADPOOL } from './options.js';
import type { PhaseResult } from './phase.js';

export interface Row {
  figure: string;
  value: string;
  latency: string;
  ratio: string;
  /** Server CPU time per answer, and the bare route's over it (what the ratio would be if only the server's CPU counted). */
  cpu: string;
  target: string;
  met: string;
}

const fmtRate = (r: number, unit: string) => `${Math.round(r).toLocaleString('en')} ${unit}`;
export const fmtMs = (ms: number) => (Number.isFinite(ms) ? (ms < 10 ? ms.toFixed(2) : ms.toFixed(0)) : '–');
const lat = (r: { p50: number; p99: number }) => `${fmtMs(r.p50)} / ${fmtMs(r.p99)} ms`;
const yes = (ok: boolean) => (ok ? 'yes' : 'NO');

export function render(rows: Row[]): string {
  const head: Row = {
    figure: 'Figure',
    value: 'Value',
    latency: 'p50 / p99',
    ratio: 'Ratio',
    cpu: 'Server CPU per answer',
    target: 'Target',
    met: 'Met?',
  };
  const all = [head, ...rows];
  const keys = Object.keys(head) as (keyof Row)[];
  const width = Object.fromEntries(keys.map((k) => [k, Math.max(...all.map((r) => r[k].length))])) as Record<
    keyof Row,
    number
  >;
  const line = (r: Row) => `| ${keys.map((k) => r[k].padEnd(width[k])).join(' | ')} |`;
  const sep = `|${keys.map((k) => '-'.repeat(width[k] + 2)).join('|')}|`;
  return [line(head), sep, ...rows.map(line)].join('\n');
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export function buildRows(small: PhaseResult, large: PhaseResult): { rows: Row[]; met: Record<string, boolean> } {
  const rows: Row[] = [];
  const met: Record<string, boolean> = {};
  const bareCpu = mean(small.bareRuns.map((r) => r.cpuUsPerResponse ?? Number.NaN));
  const us = (x: number | undefined) =>
    x === undefined || !Number.isFinite(x) ? '–' : x >= 10_000 ? `${(x / 1000).toFixed(1)} ms` : `${Math.round(x)} µs`;
  const cpuCol = (x: number | undefined, base = bareCpu) => `${us(x)}${x ? ` (${(base / x).toFixed(2)}× bare)` : ''}`;
  const bareRate = mean(small.bareRuns.map((r) => r.rate));
  const bareLat = { p50: mean(small.bareRuns.map((r) => r.p50)), p99: mean(small.bareRuns.map((r) => r.p99)) };
  rows.push({
    figure: `Bare Fastify 5 JSON route (ceiling), ${CONNECTIONS} conn, mean of ${small.bareRuns.length} runs`,
    value: fmtRate(bareRate, 'req/s'),
    latency: lat(bareLat),
    ratio: '1.00×',
    cpu: us(bareCpu),
    target: '–',
    met: '–',
  });
  for (const [key, min] of [
    ['cookie', 0.4],
    ['bearer', 0.4],
    ['signed', 0.3],
  ] as const) {
    const p = small[key];
    met[key] = p.ratio >= min && p.figure.p99 < 10;
    const name = key === 'signed' ? 'Signed request GET /v1/me (RFC 9421)' : `Session check GET /v1/me, ${key}`;
    rows.push({
      figure: `${name}, ${CONNECTIONS} conn`,
      value: fmtRate(p.figure.rate, 'req/s'),
      latency: lat(p.figure),
      ratio: `${p.ratio.toFixed(2)}× bare`,
      cpu: cpuCol(p.figure.cpuUsPerResponse),
      target: `≥ ${min.toFixed(2)}× bare, p99 < 10 ms`,
      met: yes(met[key]),
    });
  }
  if (large.verify) {
    const v = large.verify;
    met.verify = v.rate >= 5000;
    const bareLarge = mean(large.bareRuns.map((r) => r.rate));
    rows.push({
      figure: `TOTP verify step alone (prepared challenges), ${CONNECTIONS} conn`,
      value: fmtRate(v.rate, 'req/s'),
      latency: lat(v),
      ratio: `${(v.rate / bareLarge).toFixed(2)}× bare`,
      cpu: cpuCol(v.cpuUsPerResponse, mean(large.bareRuns.map((r) => r.cpuUsPerResponse ?? Number.NaN))),
      target: '≥ 5,000 /s',
      met: yes(met.verify),
    });
  }
  const ce = small.ceilingRuns;
  rows.push({
    figure: `argon2id ceiling (m=${DEFAULT_ARGON2_PARAMS.memoryCost},t=${DEFAULT_ARGON2_PARAMS.timeCost},p=${DEFAULT_ARGON2_PARAMS.parallelism}), ${SIGNIN_USERS} concurrent, threadpool ${THREADPOOL}`,
    value: fmtRate(mean(ce.map((c) => c.rate)), 'verifies/s'),
    latency: lat({ p50: mean(ce.map((c) => c.p50)), p99: mean(ce.map((c) => c.p99)) }),
    ratio: '1.00×',
    cpu: `${us(mean(ce.map((c) => c.cpuUsPerVerify)))} per verify`,
    target: '–',
    met: '–',
  });
  const s = small.signin;
  // A sign-in is two answers (login, verify); the share of its server CPU that is the one argon2id verify.
  const signinCpu = (p: PhaseResult) => (p.signin.figure.cpuUsPerResponse ?? Number.NaN) * 2;
  const argonShare = (p: PhaseResult) => mean(p.ceilingRuns.map((c) => c.cpuUsPerVerify)) / signinCpu(p);
  met.signin = s.ratio >= 0.75 && s.figure.p99 < 150;
  rows.push({
    figure: `Full 2FA sign-in (password + TOTP), ${SIGNIN_USERS} users`,
    value: fmtRate(s.figure.rate, 'sign-ins/s'),
    latency: lat(s.figure),
    ratio: `${s.ratio.toFixed(2)}× argon2`,
    cpu: `${us(signinCpu(small))} per sign-in (argon2 ${argonShare(small).toFixed(2)} of it)`,
    target: '≥ 0.75× argon2, p99 < 150 ms',
    met: yes(met.signin),
  });
  if (small.passkey) {
    const p = small.passkey;
    rows.push({
      figure: 'Passkey sign-in (POST /v1/auth/passkey; assertions made before the run), 200 passkeys',
      value: fmtRate(p.rate, 'sign-ins/s'),
      latency: lat(p),
      ratio: `${(p.rate / s.figure.rate).toFixed(1)}× the TOTP sign-in`,
      cpu: `${us(p.cpuUsPerResponse ?? Number.NaN)} per sign-in`,
      target: '–',
      met: '–',
    });
  }
  const peak = Math.max(small.peakRssMiB, large.peakRssMiB);
  met.memory = peak < 150;
  rows.push({
    figure: `Peak RSS of the server (VmHWM; idle after start ${small.idleRssMiB.toFixed(0)} MiB)`,
    value: `${peak.toFixed(0)} MiB`,
    latency: '–',
    ratio: `1k: ${small.peakRssMiB.toFixed(0)}, ${LARGE >= 1e6 ? '1M' : `${LARGE / 1000}k`}: ${large.peakRssMiB.toFixed(0)}`,
    cpu: '–',
    target: '< 150 MB',
    met: yes(met.memory),
  });
  const big = LARGE.toLocaleString('en');
  for (const [key, name] of [
    ['cookie', 'Session check, cookie'],
    ['bearer', 'Session check, bearer'],
    ['signed', 'Signed request'],
    ['signin', '2FA sign-in'],
  ] as const) {
    const a = small[key];
    const b = large[key];
    // Ratio of ratios: each figure against the ceiling measured around it in its own phase (the
    // machine is shared and its speed drifts); the raw ratio of the rates beside it.
    const norm = b.ratio / a.ratio;
    const raw = b.figure.rate / a.figure.rate;
    met[`${key}Large`] = norm >= 0.9;
    rows.push({
      figure: `${name}, ${big} accounts`,
      value: fmtRate(b.figure.rate, key === 'signin' ? 'sign-ins/s' : 'req/s'),
      latency: lat(b.figure),
      ratio: `${norm.toFixed(2)}× 1k (raw ${raw.toFixed(2)})`,
      cpu:
        key === 'signin'
          ? `${us(signinCpu(large))} per sign-in`
          : cpuCol(b.figure.cpuUsPerResponse, mean(large.bareRuns.map((r) => r.cpuUsPerResponse ?? Number.NaN))),
      target: '≥ 0.90× the 1k figure',
      met: yes(met[`${key}Large`]!),
    });
  }
  met.seed = large.seed.ms < 60_000;
  rows.push({
    figure: `Bulk seed of ${big} accounts (${POSTGRES ? 'PostgreSQL' : 'SQLite'})`,
    value: `${(large.seed.ms / 1000).toFixed(1)} s`,
    latency: '–',
    ratio: '–',
    cpu: '–',
    target: 'well under 60 s',
    met: yes(met.seed),
  });
  return { rows, met };
}
