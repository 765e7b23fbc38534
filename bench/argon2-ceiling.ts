// The argon2id ceiling: how many password verifies a second this machine does with the server's
// parameters (src/adapters/argon2-hasher.ts: m=19456 KiB, t=2, p=1) at the sign-in figure's
// concurrency, with @node-rs/argon2 `verify` in a loop, in a process of its own with the same
// UV_THREADPOOL_SIZE as the server. bench/run.ts sends {hash, password, concurrency, warmup,
// duration} over IPC and gets {rate, cpuUsPerVerify, verifies, seconds, p50, p99} back.
import { verify } from '@node-rs/argon2';

interface CeilingJob {
  hash: string;
  password: string;
  concurrency: number;
  warmup: number;
  duration: number;
}

async function loop(job: CeilingJob, seconds: number): Promise<{ verifies: number; seconds: number; times: number[] }> {
  const started = performance.now();
  const end = started + seconds * 1000;
  let verifies = 0;
  const times: number[] = [];
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        if (!(await verify(job.hash, job.password))) throw new Error('argon2 ceiling: the password does not verify');
        times.push(performance.now() - t0);
        verifies++;
      }
    }),
  );
  return { verifies, seconds: (performance.now() - started) / 1000, times };
}

process.once('disconnect', () => process.exit(0));
process.once('message', (job: CeilingJob) => {
  (async () => {
    if (job.warmup > 0) await loop(job, job.warmup);
    const cpu0 = process.cpuUsage();
    const r = await loop(job, job.duration);
    const cpu = process.cpuUsage(cpu0);
    const sorted = Float64Array.from(r.times).sort();
    const pct = (p: number) =>
      sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
    return {
      rate: r.verifies / r.seconds,
      cpuUsPerVerify: (cpu.user + cpu.system) / r.verifies,
      verifies: r.verifies,
      seconds: r.seconds,
      p50: pct(50),
      p99: pct(99),
      threadpool: process.env.UV_THREADPOOL_SIZE ?? '4 (default)',
    };
  })().then(
    (result) => process.send?.({ ok: true, result }, () => process.exit(0)),
    (err: unknown) =>
      process.send?.({ ok: false, error: err instanceof Error ? err.message : String(err) }, () => process.exit(1)),
  );
});
