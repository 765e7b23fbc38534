// The operator's side of /v1/admin: requests signed with an admin key read from the environment
// (TWOFOLD_ADMIN_KEY_ID, TWOFOLD_ADMIN_SECRET, as `twofold admin keys create` prints them), sent
// to --endpoint (or TWOFOLD_URL). Failures print one line, like every client command.
import type { Command } from 'commander';
import type { Call } from '../client/transport.js';
import { CliError, addClientOptions, resolveEndpoint, runCommand, type ClientOptions } from './client-context.js';

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
    userAgent: 'twofold-cli/0.1.0 (admin)',
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
  const cmd = addClientOptions(parent.command(spec).description(description));
  return {
    cmd,
    run: (body, opts) => runCommand({ what }, async () => body(await adminClient(opts))),
  };
}
