// The load generator's side in this process: one long-lived bench/load.ts child runs the jobs one
// by one, and each figure is charged the CPU time the measured server used meanwhile.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Job, LoadResult } from './jobs.js';
import { DURATION, log, ROOT, WARMUP } from './options.js';
import { track } from './processes.js';

/** A job as written here: the addresses and the durations are filled in. */
export type JobInput = Job extends infer J
  ? J extends Job
    ? Omit<J, 'addressStart' | 'warmup' | 'duration'> & Partial<Pick<J, 'warmup' | 'duration'>>
    : never
  : never;

/** The load generator: one long-lived process (bench/load.ts) that runs the jobs one by one. */
class LoadGenerator {
  private child: ChildProcess | null = null;
  private seq = 0;
  private jobs = 0;

  private start(): ChildProcess {
    const child = track(
      spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'load.ts')], {
        cwd: ROOT,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    child.once('exit', () => {
      if (this.child === child) this.child = null;
    });
    return child;
  }

  run(input: JobInput): Promise<LoadResult> {
    const job = { warmup: WARMUP, duration: DURATION, ...input, addressStart: (this.jobs++ * 262_144) % 4_194_304 };
    log(`measuring: ${job.label} (${job.connections} connections, ${job.warmup} s warm-up + ${job.duration} s)`);
    const child = (this.child ??= this.start());
    const id = ++this.seq;
    return new Promise((res, rej) => {
      const timer = setTimeout(
        () => {
          child.kill('SIGKILL');
          rej(new Error(`load generator: "${job.label}" took longer than expected`));
        },
        (job.warmup + job.duration) * 1000 + 90_000,
      );
      const onMessage = (m: { id: number; ok: boolean; result?: LoadResult; error?: string }) => {
        if (m.id !== id) return;
        done();
        if (m.ok) res(m.result!);
        else rej(new Error(`load generator: ${m.error}`));
      };
      const onExit = (code: number | null) => {
        done();
        rej(new Error(`load generator exited (${code}) during "${job.label}"`));
      };
      const done = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send({ id, job });
    });
  }
}

const loadgen = new LoadGenerator();

/** CPU time (user + system) a process has used so far, in µs (/proc/<pid>/stat, clock ticks of 10 ms). */
function cpuUs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10_000;
  } catch {
    return Number.NaN;
  }
}

/**
 * Runs a job and charges the server's CPU time to it: on a shared machine the CPU time an answer
 * costs the server moves much less than the answers per second do.
 */
export async function load(job: JobInput, serverPid?: number): Promise<LoadResult> {
  const before = cpuUs(serverPid);
  const r = await loadgen.run(job);
  const used = cpuUs(serverPid) - before;
  return { ...r, cpuUsPerResponse: used / Math.max(1, r.responses) };
}
