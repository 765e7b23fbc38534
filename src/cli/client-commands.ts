// The account commands of the `twofold` CLI, signed with an access key: whoami, mfa, sessions,
// events (access keys: access-key-commands.ts; configure: configure-command.ts). Each reads the
// global --endpoint, --profile and --json; failures are one line on stderr with exit code 1 (2 for
// usage), never a stack trace.
import type { Command } from 'commander';
import { UsageError } from './client-context.js';
import { clientAction, connected } from './client-action.js';
import { eventDetails, shortTime, table, truncate, writeJson, writeLine } from './output.js';

function sessionIdArg(raw: string): string {
  const id = raw.trim();
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id))
    throw new UsageError(`"${raw}" is not a session id; see \`twofold sessions list\``);
  return id;
}

function wholeNumber(raw: unknown, name: string, max: number): number | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^[0-9]{1,15}$/.test(raw) || Number(raw) < 1 || Number(raw) > max)
    throw new UsageError(`${name} must be a whole number from 1 to ${max}`);
  return Number(raw);
}

const DEFAULT_EVENTS = 50;

export function registerClientCommands(program: Command): void {
  program
    .command('whoami')
    .description("print the account's email")
    .action(
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

  const mfa = program.command('mfa').description('two-factor authentication');
  mfa
    .command('status')
    .description('whether two-factor authentication is on')
    .action(
      clientAction('reading the two-factor status', async (ctx) => {
        const s = await (await connected(ctx)).client.mfaStatus();
        if (ctx.opts.json) return writeJson(s);
        if (!s.enabled) return writeLine('Two-factor authentication: off');
        const how =
          s.method === 'sms' ? `text message${s.phone_hint ? ` to ${s.phone_hint}` : ''}` : 'authenticator app';
        writeLine(`Two-factor authentication: on (${how})${s.enabled_at ? ` since ${shortTime(s.enabled_at)}` : ''}`);
      }),
    );

  const sessions = program.command('sessions').description('signed-in devices');
  sessions
    .command('list')
    .description('list the signed-in sessions')
    .action(
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
  sessions
    .command('end <id>')
    .description('end one session (sign that device out)')
    .action(
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

  // The log pages by event id (`before` = the oldest id shown, as the API's `Link: rel="next"`
  // does), so the table shows the ids and says how to ask for the next page.
  program
    .command('events')
    .description('the security log, newest first')
    .option('--limit <n>', `how many events (1-100; default ${DEFAULT_EVENTS})`)
    .option('--before <id>', 'only events older than this event id (the ID column; for paging)')
    .action(
      clientAction('reading the security log', async (ctx) => {
        const limit = wholeNumber(ctx.opts.limit, '--limit', 100);
        const before = wholeNumber(ctx.opts.before, '--before', Number.MAX_SAFE_INTEGER);
        const list = await (await connected(ctx)).client.events({ limit, before });
        if (ctx.opts.json) return writeJson(list);
        if (list.length === 0) return writeLine(before ? `No events before ${before}.` : 'No events.');
        writeLine(
          table(
            ['ID', 'AT', 'TYPE', 'IP', 'DETAILS'],
            list.map((e) => [String(e.id ?? '-'), shortTime(e.at), e.type, e.ip ?? '-', truncate(eventDetails(e), 80)]),
          ),
        );
        const last = list.at(-1);
        if (last?.id !== undefined && list.length === (limit ?? DEFAULT_EVENTS))
          process.stderr.write(`twofold: older events: twofold events --before ${last.id}\n`);
      }),
    );
}
