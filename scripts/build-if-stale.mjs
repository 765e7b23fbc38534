// Builds what is older than its sources, and nothing else: `npm install` has just built (the
// `prepare` script), so `npm test` and `npm run test:e2e` call this instead of `npm run build`,
// which still always builds. Two parts, judged apart by file times: the server (tsc over src/ into
// dist/) and the web portal (vite over web/ into dist/web/, which also reads src/client/api-types.ts).
//
//   node scripts/build-if-stale.mjs
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export const PARTS = {
  server: {
    inputs: ['src', 'tsconfig.json', 'tsconfig.build.json'],
    skip: (path) => path.endsWith('.test.ts'),
    output: 'dist/cli/main.js',
    command: ['npx', ['tsc', '-p', 'tsconfig.build.json']],
  },
  web: {
    inputs: ['web', 'src/client/api-types.ts'],
    skip: () => false,
    output: 'dist/web/index.html',
    command: ['npm', ['run', 'build:web']],
  },
};

/**
 * The decision, kept pure: a part is stale when its output is missing or older than its newest
 * input (times in ms; `output` undefined when the file does not exist).
 */
export function isStale(newestInput, output) {
  return output === undefined || newestInput > output;
}

/** The newest modification time under `paths` (files and folders, recursively), or 0. */
export function newestMtime(root, paths, skip) {
  let newest = 0;
  const visit = (p) => {
    if (!existsSync(p)) return;
    const s = statSync(p);
    if (s.isDirectory()) {
      for (const e of readdirSync(p)) if (e !== 'node_modules') visit(join(p, e));
    } else if (!skip(p)) newest = Math.max(newest, s.mtimeMs);
  };
  for (const p of paths) visit(join(root, p));
  return newest;
}

export function outputMtime(root, output) {
  const p = join(root, output);
  return existsSync(p) ? statSync(p).mtimeMs : undefined;
}

function main() {
  let status = 0;
  for (const [name, part] of Object.entries(PARTS)) {
    if (!isStale(newestMtime(ROOT, part.inputs, part.skip), outputMtime(ROOT, part.output))) {
      console.log(`build-if-stale: ${name} is up to date (${part.output})`);
      continue;
    }
    console.log(`build-if-stale: building ${name}`);
    const [cmd, args] = part.command;
    const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
    status = r.status ?? 1;
    if (status !== 0) break;
  }
  process.exit(status);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
