// The operator's side of /v1/admin: requests signed with an admin key read from the environment
// (TWOFOLD_ADMIN_KEY_ID, TWOFOLD_ADMIN_SECRET, as `twofold admin keys create` prints them), sent
// to --endpoint (or TWOFOLD_URL). Failures print one line, like every client command.
import type { Command } from 'commander';
import type { Call } from '../client/transport.js';
import { CliError, resolveEndpoint, runCommand, type ClientOptions } from './client-context.js';
import { PACKAGE } from '../runtime/version.js';

export type AdminCall = Omit<Call, 'auth'>;

export interface AdminClient {
  call<T>(c: AdminCall): Promise<T>;
}

export async function adminClient(opts: ClientOptions): Promise<AdminClient> {
  const endpoint = resolveEndpoint(opts.endpoint, process.env);
  const keyId = process.env.TWOFOLD_ADMIN_KEY_ID?.trim();
  const secret = process.env.TWOFOLD_ADMIN_SECRET?.trim();
  if (!keyId || !secret)
    throw new CliError(
      'set TWOFOLD_ADMIN_KEY_ID and TWOFOLD_ADMIN_SECRET to an admin key (make one on the server host with `twofold admin keys create --name NAME`)',
    );
  const { Transport } = await import('../client/transport.js');
  const transport = new Transport({
    endpoint,
    credentials: { keyId, secret },
    scheme: process.env.TWOFOLD_SIGNATURE_SCHEME === 'cavage' ? 'cavage' : 'rfc9421',
    label: undefined,
    fetch: (input, init) => globalThis.fetch(input, init),
    now: Date.now,
    timeoutMs: 30_000,
    userAgent: `twofold-cli/${PACKAGE.version} (admin)`,
  });
  return { call: <T>(c: AdminCall) => transport.call<T>({ ...c, auth: 'account' }, undefined) };
}

/** A client command of the admin group: --endpoint and --json, one line on failure. */
export function adminCommand(
  parent: Command,
  spec: string,
  description: string,
  what: string,
): { cmd: Command; run: (body: (c: AdminClient) => Promise<void>, opts: ClientOptions) => Promise<void> } {
  // --endpoint and --json also after the subcommand; the program's global options (before it) count too.
  const cmd = parent
    .command(spec)
    .description(description)
    .option('--endpoint <url>', "the Twofold server's public URL (default: $TWOFOLD_URL)")
    .option('--json', "print the API's JSON instead of a table");
  return {
    cmd,
    run: (body, opts) =>
      runCommand({ what }, async () => body(await adminClient({ ...cmd.optsWithGlobals<ClientOptions>(), ...opts }))),
  };
}
