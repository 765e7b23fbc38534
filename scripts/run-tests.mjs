// Runs every *.test.ts under src/ and test/ with Node's own test runner (tsx loads TypeScript).
// Node 20's --test does not expand globs, so the files are listed here.
//
//   node scripts/run-tests.mjs [--fast] [paths…]
//
// --fast leaves out the tests that start processes (server instances, the CLI, clusters): the
// inner loop of unit and in-process HTTP tests. At the end it says how many tests were skipped and
// why; with CI_REQUIRE_SERVICES=1 (the PostgreSQL + Redis pass of .ci/run) any skip fails the run.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** What --fast leaves out: each starts processes (servers, the CLI, node itself). */
const SLOW = [
  'test/cluster/', // server instances, PostgreSQL/Redis stand-ins
  'test/process/', // the server as a process
  'test/keys/cli', // the twofold CLI (cli*.test.ts) as a process, most against a server process
  'test/mfa/keys-command-cli.test.ts', // `twofold keys` as a process
  'src/cli/heap-tuning.test.ts', // node started with heap flags
];

const args = process.argv.slice(2);
const fast = args.includes('--fast');
const roots = args.filter((a) => a !== '--fast');
const files = [];
function walk(p) {
  const s = statSync(p);
  if (s.isDirectory()) {
    if (p.endsWith('node_modules')) return;
    for (const e of readdirSync(p).sort()) walk(join(p, e));
  } else if (/\.test\.ts$/.test(p)) files.push(p);
}
for (const r of roots.length ? roots : ['src', 'test']) walk(r);
const slow = (f) => SLOW.some((s) => f.split(sep).join('/').startsWith(s));
const selected = fast ? files.filter((f) => !slow(f)) : files;
if (selected.length === 0) {
  console.error('run-tests: no test files found');
  process.exit(1);
}
if (fast) console.log(`run-tests: --fast, ${files.length - selected.length} process-starting file(s) left out`);

const skipsDir = mkdtempSync(join(tmpdir(), 'twofold-skips-'));
const skipsFile = join(skipsDir, 'skips.jsonl');
const reporter = pathToFileURL(fileURLToPath(new URL('./test-skips-reporter.mjs', import.meta.url))).href;
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const r = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${reporter}`,
    `--test-reporter-destination=${skipsFile}`,
    ...selected,
  ],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'test' } },
);

let skips = [];
try {
  skips = readFileSync(skipsFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
} catch {
  // no file: the runner died before reporting
}
rmSync(skipsDir, { recursive: true, force: true });

const suites = skips.filter((s) => s.suite).length;
console.log(`\nrun-tests: ${skips.length - suites} test(s) and ${suites} suite(s) skipped`);
const byReason = new Map();
for (const s of skips) {
  const where = `${s.file ? relative(process.cwd(), s.file) : '?'}: ${s.suite ? 'suite ' : ''}${s.name}`;
  byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), where]);
}
for (const [reason, where] of byReason) {
  console.log(`  ${reason} (${where.length})`);
  for (const w of where) console.log(`    ${w}`);
}

let status = r.status ?? 1;
if (process.env.CI_REQUIRE_SERVICES === '1' && skips.length > 0) {
  console.error('run-tests: CI_REQUIRE_SERVICES=1 and tests were skipped: every test must run on this pass');
  status = status || 1;
}
process.exit(status);
