#!/usr/bin/env node
// The installed entry point: runs the compiled CLI (built by `npm install` through "prepare").
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(main)) {
  process.stderr.write('twofold: the build is missing; run `npm install` (or `npm run build`) first.\n');
  process.exit(1);
}
// An unsupported Node.js is named in one line, before a dependency fails in its own words.
const { unsupportedNodeLine } = await import('../dist/runtime/node-support.js');
const { PACKAGE } = await import('../dist/runtime/version.js');
const unsupported = unsupportedNodeLine(process.versions.node, PACKAGE.engines.node);
if (unsupported) {
  process.stderr.write(`${unsupported}\n`);
  process.exit(1);
}
// The server's V8 heap settings take effect only if set before its modules load (src/cli/heap-tuning.ts).
if (process.argv[2] === 'serve') {
  // Node 22+: the young generation's cap needs a flag at start, so serve may start again with it.
  const { relaunchWithYoungGenerationCap } = await import('../dist/cli/heap-relaunch.js');
  relaunchWithYoungGenerationCap();
  const { tuneServerHeap } = await import('../dist/cli/heap-tuning.js');
  tuneServerHeap();
}
await import(main);
