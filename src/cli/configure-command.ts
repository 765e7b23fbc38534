// `twofold configure`: saves an access key and the server's endpoint in a profile of
// ~/.twofold/credentials, once the server has accepted the key (a signed GET /v1/me); when it
// does not, nothing is written. On a terminal it asks for what is not given (the secret without
// echo; Enter keeps the saved value). Off a terminal the secret comes from standard input: the
// bare secret, or the `NAME=value` lines `twofold access-keys create` prints (or a credentials
// file). Never from the command line, which `ps` shows to other users and shell history keeps.
import { Option, type Command } from 'commander';
import { isTwofoldApiError } from '../client/twofold-api-error.js';
import { CliError, DEFAULT_ENDPOINT, UsageError, checkEndpoint, clockNote, newClient, warn } from './client-context.js';
import { clientAction } from './client-action.js';
import {
  ID_NAME,
  SECRET_NAME,
  credentialsPath,
  isAccessKeyId,
  isAccessKeySecret,
  isProfileName,
  loadProfile,
  looseMode,
  parseCredentials,
  profileName,
  readProfile,
  saveProfile,
  type AccessKeyPair,
} from './credentials-file.js';
import { ask, isInteractive, readAllStdin } from './prompt.js';

const ID_RULE = '20 characters A-Z and 2-7';
const SECRET_RULE = '40 characters of base64, as shown when the key was created';
const PIPE_HINT = 'printf "%s\\n" "$SECRET" | twofold configure --access-key-id ID';

/** Asks until the value is valid (3 tries); Enter keeps `current` when there is one. */
async function askValue(label: string, current: string | undefined, valid: (v: string) => boolean, rule: string) {
  const hidden = label.startsWith('Secret');
  const shown = current ? ` [${hidden ? `****${current.slice(-4)}` : current}]` : '';
  for (let attempt = 1; ; attempt++) {
    const answer = (await ask(`${label}${shown}: `, { hidden })) || current || '';
    if (valid(answer)) return answer;
    if (attempt === 3) throw new UsageError(`the ${label.toLowerCase()} must be ${rule}`);
    process.stderr.write(`That is not a valid ${label.toLowerCase()} (${rule}); try again.\n`);
  }
}

/** What was piped in: a bare secret, or NAME=value lines (the first profile holding a secret). */
function parseStdin(text: string): { keyId?: string; secret: string } {
  const t = text.trim();
  if (t === '')
    throw new UsageError(`standard input is not a terminal and brought no secret access key; pipe it in: ${PIPE_HINT}`);
  if (!/^\s*(\[|[A-Za-z0-9_.-]+\s*[=:])/m.test(t)) {
    if (/\s/.test(t)) throw new UsageError(`standard input must hold only the secret access key (${SECRET_RULE})`);
    return { secret: t };
  }
  let profiles;
  try {
    profiles = parseCredentials(t);
  } catch (e) {
    throw new UsageError(`standard input is not a secret nor ${ID_NAME}=… lines: ${(e as Error).message}`);
  }
  for (const p of profiles.values()) {
    const v = readProfile(t, p.name);
    if (v?.secret) return { ...(v.keyId ? { keyId: v.keyId } : {}), secret: v.secret };
  }
  throw new UsageError(`standard input has no ${SECRET_NAME}= line`);
}

async function keyFromStdin(flagId: string | undefined): Promise<AccessKeyPair> {
  const piped = parseStdin(await readAllStdin());
  if (flagId && piped.keyId && piped.keyId.toUpperCase() !== flagId)
    throw new UsageError(`--access-key-id ${flagId} is not the key id on standard input (${piped.keyId})`);
  const keyId = flagId ?? piped.keyId?.toUpperCase();
  if (!keyId) throw new UsageError(`--access-key-id is needed with a bare secret on standard input: ${PIPE_HINT}`);
  if (!isAccessKeyId(keyId)) throw new UsageError(`the access key id must be ${ID_RULE}`);
  if (!isAccessKeySecret(piped.secret)) throw new UsageError(`the secret access key must be ${SECRET_RULE}`);
  return { keyId, secret: piped.secret };
}

/** A signed GET /v1/me with the new key: the account's email, or the one line that says why not. */
async function checkKey(endpoint: string, key: AccessKeyPair): Promise<string> {
  try {
    return (await (await newClient(endpoint, key)).me()).email;
  } catch (e) {
    if (!isTwofoldApiError(e)) throw e;
    const unsaved = 'nothing was saved';
    if (e.status === 0)
      throw new CliError(
        `cannot reach ${endpoint}${e.reason ? ` (${e.reason})` : ''}; ${unsaved}: start the server, or pass --endpoint with its public URL`,
      );
    if (e.status === 401 && e.code === 'invalid_signature') {
      // The server does not say which (an outsider must not learn which key ids exist), except a
      // rule a genuine signature broke, or the host it must be sent to, which its detail then names.
      const refused = `the server at ${endpoint} refused access key ${key.keyId} (401 invalid_signature)`;
      const host = /Signed requests must be made to .*$/.exec(e.detail)?.[0];
      if (host) throw new CliError(`${refused}: ${host.replace(/\.$/, '')}; ${unsaved}`);
      const rule = /not accepted: .*$/.test(e.detail) ? `: ${e.detail.replace(/\.$/, '')}` : '';
      throw new CliError(
        `${refused}${rule || ': the secret is wrong, or the key is unknown there or disabled'}${clockNote(e)}; ${unsaved}`,
      );
    }
    if (e.status === 404 || e.code === 'invalid_response' || e.code.startsWith('http_') || e.status >= 500)
      throw new CliError(
        `${endpoint} did not answer GET /v1/me like a Twofold server (${e.status} ${e.code}); ${unsaved}: check --endpoint`,
      );
    throw new CliError(`the server refused the key (${e.status} ${e.code}: ${e.detail}); ${unsaved}`);
  }
}

export interface ConfigureOptions {
  profile?: string;
  endpoint?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
}

export async function configureAction(opts: ConfigureOptions): Promise<void> {
  if (opts.secretAccessKey !== undefined)
    throw new UsageError(
      `--secret-access-key is refused: other users see the command line in \`ps\` and shell history keeps it; type the secret at the prompt, or pipe it: ${PIPE_HINT}`,
    );
  const profile = profileName(opts.profile, process.env);
  if (!isProfileName(profile))
    throw new UsageError(`"${profile}" is not a profile name (letters, digits, "_", "-", ".", "@"; at most 64)`);
  const flagId = opts.accessKeyId?.trim().toUpperCase();
  if (flagId !== undefined && !isAccessKeyId(flagId)) throw new UsageError(`--access-key-id must be ${ID_RULE}`);
  if (opts.endpoint !== undefined) checkEndpoint(opts.endpoint, '--endpoint');
  const path = credentialsPath();
  const existing = (await loadProfile(path, profile)) ?? {};
  const interactive = isInteractive();

  // The endpoint: --endpoint, else TWOFOLD_URL, else asked on a terminal (Enter keeps the saved
  // one, or the default), else the saved one, else the default.
  const envUrl = process.env.TWOFOLD_URL?.trim();
  const fallback = existing.endpoint ?? DEFAULT_ENDPOINT;
  let endpoint: string;
  if (opts.endpoint !== undefined) endpoint = checkEndpoint(opts.endpoint, '--endpoint');
  else if (envUrl) endpoint = checkEndpoint(envUrl, 'TWOFOLD_URL');
  else if (interactive) endpoint = checkEndpoint((await ask(`Endpoint [${fallback}]: `)) || fallback, 'typed');
  else endpoint = checkEndpoint(fallback, existing.endpoint ? 'the profile' : 'the default');

  let key: AccessKeyPair;
  if (interactive) {
    const keyId = flagId ?? (await askValue('Access key ID', existing.keyId, isAccessKeyId, ID_RULE));
    // The saved secret belongs to the saved id: offer it only when the id is unchanged.
    const saved = existing.keyId === keyId ? existing.secret : undefined;
    key = { keyId, secret: await askValue('Secret access key', saved, isAccessKeySecret, SECRET_RULE) };
  } else {
    key = await keyFromStdin(flagId);
  }

  const email = await checkKey(endpoint, key);
  const mode = await looseMode(path);
  await saveProfile(path, profile, { keyId: key.keyId, secret: key.secret, endpoint });
  process.stdout.write(`Saved access key ${key.keyId} (${email} at ${endpoint}) as profile "${profile}" in ${path}.\n`);
  if (mode) warn(`${path} could be read or changed by other users (mode ${mode}); it is now 0600, and its folder 0700`);
  if (process.env[ID_NAME] || process.env[SECRET_NAME] || process.env.R3_ACCESS_KEY_ID)
    process.stderr.write(
      `twofold: note: ${ID_NAME}/${SECRET_NAME} (or R3_…) set in the environment win over this file.\n`,
    );
}

export function registerConfigureCommand(program: Command): void {
  program
    .command('configure')
    .description(
      'check an access key with the server, then save it and the endpoint in a profile of ~/.twofold/credentials',
    )
    .option('--access-key-id <id>', 'the access key id (20 characters A-Z, 2-7); asked on a terminal')
    .addOption(new Option('--secret-access-key <secret>', 'refused: type the secret, or pipe it on stdin').hideHelp())
    .addHelpText(
      'after',
      `
The secret access key is typed without echo on a terminal; otherwise it is read from standard
input (the bare secret, or the lines \`twofold access-keys create\` prints), never from the
command line:  ${PIPE_HINT}
The endpoint: --endpoint, else $TWOFOLD_URL, else asked on a terminal. See docs/cli.md.`,
    )
    .action(clientAction('configure', (ctx) => configureAction(ctx.opts)));
}
