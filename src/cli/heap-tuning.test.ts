import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { OLD_GENERATION_GROWTH_PERCENT, SEMI_SPACE_CAP_MIB, tuneServerHeap } from './heap-tuning.js';

const MiB = 1024 * 1024;
const NODE_MAJOR = Number.parseInt(process.versions.node, 10);
const moduleUrl = new URL('./heap-tuning.ts', import.meta.url).href;

/**
 * Runs `body` in a fresh Node process (the young generation of this one may have grown already)
 * that churns through short-lived objects, and returns the young generation's size after it, in MiB.
 */
function youngGenerationAfterChurn(body: string, args: string[] = []): number {
  const script = `
    const { tuneServerHeap, youngGenerationBytes } = await import(${JSON.stringify(moduleUrl)});
    ${body}
    let keep = [];
    for (let round = 0; round < 150; round++) {
      for (let i = 0; i < 20000; i++) {
        keep.push({ i, s: 'x' + i });
        if (keep.length > 30000) keep = [];
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    process.stdout.write(String(youngGenerationBytes()));
  `;
  const r = spawnSync(process.execPath, [...args, '--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout) / MiB;
}

describe('tuneServerHeap', () => {
  test('caps the young generation at two semi-spaces of SEMI_SPACE_CAP_MIB, as serve starts on this Node', () => {
    // Node 20: in-process. Node 22+: the start-up flag that ./heap-relaunch.ts adds.
    const size =
      NODE_MAJOR < 22
        ? youngGenerationAfterChurn('tuneServerHeap([]);')
        : youngGenerationAfterChurn('tuneServerHeap();', [`--max-semi-space-size=${SEMI_SPACE_CAP_MIB}`]);
    assert.ok(size > 0 && size <= 2 * SEMI_SPACE_CAP_MIB, `young generation ${size} MiB`);
  });

  test('without it, the same churn grows the young generation past the cap (the test measures something)', () => {
    const size = youngGenerationAfterChurn('');
    assert.ok(size > 2 * SEMI_SPACE_CAP_MIB, `young generation ${size} MiB`);
  });

  test("the operator's own young-generation flag wins", () => {
    const size = youngGenerationAfterChurn("tuneServerHeap(['--max-semi-space-size=8']);", ['--max-semi-space-size=8']);
    assert.ok(size > 2 * SEMI_SPACE_CAP_MIB, `young generation ${size} MiB`);
  });

  test('reports what it applied, and leaves what Node was given alone', () => {
    const all = tuneServerHeap([], 20);
    all.stop();
    assert.equal(all.youngGenerationCapMiB, SEMI_SPACE_CAP_MIB);
    assert.equal(all.oldGenerationGrowthPercent, OLD_GENERATION_GROWTH_PERCENT);

    // Node 22+: the young generation's cap is a start-up flag, not set in-process.
    const later = tuneServerHeap([], 24);
    later.stop();
    assert.equal(later.youngGenerationCapMiB, null);
    assert.equal(later.oldGenerationGrowthPercent, OLD_GENERATION_GROWTH_PERCENT);

    const none = tuneServerHeap(['--max_semi_space_size=8', '--heap-growing-percent=50']);
    none.stop();
    assert.equal(none.youngGenerationCapMiB, null);
    assert.equal(none.oldGenerationGrowthPercent, null);
  });
});
