// `twofold admin …`: the operator's commands (docs/admin.md). Keys are made on the server host
// against the database; everything else goes through the signed /v1/admin API.
import type { Command } from 'commander';
import { registerAdminKeysCommand } from './admin-keys-command.js';
import { registerAdminUsersCommand } from './admin-users-command.js';
import { registerAdminEventsCommand } from './admin-events-command.js';
import { registerAdminWebhooksCommand } from './admin-webhooks-command.js';

export function registerAdminCommands(program: Command): void {
  const admin = program.command('admin').description('operators: admin keys, accounts, security events, webhooks');
  registerAdminKeysCommand(admin);
  registerAdminUsersCommand(admin);
  registerAdminEventsCommand(admin);
  registerAdminWebhooksCommand(admin);
}
