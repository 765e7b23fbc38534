// The bench's child processes. Every one is tracked here, so that all of them stop on exit, on
// SIGINT/SIGTERM/SIGHUP, on an uncaught error and past the deadline (guard); then the run's
// databases and temporary folder go (databases.ts). Also the two ways of running a short-lived
// child: sh (a command, its output collected) and ask (a TypeScript child, one message each way).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { removeRunData } from './databases.js';
import { DEADLINE_MS, log, ROOT } from './options.js';

const children = new Set<ChildProcess>();
let cleaning: Promise<void> | null = null;

export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((res) => {
    const timer = setTimeout(() => res(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      res(true);
    });
  });
}

export async function stop(child: ChildProcess, graceMs = 12_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  if (!(await exited(child, graceMs))) {
    child.kill('SIGKILL');
    await exited(child, 2_000);
  }
}

export function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await Promise.all([...children].map((c) => stop(c, 5_000)));
    await removeRunData();
  })();
  return cleaning;
}

/** Whether clean-up has begun (a signal, the deadline, an uncaught error, or the end of the run). */
export const cleaningStarted = (): boolean => cleaning !== null;

/** Stops every child (and cleans up) on SIGINT/SIGTERM/SIGHUP, an uncaught error, or past the deadline. */
export function guard(): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping every child process`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  process.once('uncaughtException', (err) => {
    log(`error: ${err.stack ?? err.message}`);
    void cleanup().finally(() => process.exit(1));
  });
  const deadline = setTimeout(() => {
    log(`deadline of ${DEADLINE_MS / 60_000} minutes passed: stopping`);
    void cleanup().finally(() => process.exit(1));
  }, DEADLINE_MS);
  deadline.unref();
}

export function sh(cmd: string, argv: string[]): Promise<{ code: number; output: string }> {
  return new Promise((res) => {
    const child = track(spawn(cmd, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => res({ code: code ?? 1, output }));
  });
}

/** Runs a TypeScript child (through tsx) that takes one message, answers one and exits. */
export function ask<T>(
  script: string,
  message: unknown,
  timeoutMs: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<T> {
  return new Promise((res, rej) => {
    const child = track(
      spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', script)], {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`${script} took longer than ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.once('message', (m: { ok: boolean; result?: T; error?: string }) => {
      clearTimeout(timer);
      if (m.ok) res(m.result as T);
      else rej(new Error(`${script}: ${m.error}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`${script} exited (${code}) without an answer`));
    });
    child.send(message as object);
  });
}
