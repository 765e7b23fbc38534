// `twofold access-keys list|create|enable|disable|delete`. Deleting a key, and disabling the key
// the command itself signs with, cannot be undone from this computer: both ask first on a
// terminal and take --yes (required off a terminal).
import type { Command } from 'commander';
import type { CreatedAccessKey } from '../client/api-types.js';
import { CliError, UsageError } from './client-context.js';
import { clientAction, confirmOrRefuse, connected, keyIdArg } from './client-action.js';
import { shortTime, table, writeJson, writeLine } from './output.js';
import { ask, isInteractive, readAllStdin } from './prompt.js';

const noSuchKey = (id: string) => `this account has no access key ${id}; see \`twofold access-keys list\``;

async function accountPassword(fromStdin: unknown): Promise<string> {
  if (fromStdin === true) {
    const pw = await readAllStdin();
    if (pw === '')
      throw new UsageError(
        '--password-stdin was given but stdin was empty; pipe the account password into the command',
      );
    return pw;
  }
  if (!isInteractive()) {
    throw new UsageError(
      'creating an access key needs the account password: pipe it with --password-stdin, or run the command on a terminal',
    );
  }
  const pw = await ask('Account password: ', { hidden: true });
  if (pw === '') throw new CliError('no password was typed');
  return pw;
}

function printCreated(k: CreatedAccessKey, json: boolean | undefined): void {
  if (json) writeJson(k);
  else {
    writeLine(`TWOFOLD_ACCESS_KEY_ID=${k.id}`);
    writeLine(`TWOFOLD_SECRET_ACCESS_KEY=${k.secret}`);
  }
  process.stderr.write(
    'twofold: warning: this is the only time the secret access key is shown; store it now, ' +
      `e.g. with \`twofold configure --profile NAME --access-key-id ${k.id}\` (it asks for the secret).\n`,
  );
}

export function registerAccessKeyCommands(program: Command): void {
  const keys = program.command('access-keys').description("manage the account's access keys");
  keys
    .command('list')
    .description('list the access keys (never a secret)')
    .action(
      clientAction('listing access keys', async (ctx) => {
        const { client, credentials } = await connected(ctx);
        const list = await client.listAccessKeys();
        if (ctx.opts.json) return writeJson(list);
        if (list.length === 0) return writeLine('No access keys.');
        writeLine(
          table(
            ['ID', 'STATUS', 'CREATED', 'LAST USED', ''],
            list.map((k) => [
              k.id,
              k.enabled ? 'enabled' : 'disabled',
              shortTime(k.created_at),
              shortTime(k.last_used_at, 'never'),
              k.id === credentials?.keyId ? '(this key)' : '',
            ]),
          ),
        );
      }),
    );
  keys
    .command('create')
    .description('create an access key; asks the account password, shows the secret once')
    .option('--password-stdin', 'read the account password from stdin')
    .action(
      clientAction('creating an access key', async (ctx) => {
        const { client } = await connected(ctx);
        printCreated(await client.createAccessKey(await accountPassword(ctx.opts.passwordStdin)), ctx.opts.json);
      }),
    );
  keys
    .command('enable <id>')
    .description('enable an access key')
    .action(
      clientAction(
        (id: string) => `enabling access key ${id}`,
        async (ctx, raw: string) => {
          const { client } = await connected(ctx);
          const k = await client.setAccessKeyEnabled(keyIdArg(raw), true);
          if (ctx.opts.json) return writeJson(k);
          writeLine(`Access key ${k.id} is enabled.`);
        },
        noSuchKey,
      ),
    );
  keys
    .command('disable <id>')
    .description('disable an access key (asks first when it is the key this command signs with)')
    .option('-y, --yes', 'do not ask for confirmation (needed when standard input is not a terminal)')
    .action(
      clientAction(
        (id: string) => `disabling access key ${id}`,
        async (ctx, raw: string) => {
          const id = keyIdArg(raw);
          const { client, credentials } = await connected(ctx);
          // Signed in with `twofold login` (no key: credentials null), no key is the one in use.
          const inUse = credentials !== null && id === credentials.keyId;
          if (inUse)
            await confirmOrRefuse(
              ctx,
              `${id} is the key this command signs with (${credentials.source}); once disabled it cannot sign anything, enabling it again needs the portal. Disable it?`,
            );
          const k = await client.setAccessKeyEnabled(id, false);
          if (ctx.opts.json) return writeJson(k);
          writeLine(`Access key ${k.id} is disabled.`);
          if (inUse)
            process.stderr.write(
              'twofold: note: that is the key this command used; it cannot sign further requests until enabled in the portal.\n',
            );
        },
        noSuchKey,
      ),
    );
  keys
    .command('delete <id>')
    .description('delete an access key for good (asks first)')
    .option('-y, --yes', 'do not ask for confirmation (needed when standard input is not a terminal)')
    .action(
      clientAction(
        (id: string) => `deleting access key ${id}`,
        async (ctx, raw: string) => {
          const id = keyIdArg(raw);
          const { client, credentials } = await connected(ctx);
          const self = id === credentials?.keyId ? ' It is the key this command signs with.' : '';
          await confirmOrRefuse(ctx, `Delete access key ${id} for good? Whatever uses it stops working.${self}`);
          await client.deleteAccessKey(id);
          if (ctx.opts.json) return writeJson({ id, deleted: true });
          writeLine(`Access key ${id} deleted.`);
          if (self)
            process.stderr.write(
              'twofold: note: that was the key this command used; run `twofold configure` with another key.\n',
            );
        },
        noSuchKey,
      ),
    );
}
