// What every client command shares: the endpoint (--endpoint, TWOFOLD_URL, the profile's, the
// default), the access key or the token of `twofold login` (credentials-file.ts), a TwofoldClient, and turning any failure into ONE line on
// stderr that says what failed and what to do, with exit code 1 (2 for a usage mistake).
import type { Command } from 'commander';
import type { TwofoldClient } from '../client/twofold-client.js';
import { isTwofoldApiError, type TwofoldApiError } from '../client/twofold-api-error.js';
import {
  CredentialsError,
  resolveCredentials,
  resolveProfileToken,
  type AccessKeyPair,
  type ResolvedCredentials,
} from './credentials-file.js';
import { PromptCancelled } from './prompt.js';
import { PACKAGE } from '../runtime/version.js';

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

/**
 * The options every client command takes, defined once on the program: commander then reads them
 * before or after the subcommand (`twofold --profile ci whoami` = `twofold whoami --profile ci`),
 * and each command reads them with `optsWithGlobals()`.
 */
export function addGlobalOptions(program: Command): Command {
  return program
    .option(
      '--endpoint <url>',
      `the Twofold server's public URL (default: $TWOFOLD_URL, else the profile's, else ${DEFAULT_ENDPOINT})`,
    )
    .option('--profile <name>', 'the profile of ~/.twofold/credentials (default: $TWOFOLD_PROFILE, else DEFAULT)')
    .option('--json', "print the API's JSON instead of a table");
}

/** The endpoint as a normalised URL; a bad one is a usage error naming where it came from. */
export function checkEndpoint(raw: string, from: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new UsageError(`the endpoint "${raw}" (${from}) is not a URL; pass --endpoint like ${DEFAULT_ENDPOINT}`);
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.search || u.hash || u.username || u.password) {
    throw new UsageError(
      `the endpoint "${raw}" (${from}) must be an http(s) URL without query or user, like ${DEFAULT_ENDPOINT}`,
    );
  }
  return (u.origin + u.pathname).replace(/\/+$/, '');
}

/** --endpoint, else TWOFOLD_URL, else the profile's saved endpoint, else the default. */
export function resolveEndpoint(flag: string | undefined, env: NodeJS.ProcessEnv, profile?: string): string {
  if (flag !== undefined) return checkEndpoint(flag, '--endpoint');
  const fromEnv = env.TWOFOLD_URL?.trim();
  if (fromEnv) return checkEndpoint(fromEnv, 'TWOFOLD_URL');
  if (profile) return checkEndpoint(profile, 'the profile');
  return DEFAULT_ENDPOINT;
}

export interface Connected {
  client: TwofoldClient;
  endpoint: string;
  /** The access key requests are signed with; null when the profile's token (`twofold login`) is used. */
  credentials: ResolvedCredentials | null;
  /** Where the bearer token came from, when one is used. */
  tokenSource?: string;
}

export function warn(line: string): void {
  process.stderr.write(`twofold: warning: ${line}\n`);
}

export const USER_AGENT = `twofold-cli/${PACKAGE.version}`;

/** A client that signs with the access key, or sends `{ bearer }` (the token of `twofold login`). */
export async function newClient(endpoint: string, auth: AccessKeyPair | { bearer: string }): Promise<TwofoldClient> {
  // Loaded here, not at start: `twofold serve` registers these commands too and never signs a request.
  const { TwofoldClient } = await import('../client/twofold-client.js');
  if ('bearer' in auth) return new TwofoldClient({ endpoint, bearer: auth.bearer, userAgent: USER_AGENT });
  const scheme = process.env.TWOFOLD_SIGNATURE_SCHEME === 'cavage' ? 'cavage' : 'rfc9421';
  return new TwofoldClient({
    endpoint,
    credentials: { keyId: auth.keyId, secret: auth.secret },
    scheme,
    userAgent: USER_AGENT,
  });
}

/**
 * The credentials and the endpoint (resolveEndpoint), nothing sent yet: a profile holding a token
 * from `twofold login` uses `Authorization: Bearer` (unless the environment names an access key),
 * else the access key of resolveCredentials signs.
 */
export async function connect(opts: ClientOptions): Promise<Connected> {
  if (opts.endpoint !== undefined) checkEndpoint(opts.endpoint, '--endpoint'); // a usage mistake first
  const bearer = await resolveProfileToken({ env: process.env, profile: opts.profile, onWarning: warn });
  if (bearer) {
    const endpoint = resolveEndpoint(opts.endpoint, process.env, bearer.endpoint);
    const client = await newClient(endpoint, { bearer: bearer.token });
    return { client, endpoint, credentials: null, tokenSource: bearer.source };
  }
  const credentials = await resolveCredentials({ env: process.env, profile: opts.profile, onWarning: warn });
  const endpoint = resolveEndpoint(opts.endpoint, process.env, credentials.endpoint);
  return { client: await newClient(endpoint, credentials), endpoint, credentials };
}

/** What the command was doing, for the error line, and how to name a missing thing. */
export interface FailureContext {
  what: string;
  notFound?: string;
  connected?: Connected;
}

export function clockNote(e: TwofoldApiError): string {
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
