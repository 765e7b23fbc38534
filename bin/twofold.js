#!/usr/bin/env node
// The installed entry point: runs the compiled CLI (built by `npm install` through "prepare").
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(main)) {
  process.stderr.write('twofold: the build is missing; run `npm install` (or `npm run build`) first.\n');
  process.exit(1);
}
await import(main);
