// What every client command shares: the endpoint (--endpoint, TWOFOLD_URL, the default), the
// access key (credentials-file.ts), a TwofoldClient, and turning any failure into ONE line on
// stderr that says what failed and what to do, with exit code 1 (2 for a usage mistake).
import type { Command } from 'commander';
import type { TwofoldClient } from '../client/twofold-client.js';
import { isTwofoldApiError, type TwofoldApiError } from '../client/twofold-api-error.js';
import {
  CredentialsError,
  credentialsPath,
  loadCredentialsFile,
  resolveCredentials,
  type ResolvedCredentials,
} from './credentials-file.js';
import { profileName, readProfileToken } from './profile-token.js';
import { PromptCancelled } from './prompt.js';

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:8080';

export interface ClientOptions {
  endpoint?: string;
  profile?: string;
  json?: boolean;
}

/** A mistake in how the command was called: exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failure whose message is already the one line to print. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

export function addClientOptions(cmd: Command): Command {
  return cmd
    .option('--endpoint <url>', `the Twofold server's public URL (default: $TWOFOLD_URL, else ${DEFAULT_ENDPOINT})`)
    .option('--profile <name>', 'the profile of ~/.twofold/credentials (default: $TWOFOLD_PROFILE, else DEFAULT)')
    .option('--json', "print the API's JSON instead of a table");
}

export function resolveEndpoint(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const raw = flag ?? (env.TWOFOLD_URL?.trim() || DEFAULT_ENDPOINT);
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new UsageError(`the endpoint "${raw}" is not a URL; pass --endpoint like ${DEFAULT_ENDPOINT}`);
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.search || u.hash) {
    throw new UsageError(`the endpoint "${raw}" must be an http(s) URL without query, like ${DEFAULT_ENDPOINT}`);
  }
  return (u.origin + u.pathname).replace(/\/+$/, '');
}

export interface Connected {
  client: TwofoldClient;
  endpoint: string;
  /** The access key requests are signed with; null when the profile's token (`twofold login`) is used. */
  credentials: ResolvedCredentials | null;
  /** Where the bearer token came from, when one is used. */
  tokenSource?: string;
}

const ENV_KEY_NAMES = [
  'TWOFOLD_ACCESS_KEY_ID',
  'TWOFOLD_SECRET_ACCESS_KEY',
  'R3_ACCESS_KEY_ID',
  'R3_SECRET_ACCESS_KEY',
];

/** The profile's token from `twofold login`, unless the environment names an access key (which wins). */
async function profileToken(profile: string | undefined): Promise<{ token: string; source: string } | null> {
  if (ENV_KEY_NAMES.some((n) => process.env[n]?.trim())) return null;
  const name = profileName(profile, process.env);
  const path = credentialsPath();
  const text = await loadCredentialsFile(path);
  const token = text === null ? undefined : readProfileToken(text, name);
  return token ? { token, source: `profile "${name}" of ${path}` } : null;
}

export async function connect(opts: ClientOptions): Promise<Connected> {
  const endpoint = resolveEndpoint(opts.endpoint, process.env);
  const scheme = process.env.TWOFOLD_SIGNATURE_SCHEME === 'cavage' ? 'cavage' : 'rfc9421';
  // Loaded here, not at start: `twofold serve` registers these commands too and never signs a request.
  const { TwofoldClient } = await import('../client/twofold-client.js');
  // A profile holding a token from `twofold login` uses `Authorization: Bearer`; else the access key signs.
  const bearer = await profileToken(opts.profile);
  if (bearer) {
    const client = new TwofoldClient({ endpoint, bearer: bearer.token, userAgent: 'twofold-cli/0.1.0' });
    return { client, endpoint, credentials: null, tokenSource: bearer.source };
  }
  const credentials = await resolveCredentials({ env: process.env, profile: opts.profile });
  const client = new TwofoldClient({
    endpoint,
    credentials: { keyId: credentials.keyId, secret: credentials.secret },
    scheme,
    userAgent: 'twofold-cli/0.1.0',
  });
  return { client, endpoint, credentials };
}

/** What the command was doing, for the error line, and how to name a missing thing. */
export interface FailureContext {
  what: string;
  notFound?: string;
  connected?: Connected;
}

function clockNote(e: TwofoldApiError): string {
  if (e.serverTimeMs === undefined) return '';
  const diffSec = Math.round((Date.now() - e.serverTimeMs) / 1000);
  if (Math.abs(diffSec) < 60) return '';
  const minutes = Math.round(Math.abs(diffSec) / 60);
  return ` (this computer's clock is about ${minutes} minute${minutes === 1 ? '' : 's'} ${diffSec > 0 ? 'ahead of' : 'behind'} the server's)`;
}

function describeApiError(e: TwofoldApiError, ctx: FailureContext): string {
  const tag = `(${e.status} ${e.code})`;
  const c = ctx.connected;
  if (e.status === 0) {
    return `the Twofold server at ${e.endpoint} is not reachable${e.reason ? ` (${e.reason})` : ''}; start it, or pass --endpoint URL (or set TWOFOLD_URL)`;
  }
  if (e.status === 401 && e.code === 'replayed_signature')
    return `the server had already seen this signed request ${tag}; run the command again`;
  if (e.status === 401 && c && !c.credentials)
    return `the server refused the sign-in token of ${c.tokenSource ?? 'the profile'} ${tag}: it was ended or has expired; run \`twofold login\` again`;
  if (e.status === 401) {
    const key = c?.credentials ? `access key ${c.credentials.keyId} from ${c.credentials.source}` : 'the access key';
    return (
      `the server refused ${key} ${tag}: the access key may be wrong or disabled, or this computer's clock is off${clockNote(e)}; ` +
      "check the key in the Twofold portal and run `twofold configure`, correct the clock, or check that --endpoint is the server's public URL"
    );
  }
  if (e.code === 'reauthentication_failed')
    return `the password is not correct ${tag}; try again with the account's password`;
  if (e.code === 'access_key_limit') return `${e.detail} ${tag}; delete one with \`twofold access-keys delete ID\``;
  if (e.status === 404 && ctx.notFound && e.code === 'not_found') return `${ctx.notFound} ${tag}`;
  if (e.status === 429) return `${e.detail} ${tag}; try again${e.retryAfter ? ` in ${e.retryAfter} s` : ' later'}`;
  if (e.status >= 500) return `the server failed ${tag}: ${e.detail}; try again later, or tell the server's operator`;
  return `${e.detail} ${tag}`;
}

/** The one line for a failure, and its exit code. */
export function describeFailure(e: unknown, ctx: FailureContext): { line: string; exitCode: number } {
  if (e instanceof UsageError) return { line: e.message, exitCode: 2 };
  if (e instanceof CredentialsError || e instanceof CliError)
    return { line: `${ctx.what} failed: ${e.message}`, exitCode: 1 };
  if (e instanceof PromptCancelled) return { line: `${ctx.what} cancelled`, exitCode: 1 };
  if (isTwofoldApiError(e)) return { line: `${ctx.what} failed: ${describeApiError(e, ctx)}`, exitCode: 1 };
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const message = e instanceof Error ? e.message : String(e);
  return {
    line: `${ctx.what} failed: ${message}${code === 'EACCES' ? '; check the permissions of ~/.twofold' : ''}`,
    exitCode: 1,
  };
}

/** Runs a command body; on failure prints one line on stderr and sets the exit code. */
export async function runCommand(ctx: FailureContext, body: (ctx: FailureContext) => Promise<void>): Promise<void> {
  try {
    await body(ctx);
  } catch (e) {
    const { line, exitCode } = describeFailure(e, ctx);
    process.stderr.write(`twofold: ${line.replace(/[\r\n]+/g, ' ')}\n`);
    process.exitCode = exitCode;
  }
}
