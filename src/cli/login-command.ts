// `twofold login` and `twofold logout`: signing the CLI in with the OAuth 2.0 device grant
// (RFC 8628), so that an account with two-factor authentication can use the command line without
// an access key. The person approves the code in a browser where they are signed in with every
// factor; the CLI keeps the token in its profile (0600) and sends it as `Authorization: Bearer`.
import type { Command } from 'commander';
import { isTwofoldApiError } from '../client/twofold-api-error.js';
import { clientAction } from './client-action.js';
import {
  CliError,
  USER_AGENT,
  checkEndpoint,
  newClient,
  resolveEndpoint,
  type ClientOptions,
} from './client-context.js';
import { credentialsPath, loadProfile, profileName, saveProfile } from './credentials-file.js';
import { openBrowser, startSpinner, terminalQr } from './login-terminal.js';
import { writeLine } from './output.js';

interface LoginOptions extends ClientOptions {
  /** commander turns --no-browser into browser: false. */
  browser?: boolean;
}

/** One line for the grant's refusals; others go to the common description. */
function grantFailure(e: unknown): never {
  if (isTwofoldApiError(e)) {
    if (e.code === 'expired_token')
      throw new CliError('the code expired before it was approved; run `twofold login` again');
    if (e.code === 'access_denied')
      throw new CliError('the sign-in was denied in the browser (or the account is locked for now)');
    if (e.code === 'invalid_client')
      throw new CliError(`the server does not accept this CLI as a device client (${e.detail})`);
  }
  throw e;
}

/** The profile (--profile, TWOFOLD_PROFILE, DEFAULT), its file and saved values, and the endpoint to use. */
async function target(opts: ClientOptions) {
  if (opts.endpoint !== undefined) checkEndpoint(opts.endpoint, '--endpoint'); // a usage mistake first
  const profile = profileName(opts.profile, process.env);
  const path = credentialsPath();
  const saved = await loadProfile(path, profile);
  return { profile, path, saved, endpoint: resolveEndpoint(opts.endpoint, process.env, saved?.endpoint) };
}

async function loginAction(opts: LoginOptions): Promise<void> {
  const { profile, path, endpoint } = await target(opts);
  const { startDeviceLogin, pollDeviceLogin } = await import('../client/twofold-client.js');
  const base = { endpoint, userAgent: USER_AGENT };
  const grant = await startDeviceLogin(base).catch(grantFailure);
  const err = process.stderr;
  err.write(`To sign in, open ${grant.verification_uri} and enter the code:\n\n    ${grant.user_code}\n\n`);
  err.write(
    `Or scan this with your phone (${grant.verification_uri_complete}):\n${await terminalQr(grant.verification_uri_complete)}\n`,
  );
  if (opts.browser !== false && openBrowser(grant.verification_uri_complete))
    err.write('A browser window was opened for you.\n');
  const abort = new AbortController();
  const onSigint = () => abort.abort(new CliError('cancelled'));
  process.once('SIGINT', onSigint);
  const spinner = startSpinner('Waiting for the approval in the browser');
  let token: string;
  try {
    token = (await pollDeviceLogin({ ...base, signal: abort.signal }, grant).catch(grantFailure)).access_token;
  } finally {
    spinner.stop();
    process.off('SIGINT', onSigint);
  }
  // The endpoint is kept with the token (as `configure` keeps it with a key): later commands need no --endpoint.
  await saveProfile(path, profile, { token, endpoint });
  const me = await (await newClient(endpoint, { bearer: token })).me();
  writeLine(`Signed in as ${me.email}; the token is kept in profile "${profile}" of ${path}.`);
}

async function logoutAction(opts: ClientOptions): Promise<void> {
  const { profile, path, saved, endpoint } = await target(opts);
  const token = saved?.token;
  if (!token) throw new CliError(`profile "${profile}" is not signed in with \`twofold login\`; nothing to do`);
  let ended = true;
  try {
    await (await newClient(endpoint, { bearer: token })).logout();
  } catch (e) {
    if (!isTwofoldApiError(e) || e.status !== 0) throw e;
    ended = false; // The token is removed all the same; the session then ends at its idle expiry.
  }
  await saveProfile(path, profile, { token: null });
  writeLine(`Signed out; the token was removed from profile "${profile}".`);
  if (!ended)
    process.stderr.write(
      "twofold: warning: the server was not reachable, so the session was not ended there; end it from the portal's sessions page.\n",
    );
}

export function registerLoginCommands(program: Command): void {
  program
    .command('login')
    .description('sign in through the browser (OAuth device grant); works with two-factor authentication')
    .option('--no-browser', 'do not open a browser; print the link and the code only')
    .action(clientAction('login', async (ctx) => loginAction(ctx.opts)));
  program
    .command('logout')
    .description('end the session of `twofold login` and remove its token from the profile')
    .action(clientAction('logout', async (ctx) => logoutAction(ctx.opts)));
}
