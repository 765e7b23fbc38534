// Memory of the real `twofold serve` on the running Node: the young generation stays at its cap
// after start-up (on Node 22+ only because serve starts again with --max-semi-space-size, under
// the same pid, so signals and the instance lock still reach the process that was started).
// Read from the server's own /metrics (prom-client's heap space gauge). Needs the build.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEMI_SPACE_CAP_MIB } from '../../src/cli/heap-tuning.js';
import { LISTENING, ROOT, cleanEnv, freePort, newKeyring, outputLine, within } from '../cluster/processes.js';

const BIN = join(ROOT, 'bin', 'twofold.js');
const dir = mkdtempSync(join(tmpdir(), 'twofold-heap-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('twofold serve keeps the young generation at its cap after start-up, under the pid it was started as', async () => {
  assert.ok(existsSync(join(ROOT, 'dist', 'cli', 'main.js')), 'dist/ is missing: run `npm run build`');
  const port = await freePort();
  const env = cleanEnv({
    PORT: String(port),
    TWOFOLD_DATA_DIR: dir,
    TWOFOLD_SECRET_KEYS: newKeyring(),
    NODE_OPTIONS: '',
  });
  const child = spawn(process.execPath, [BIN, 'serve'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await outputLine({ child }, LISTENING, 'twofold serve listening', 60_000);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const line = /^twofold_nodejs_heap_space_size_total_bytes\{space="new"\} (\d+)$/m.exec(metrics);
    assert.ok(line, 'the new-space gauge is in /metrics');
    const mib = Number(line[1]) / 2 ** 20;
    assert.ok(mib > 0 && mib <= 2 * SEMI_SPACE_CAP_MIB, `young generation ${mib} MiB on Node ${process.version}`);

    const relaunches = Number.parseInt(process.versions.node, 10) >= 22 && 'execve' in process;
    const cmdline = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0');
    assert.equal(cmdline.includes(`--max-semi-space-size=${SEMI_SPACE_CAP_MIB}`), relaunches, cmdline.join(' '));
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await within(exited, 15_000, 'exit after SIGTERM'), 0, 'the process started is the server');
});
