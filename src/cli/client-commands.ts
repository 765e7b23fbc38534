// The account commands of the `twofold` CLI, signed with an access key: configure, whoami,
// access-keys, mfa, sessions, events. Each takes --endpoint, --profile and --json; failures are
// one line on stderr with exit code 1 (2 for usage), never a stack trace.
import type { Command } from 'commander';
import type { CreatedAccessKey } from '../client/api-types.js';
import {
  CliError,
  UsageError,
  addClientOptions,
  connect,
  runCommand,
  type ClientOptions,
  type FailureContext,
} from './client-context.js';
import { configureAction, type ConfigureOptions } from './configure-command.js';
import { eventDetails, shortTime, table, truncate, writeJson, writeLine } from './output.js';
import { ask, isInteractive, readAllStdin } from './prompt.js';
import { isAccessKeyId } from './credentials-file.js';

function keyIdArg(raw: string): string {
  const id = raw.trim().toUpperCase();
  if (!isAccessKeyId(id))
    throw new UsageError(
      `"${raw}" is not an access key id (20 characters A-Z and 2-7); see \`twofold access-keys list\``,
    );
  return id;
}

function sessionIdArg(raw: string): string {
  const id = raw.trim();
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id))
    throw new UsageError(`"${raw}" is not a session id; see \`twofold sessions list\``);
  return id;
}

function limitOption(raw: string | undefined, name: string, max: number): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^[0-9]{1,15}$/.test(raw) || Number(raw) < 1 || Number(raw) > max)
    throw new UsageError(`${name} must be a whole number from 1 to ${max}`);
  return Number(raw);
}

async function accountPassword(fromStdin: boolean | undefined): Promise<string> {
  if (fromStdin) {
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
      `e.g. with \`twofold configure --profile NAME --access-key-id ${k.id}\`.\n`,
  );
}

/** A client command: the common options, then `body` run with failures turned into one line. */
function clientAction<A extends unknown[]>(
  what: string | ((...args: A) => string),
  body: (ctx: FailureContext & { opts: ClientOptions }, ...args: A) => Promise<void>,
  notFound?: (...args: A) => string,
) {
  return async (...all: unknown[]) => {
    const cmd = all.at(-1) as Command;
    const args = all.slice(0, -2) as A;
    const opts = cmd.opts<ClientOptions>();
    const ctx: FailureContext & { opts: ClientOptions } = {
      what: typeof what === 'string' ? what : what(...args),
      opts,
      ...(notFound ? { notFound: notFound(...args) } : {}),
    };
    await runCommand(ctx, async () => body(ctx, ...args));
  };
}

async function connected(ctx: FailureContext & { opts: ClientOptions }) {
  ctx.connected = await connect(ctx.opts);
  return ctx.connected;
}

export function registerClientCommands(program: Command): void {
  program
    .command('configure')
    .description('save an access key to ~/.twofold/credentials (asks for what is not given)')
    .option('--profile <name>', 'the profile to write (default: DEFAULT)')
    .option('--access-key-id <id>', 'the access key id (20 characters A-Z, 2-7)')
    .option('--secret-access-key <secret>', 'the secret access key (40 characters of base64)')
    .action(async (opts: ConfigureOptions) => runCommand({ what: 'configure' }, () => configureAction(opts)));

  addClientOptions(program.command('whoami').description("print the account's email")).action(
    clientAction('whoami', async (ctx) => {
      const c = await connected(ctx);
      const me = await c.client.me();
      if (ctx.opts.json) writeJson(me);
      else writeLine(me.email);
      // Which of the two ways the profile uses (on stderr: stdout stays the email for scripts).
      process.stderr.write(
        c.credentials
          ? `twofold: signed requests with access key ${c.credentials.keyId} from ${c.credentials.source}\n`
          : `twofold: a sign-in token from \`twofold login\` (${c.tokenSource ?? 'the profile'})\n`,
      );
    }),
  );

  const keys = program.command('access-keys').description("manage the account's access keys");
  addClientOptions(keys.command('list').description('list the access keys (never a secret)')).action(
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
  addClientOptions(
    keys.command('create').description('create an access key; asks the account password, shows the secret once'),
  )
    .option('--password-stdin', 'read the account password from stdin')
    .action(
      clientAction('creating an access key', async (ctx) => {
        const { client } = await connected(ctx);
        const password = await accountPassword((ctx.opts as { passwordStdin?: boolean }).passwordStdin);
        printCreated(await client.createAccessKey(password), ctx.opts.json);
      }),
    );
  for (const enabled of [true, false]) {
    const verb = enabled ? 'enable' : 'disable';
    addClientOptions(keys.command(`${verb} <id>`).description(`${verb} an access key`)).action(
      clientAction(
        (id: string) => `${verb === 'enable' ? 'enabling' : 'disabling'} access key ${id}`,
        async (ctx, raw: string) => {
          const id = keyIdArg(raw);
          const { client, credentials } = await connected(ctx);
          const k = await client.setAccessKeyEnabled(id, enabled);
          if (ctx.opts.json) return writeJson(k);
          writeLine(`Access key ${k.id} is ${k.enabled ? 'enabled' : 'disabled'}.`);
          if (!enabled && id === credentials?.keyId)
            process.stderr.write(
              'twofold: note: that is the key this command used; it cannot sign further requests until enabled in the portal.\n',
            );
        },
        (id: string) => `this account has no access key ${id}; see \`twofold access-keys list\``,
      ),
    );
  }
  addClientOptions(keys.command('delete <id>').description('delete an access key for good')).action(
    clientAction(
      (id: string) => `deleting access key ${id}`,
      async (ctx, raw: string) => {
        const id = keyIdArg(raw);
        const { client, credentials } = await connected(ctx);
        await client.deleteAccessKey(id);
        if (ctx.opts.json) return writeJson({ id, deleted: true });
        writeLine(`Access key ${id} deleted.`);
        if (id === credentials?.keyId)
          process.stderr.write(
            'twofold: note: that was the key this command used; run `twofold configure` with another key.\n',
          );
      },
      (id: string) => `this account has no access key ${id}; see \`twofold access-keys list\``,
    ),
  );

  const mfa = program.command('mfa').description('two-factor authentication');
  addClientOptions(mfa.command('status').description('whether two-factor authentication is on')).action(
    clientAction('reading the two-factor status', async (ctx) => {
      const s = await (await connected(ctx)).client.mfaStatus();
      if (ctx.opts.json) return writeJson(s);
      if (!s.enabled) return writeLine('Two-factor authentication: off');
      const how = s.method === 'sms' ? `text message${s.phone_hint ? ` to ${s.phone_hint}` : ''}` : 'authenticator app';
      writeLine(`Two-factor authentication: on (${how})${s.enabled_at ? ` since ${shortTime(s.enabled_at)}` : ''}`);
    }),
  );

  const sessions = program.command('sessions').description('signed-in devices');
  addClientOptions(sessions.command('list').description('list the signed-in sessions')).action(
    clientAction('listing sessions', async (ctx) => {
      const list = await (await connected(ctx)).client.listSessions();
      if (ctx.opts.json) return writeJson(list);
      if (list.length === 0) return writeLine('No sessions.');
      writeLine(
        table(
          ['ID', 'CLIENT', 'CREATED', 'LAST SEEN', 'IP', 'USER AGENT'],
          list.map((s) => [
            s.id,
            s.client,
            shortTime(s.created_at),
            shortTime(s.last_seen_at),
            s.ip ?? '-',
            truncate(s.user_agent ?? '-', 60),
          ]),
        ),
      );
    }),
  );
  addClientOptions(sessions.command('end <id>').description('end one session (sign that device out)')).action(
    clientAction(
      (id: string) => `ending session ${id}`,
      async (ctx, raw: string) => {
        const id = sessionIdArg(raw);
        const { client } = await connected(ctx);
        await client.endSession(id);
        if (ctx.opts.json) return writeJson({ id, ended: true });
        writeLine(`Session ${id} ended.`);
      },
      (id: string) => `this account has no session ${id}; see \`twofold sessions list\``,
    ),
  );

  addClientOptions(program.command('events').description('the security log, newest first'))
    .option('--limit <n>', 'how many events (1-100; default 50)')
    .option('--before <id>', 'only events older than this event id (for paging)')
    .action(
      clientAction('reading the security log', async (ctx) => {
        const o = ctx.opts as ClientOptions & { limit?: string; before?: string };
        const limit = limitOption(o.limit, '--limit', 100);
        const before = limitOption(o.before, '--before', Number.MAX_SAFE_INTEGER);
        const list = await (await connected(ctx)).client.events({ limit, before });
        if (ctx.opts.json) return writeJson(list);
        if (list.length === 0) return writeLine('No events.');
        writeLine(
          table(
            ['AT', 'TYPE', 'IP', 'DETAILS'],
            list.map((e) => [shortTime(e.at), e.type, e.ip ?? '-', truncate(eventDetails(e), 80)]),
          ),
        );
      }),
    );
}
