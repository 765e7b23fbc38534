// Runs every *.test.ts under src/ and test/ with Node's own test runner (tsx loads TypeScript).
// Node 20's --test does not expand globs, so the files are listed here.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = process.argv.slice(2).length ? process.argv.slice(2) : ['src', 'test'];
const files = [];
function walk(p) {
  const s = statSync(p);
  if (s.isDirectory()) {
    if (p.endsWith('node_modules')) return;
    for (const e of readdirSync(p).sort()) walk(join(p, e));
  } else if (/\.test\.ts$/.test(p)) files.push(p);
}
for (const r of roots) walk(r);
if (files.length === 0) {
  console.error('run-tests: no test files found');
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'test' } },
);
process.exit(r.status ?? 1);
