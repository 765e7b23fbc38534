// When `twofold serve` starts again with the young-generation cap (Node 22+, where only the
// start-up flag bounds it), and when it must not: Node 20, no process.execve, an operator's own
// setting, or a process that was already relaunched (no loop).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relaunchArgv } from './heap-relaunch.js';
import { SEMI_SPACE_CAP_MIB } from './heap-tuning.js';

const base = {
  nodeMajor: 24,
  canExec: true,
  nodeFlags: ['--enable-source-maps'],
  execArgv: ['--enable-source-maps'],
  argv: ['/usr/bin/node', '/srv/twofold/bin/twofold.js', 'serve'],
};

test('Node 22+ with execve: the same node, the cap first, then its own flags, script and arguments', () => {
  assert.deepEqual(relaunchArgv(base), [
    '/usr/bin/node',
    `--max-semi-space-size=${SEMI_SPACE_CAP_MIB}`,
    '--enable-source-maps',
    '/srv/twofold/bin/twofold.js',
    'serve',
  ]);
  assert.notEqual(relaunchArgv({ ...base, nodeMajor: 22 }), null);
});

test('no relaunch on Node 20 (the in-process setting works there) or without execve', () => {
  assert.equal(relaunchArgv({ ...base, nodeMajor: 20 }), null);
  assert.equal(relaunchArgv({ ...base, canExec: false }), null);
});

test("no relaunch when a young-generation flag is given: the operator's own, or the relaunch's", () => {
  for (const flag of ['--max-semi-space-size=16', '--max_semi_space_size=16', '--semi-space-growth-factor=1'])
    assert.equal(relaunchArgv({ ...base, nodeFlags: [flag] }), null, flag);
  const again = relaunchArgv(base)!;
  assert.equal(relaunchArgv({ ...base, nodeFlags: again.slice(1, -2), execArgv: again.slice(1, -2) }), null);
});
