#!/usr/bin/env node
// The `twofold` command: server commands (serve, migrate) and, with an access key, account commands.
import { CommanderError } from 'commander';
import { buildProgram } from './program.js';

try {
  await buildProgram().parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    process.exit(e.exitCode === 0 ? 0 : 2);
  }
  process.stderr.write(`twofold: ${(e as Error).message}\n`);
  process.exit(1);
}
