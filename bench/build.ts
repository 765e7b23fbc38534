// What the figures were measured on: the server compiled from the current sources (when a source
// file is newer than dist/), and the machine.
import { existsSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { BUILD, log, ROOT } from './options.js';
import { sh } from './processes.js';

/** Newest modification time of the files under `dir` whose names pass `keep` (0 when none). */
function newest(dir: string, keep: (name: string) => boolean): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && keep(e.name)) t = Math.max(t, statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return t;
}

/**
 * Compiles the server (`tsc -p tsconfig.build.json`, the server half of `npm run build`; the
 * portal's assets are not measured) when a source file is newer than dist/.
 */
export async function build(): Promise<string | null> {
  if (!BUILD) return null;
  const src = newest(join(ROOT, 'src'), (n) => n.endsWith('.ts') && !n.endsWith('.test.ts'));
  const dist = existsSync(join(ROOT, 'dist', 'cli', 'main.js'))
    ? newest(join(ROOT, 'dist'), (n) => n.endsWith('.js'))
    : 0;
  if (dist >= src) {
    log('dist/ is newer than every source file: no build needed');
    return null;
  }
  log('compiling the server into dist/ (tsc -p tsconfig.build.json)');
  const r = await sh(process.execPath, [
    join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
    '-p',
    'tsconfig.build.json',
  ]);
  if (r.code !== 0) {
    // tsc still emits on type errors; the bench says so instead of measuring silently.
    const note = `tsc -p tsconfig.build.json exited ${r.code}; measuring the dist/ it emitted. First lines:\n${r.output.split('\n').slice(0, 12).join('\n')}`;
    log(note);
    return note;
  }
  return null;
}

export function machine() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    model: cpus[0]?.model ?? 'unknown',
    memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadavg: os.loadavg().map((x) => +x.toFixed(2)),
  };
}
