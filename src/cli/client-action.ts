// How a client command runs: the global options (read before or after the subcommand), a failure
// context for the one-line error, and the connection made only when the body asks for it.
import type { Command } from 'commander';
import { connect, runCommand, UsageError, type ClientOptions, type FailureContext } from './client-context.js';
import { isAccessKeyId } from './credentials-file.js';
import { ask, isInteractive, PromptCancelled } from './prompt.js';

export type ActionContext = FailureContext & { opts: ClientOptions & Record<string, unknown> };

/** A client command's action: `body` run with the options and failures turned into one line. */
export function clientAction<A extends unknown[]>(
  what: string | ((...args: A) => string),
  body: (ctx: ActionContext, ...args: A) => Promise<void>,
  notFound?: (...args: A) => string,
) {
  return async (...all: unknown[]) => {
    const cmd = all.at(-1) as Command;
    const args = all.slice(0, -2) as A;
    const ctx: ActionContext = {
      what: typeof what === 'string' ? what : what(...args),
      opts: cmd.optsWithGlobals(),
      ...(notFound ? { notFound: notFound(...args) } : {}),
    };
    await runCommand(ctx, async () => body(ctx, ...args));
  };
}

export async function connected(ctx: ActionContext) {
  ctx.connected = await connect(ctx.opts);
  return ctx.connected;
}

export function keyIdArg(raw: string): string {
  const id = raw.trim().toUpperCase();
  if (!isAccessKeyId(id))
    throw new UsageError(
      `"${raw}" is not an access key id (20 characters A-Z and 2-7); see \`twofold access-keys list\``,
    );
  return id;
}

/**
 * A destructive step goes ahead with --yes, or when the person at the terminal types "y".
 * Off a terminal nobody can answer, so without --yes it is refused (a usage mistake, exit 2).
 */
export async function confirmOrRefuse(ctx: ActionContext, question: string): Promise<void> {
  if (ctx.opts.yes === true) return;
  if (!isInteractive())
    throw new UsageError(
      `${ctx.what} refused: standard input is not a terminal, so nobody can confirm; pass --yes to go ahead`,
    );
  const answer = await ask(`${question} [y/N] `);
  if (!/^y(es)?$/i.test(answer)) throw new PromptCancelled();
}
