// `npm test` does not rebuild what `npm install` just built (issue 14): scripts/build-if-stale.mjs
// builds a part only when its output is missing or older than one of its sources.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface BuildIfStale {
  isStale(newestInput: number, output: number | undefined): boolean;
  newestMtime(root: string, paths: string[], skip: (p: string) => boolean): number;
  outputMtime(root: string, output: string): number | undefined;
  PARTS: Record<'server' | 'web', { inputs: string[]; skip: (p: string) => boolean; output: string }>;
}
const script = '../scripts/build-if-stale.mjs';
const { isStale, newestMtime, outputMtime, PARTS } = (await import(script)) as BuildIfStale;

test('a part is stale when its output is missing or older than its newest source, not when newer', () => {
  assert.equal(isStale(1000, undefined), true);
  assert.equal(isStale(2000, 1000), true);
  assert.equal(isStale(1000, 2000), false);
  assert.equal(isStale(1000, 1000), false, 'an output written in the same instant counts as built');
});

test('after a build nothing is stale; touching a server source or a web file makes only its part stale', () => {
  const root = mkdtempSync(join(tmpdir(), 'twofold-stale-'));
  const at = (p: string, seconds: number) => {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), '');
    utimesSync(join(root, p), seconds, seconds);
  };
  const stale = () =>
    Object.fromEntries(
      Object.entries(PARTS).map(([name, part]) => [
        name,
        isStale(newestMtime(root, part.inputs, part.skip), outputMtime(root, part.output)),
      ]),
    );
  try {
    at('src/cli/main.ts', 100);
    at('src/client/api-types.ts', 100);
    at('tsconfig.json', 100);
    at('web/src/app.tsx', 100);
    assert.deepEqual(stale(), { server: true, web: true }, 'never built');
    at('dist/cli/main.js', 200); // what `npm install` (prepare) leaves
    at('dist/web/index.html', 200);
    assert.deepEqual(stale(), { server: false, web: false });
    at('src/cli/main.test.ts', 300);
    assert.deepEqual(stale(), { server: false, web: false }, 'tests are not built');
    at('src/cli/main.ts', 300);
    assert.deepEqual(stale(), { server: true, web: false });
    at('dist/cli/main.js', 400);
    at('web/src/app.tsx', 500);
    assert.deepEqual(stale(), { server: false, web: true });
    at('dist/web/index.html', 600);
    at('src/client/api-types.ts', 700); // the portal's types come from the client
    assert.deepEqual(stale(), { server: true, web: true });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
