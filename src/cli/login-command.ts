// `twofold login` and `twofold logout`: signing the CLI in with the OAuth 2.0 device grant
// (RFC 8628), so that an account with two-factor authentication can use the command line without
// an access key. The person approves the code in a browser where they are signed in with every
// factor; the CLI keeps the token in its profile (0600) and sends it as `Authorization: Bearer`.
import type { Command } from 'commander';
import { isTwofoldApiError } from '../client/twofold-api-error.js';
import { CliError, addClientOptions, resolveEndpoint, runCommand, type ClientOptions } from './client-context.js';
import { credentialsPath, loadCredentialsFile } from './credentials-file.js';
import { openBrowser, startSpinner, terminalQr } from './login-terminal.js';
import { writeLine } from './output.js';
import { profileName, readProfileToken, saveProfileToken } from './profile-token.js';

interface LoginOptions extends ClientOptions {
  /** commander turns --no-browser into browser: false. */
  browser?: boolean;
}

const USER_AGENT = 'twofold-cli/0.1.0';

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

async function loginAction(opts: LoginOptions): Promise<void> {
  const endpoint = resolveEndpoint(opts.endpoint, process.env);
  const profile = profileName(opts.profile, process.env);
  const { startDeviceLogin, pollDeviceLogin, TwofoldClient } = await import('../client/twofold-client.js');
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
  const path = credentialsPath();
  await saveProfileToken(path, profile, token);
  const me = await new TwofoldClient({ endpoint, bearer: token, userAgent: USER_AGENT }).me();
  writeLine(`Signed in as ${me.email}; the token is kept in profile "${profile}" of ${path}.`);
}

async function logoutAction(opts: ClientOptions): Promise<void> {
  const endpoint = resolveEndpoint(opts.endpoint, process.env);
  const profile = profileName(opts.profile, process.env);
  const path = credentialsPath();
  const text = await loadCredentialsFile(path);
  const token = text === null ? undefined : readProfileToken(text, profile);
  if (!token) throw new CliError(`profile "${profile}" is not signed in with \`twofold login\`; nothing to do`);
  const { TwofoldClient } = await import('../client/twofold-client.js');
  let ended = true;
  try {
    await new TwofoldClient({ endpoint, bearer: token, userAgent: USER_AGENT }).logout();
  } catch (e) {
    if (!isTwofoldApiError(e) || e.status !== 0) throw e;
    ended = false; // The token is removed all the same; the session then ends at its idle expiry.
  }
  await saveProfileToken(path, profile, null);
  writeLine(`Signed out; the token was removed from profile "${profile}".`);
  if (!ended)
    process.stderr.write(
      "twofold: warning: the server was not reachable, so the session was not ended there; end it from the portal's sessions page.\n",
    );
}

export function registerLoginCommands(program: Command): void {
  addClientOptions(
    program
      .command('login')
      .description('sign in through the browser (OAuth device grant); works with two-factor authentication')
      .option('--no-browser', 'do not open a browser; print the link and the code only'),
  ).action(async (opts: LoginOptions) => runCommand({ what: 'login' }, () => loginAction(opts)));
  addClientOptions(
    program.command('logout').description('end the session of `twofold login` and remove its token from the profile'),
  ).action(async (opts: ClientOptions) => runCommand({ what: 'logout' }, () => logoutAction(opts)));
}
