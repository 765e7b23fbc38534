#!/usr/bin/env node
// The `twofold` command: server commands (serve, migrate) and, with an access key, account commands.
import { Command, CommanderError } from 'commander';
import { registerServerCommands } from './server-commands.js';
import { registerKeysCommand } from './keys-command.js';
import { registerClientCommands } from './client-commands.js';
import { registerBackupCommands } from './backup-command.js';
import { registerLoginCommands } from './login-command.js';

const program = new Command();
program
  .name('twofold')
  .description('Twofold: accounts, two-factor authentication and access keys.')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

registerServerCommands(program);
registerKeysCommand(program);
registerClientCommands(program);
registerBackupCommands(program);
registerLoginCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    process.exit(e.exitCode === 0 ? 0 : 2);
  }
  process.stderr.write(`twofold: ${(e as Error).message}\n`);
  process.exit(1);
}
