// --only=LIST and --profile=LIST: each figure named, alone on a fresh 1,000-account server
// (verify: 200,000), with its bare-route ratio, CPU per answer and peak RSS; under --cpu-prof,
// each profile summarised (bench/profile.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { databaseFor } from './databases.js';
import { BENCH_PASSWORD } from './fixtures.js';
import type { LoadResult } from './jobs.js';
import { load } from './loadgen.js';
import {
  CONNECTIONS,
  DURATION,
  keyring,
  RESULTS,
  ROOT,
  salt,
  SIGNIN_USERS,
  SMALL,
  VERIFY_CAP_PER_S,
  WARMUP,
} from './options.js';
import { loadBare, passkeyFigure } from './phase.js';
import { phaseFor, prepareChallenges } from './pools.js';
import { stop } from './processes.js';
import { summariseProfile } from './profile.js';
import { seed } from './seed.js';
import { rssMiB, startBare, startTwofold } from './servers.js';
import { fmtMs } from './table.js';

export async function singleRuns(list: string[], passwordHash: string, cpuProf: boolean): Promise<void> {
  const dir = join(RESULTS, 'profiles');
  mkdirSync(dir, { recursive: true });
  const phase = phaseFor('small', SMALL, 0);
  const bare = await startBare();
  const bareRate = async () => (await loadBare(bare, phase)).rate;
  for (const figure of list) {
    const p = figure === 'verify' ? phaseFor('large', 200_000, VERIFY_CAP_PER_S * DURATION) : phase;
    const databaseUrl = await databaseFor(`${p.label}_${figure}`);
    await seed({ databaseUrl, salt, plan: p.plan, pools: p.pools, keyring, passwordHash, now: Date.now() });
    const name = `${figure}.cpuprofile`;
    const server = await startTwofold(databaseUrl, cpuProf ? { dir, name } : undefined);
    let result: LoadResult;
    let peak = Number.NaN;
    const bareBefore = figure === 'signin' || figure === 'verify' ? Number.NaN : await bareRate();
    const loadStart = performance.now();
    let loadEnd = loadStart;
    try {
      const common = { origin: server.origin, connections: CONNECTIONS, salt };
      if (figure === 'cookie' || figure === 'bearer')
        result = await load(
          { ...common, kind: 'session', label: `profile: ${figure}`, auth: figure, accounts: p.sessions },
          server.child.pid,
        );
      else if (figure === 'signed')
        result = await load(
          { ...common, kind: 'signed', label: 'profile: signed', publicUrl: server.publicUrl, accounts: p.keys },
          server.child.pid,
        );
      else if (figure === 'signin')
        result = await load(
          {
            ...common,
            kind: 'signin',
            label: 'profile: signin',
            connections: SIGNIN_USERS,
            password: BENCH_PASSWORD,
            accounts: p.signIn,
          },
          server.child.pid,
        );
      else if (figure === 'passkey') result = await passkeyFigure(server, p, 'profile: passkey');
      else {
        const challenges = await prepareChallenges(databaseUrl, p.verify);
        result = await load(
          { ...common, kind: 'verify', label: 'profile: verify', challenges, maxRequests: challenges.length },
          server.child.pid,
        );
      }
      loadEnd = performance.now();
    } finally {
      peak = rssMiB(server.child.pid, 'VmHWM');
      await stop(server.child);
    }
    const bareAfter = Number.isNaN(bareBefore) ? Number.NaN : await bareRate();
    const ratio = Number.isNaN(bareBefore)
      ? ''
      : ` = ${(result.rate / ((bareBefore + bareAfter) / 2)).toFixed(2)}× bare (${Math.round(bareBefore)}, ${Math.round(bareAfter)})`;
    const head = `== ${figure}: ${Math.round(result.rate)} /s${ratio}, p50 ${fmtMs(result.p50)} ms, p99 ${fmtMs(result.p99)} ms, server CPU ${Math.round(result.cpuUsPerResponse ?? Number.NaN)} µs per answer, peak RSS ${peak.toFixed(0)} MiB${cpuProf ? ' (under --cpu-prof)' : ''}; ${result.notes.join('; ')}`;
    if (!cpuProf) {
      process.stdout.write(`${head}\n`);
      continue;
    }
    const summary = summariseProfile(join(dir, name), ROOT, {
      fromMs: loadStart - server.spawnedAt + WARMUP * 1000,
      toMs: loadEnd - server.spawnedAt,
    });
    writeFileSync(join(dir, `${figure}.txt`), summary);
    process.stdout.write(`\n${head}\n${summary}\n`);
  }
}
