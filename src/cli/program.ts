// The `twofold` program: every command and option, built in one place so that main.ts runs it
// and the shell completion (completion.ts) and its test read the very same tree.
import { Command } from 'commander';
import { registerServerCommands } from './server-commands.js';
import { registerKeysCommand } from './keys-command.js';
import { registerClientCommands } from './client-commands.js';
import { registerAccessKeyCommands } from './access-key-commands.js';
import { registerConfigureCommand } from './configure-command.js';
import { registerBackupCommands } from './backup-command.js';
import { registerCompletionCommand } from './completion.js';
import { registerLoginCommands } from './login-command.js';
import { registerAdminCommands } from './admin-command.js';
import { addGlobalOptions } from './client-context.js';
import { PACKAGE } from '../runtime/version.js';

/** The commands that talk to a server (access key or `twofold login`), and so read --endpoint, --profile, --json. */
const CLIENT_COMMANDS = new Set(['configure', 'login', 'logout', 'whoami', 'mfa', 'sessions', 'events', 'access-keys']);

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('twofold')
    .description('Twofold: accounts, two-factor authentication and access keys.')
    .version(PACKAGE.version)
    .showHelpAfterError()
    .exitOverride();
  addGlobalOptions(program);
  registerServerCommands(program);
  registerKeysCommand(program);
  registerBackupCommands(program);
  registerConfigureCommand(program);
  registerLoginCommands(program);
  registerClientCommands(program);
  registerAccessKeyCommands(program);
  registerCompletionCommand(program);
  registerAdminCommands(program);
  // --help (and the completion) of the account commands list the global options they read.
  const showGlobals = (cmd: Command): void => {
    cmd.configureHelp({ showGlobalOptions: true });
    cmd.commands.forEach(showGlobals);
  };
  for (const cmd of program.commands) if (CLIENT_COMMANDS.has(cmd.name())) showGlobals(cmd);
  return program;
}
