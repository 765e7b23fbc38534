// The CLI's credentials: `~/.twofold/credentials` (its text: credentials-ini.ts) and the
// environment, whose names win over the file (shared/API.md "Account").
//
// The file is written 0600 in a 0700 directory, through a temporary file and a rename so that a
// crash never leaves half a file; a file other users can read or change is warned about, as ssh
// does, since it holds a secret.

import { chmod, mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  DEFAULT_PROFILE,
  ID_NAME,
  MalformedCredentials,
  R3_ID_NAME,
  R3_SECRET_NAME,
  SECRET_NAME,
  parseCredentials,
  readProfile,
  setProfile,
  type ProfileUpdate,
  type ProfileValues,
} from './credentials-ini.js';

export {
  DEFAULT_PROFILE,
  ENDPOINT_NAME,
  ID_NAME,
  SECRET_NAME,
  TOKEN_NAME,
  isProfileName,
  parseCredentials,
  readProfile,
  setProfile,
} from './credentials-ini.js';
export type { ProfileUpdate, ProfileValues } from './credentials-ini.js';

const ACCESS_KEY_ID = /^[A-Z2-7]{20}$/;

export interface AccessKeyPair {
  keyId: string;
  secret: string;
}

export interface ResolvedCredentials extends AccessKeyPair {
  /** Where they came from, for messages: `the environment` or `profile "x" of /path`. */
  source: string;
  /** The profile's saved endpoint, when the key came from a profile that has one. */
  endpoint?: string;
}

/** A problem with the credentials the user can fix; the message says how. */
export class CredentialsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialsError';
  }
}

export function isAccessKeyId(value: string): boolean {
  return ACCESS_KEY_ID.test(value);
}

/** Standard base64 of exactly 30 bytes: 40 characters, no padding needed. */
export function isAccessKeySecret(value: string): boolean {
  return /^[A-Za-z0-9+/]{40}$/.test(value) && Buffer.from(value, 'base64').length === 30;
}

/** `$HOME/.twofold/credentials` (os.homedir() reads HOME on POSIX). */
export function credentialsPath(home: string = homedir()): string {
  return join(home, '.twofold', 'credentials');
}

/** The file's text, or null when it does not exist. */
export async function loadCredentialsFile(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CredentialsError(`cannot read ${path}: ${(e as Error).message}`);
  }
}

/** One profile of the file (null: no file or no such profile); a malformed file is an error naming the line. */
export async function loadProfile(path: string, profile: string): Promise<ProfileValues | null> {
  const text = await loadCredentialsFile(path);
  if (text === null) return null;
  return parseOrExplain(path, () => readProfile(text, profile));
}

function parseOrExplain<T>(path: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (!(e instanceof MalformedCredentials)) throw e;
    throw new CredentialsError(
      `${path} is malformed: line ${e.line}: ${e.problem}; fix that line (or move the file away) and run \`twofold configure\``,
    );
  }
}

/** The file's mode (e.g. `0644`) when other users can read or change it, else null (also when there is no file). */
export async function looseMode(path: string): Promise<string | null> {
  const mode = await stat(path).then(
    (s) => s.mode & 0o777,
    () => null,
  );
  return mode === null || (mode & 0o077) === 0 ? null : mode.toString(8).padStart(4, '0');
}

async function permissionWarning(path: string): Promise<string | null> {
  const mode = await looseMode(path);
  return mode && `${path} can be read or changed by other users (mode ${mode}); run \`chmod 600 ${path}\``;
}

/** Updates `profile` in the file (created 0600, directory 0700), keeping the other profiles and lines. */
export async function saveProfile(path: string, profile: string, update: ProfileUpdate): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const text = (await loadCredentialsFile(path)) ?? '';
  parseOrExplain(path, () => parseCredentials(text)); // never rewrite a file this code cannot read
  const next = setProfile(text, profile, update);
  const tmp = join(dir, `.credentials.${process.pid}.${Date.now()}.tmp`);
  try {
    await writeFile(tmp, next, { mode: 0o600, flag: 'wx' });
    await chmod(tmp, 0o600);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

function checkPair(pair: ProfileValues, where: string, fix: string): AccessKeyPair {
  if (!pair.keyId || !pair.secret) {
    throw new CredentialsError(`${where} has ${pair.keyId ? 'no secret access key' : 'no access key id'}; ${fix}`);
  }
  if (!isAccessKeyId(pair.keyId))
    throw new CredentialsError(`the access key id in ${where} is not valid (20 characters A-Z and 2-7); ${fix}`);
  if (!isAccessKeySecret(pair.secret))
    throw new CredentialsError(`the secret access key in ${where} is not valid (40 characters of base64); ${fix}`);
  return { keyId: pair.keyId, secret: pair.secret };
}

export interface ResolveOptions {
  env: NodeJS.ProcessEnv;
  /** --profile, else TWOFOLD_PROFILE, else DEFAULT. */
  profile?: string | undefined;
  path?: string;
  /** Told about a file other users can read. */
  onWarning?: (line: string) => void;
}

export function profileName(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return flag?.trim() || env.TWOFOLD_PROFILE?.trim() || DEFAULT_PROFILE;
}

export interface ProfileToken {
  token: string;
  /** `profile "x" of /path`, for messages. */
  source: string;
  /** The profile's saved endpoint, when it has one. */
  endpoint?: string;
}

/**
 * The profile's sign-in token (TWOFOLD_TOKEN, from `twofold login`), or null when it has none or
 * when the environment names an access key: that key wins, as it wins over the file's key.
 */
export async function resolveProfileToken(opts: ResolveOptions): Promise<ProfileToken | null> {
  if ([ID_NAME, SECRET_NAME, R3_ID_NAME, R3_SECRET_NAME].some((n) => opts.env[n]?.trim())) return null;
  const profile = profileName(opts.profile, opts.env);
  const path = opts.path ?? credentialsPath();
  const values = await loadProfile(path, profile);
  if (!values?.token) return null;
  const warning = await permissionWarning(path);
  if (warning) opts.onWarning?.(warning);
  return {
    token: values.token,
    source: `profile "${profile}" of ${path}`,
    ...(values.endpoint ? { endpoint: values.endpoint } : {}),
  };
}

/**
 * Environment first (TWOFOLD_ names, else R3_), then the profile in the credentials file (which
 * is then not read at all, so its endpoint does not apply either).
 */
export async function resolveCredentials(opts: ResolveOptions): Promise<ResolvedCredentials> {
  const { env } = opts;
  for (const [idName, secretName] of [
    [ID_NAME, SECRET_NAME],
    [R3_ID_NAME, R3_SECRET_NAME],
  ] as const) {
    const keyId = env[idName]?.trim() || undefined;
    const secret = env[secretName]?.trim() || undefined;
    if (!keyId && !secret) continue;
    const where = `the environment (${idName}/${secretName})`;
    if (!keyId || !secret)
      throw new CredentialsError(
        `${where} sets only ${keyId ? idName : secretName}; set both, or unset it to use the credentials file`,
      );
    return {
      ...checkPair({ keyId, secret }, where, `fix or unset ${idName} and ${secretName}`),
      source: 'the environment',
    };
  }
  const profile = profileName(opts.profile, env);
  const path = opts.path ?? credentialsPath();
  const configure =
    profile.toLowerCase() === DEFAULT_PROFILE.toLowerCase()
      ? 'twofold configure'
      : `twofold configure --profile ${profile}`;
  const text = await loadCredentialsFile(path);
  if (text === null)
    throw new CredentialsError(
      `no access key is configured (${path} does not exist); run \`${configure}\` or set ${ID_NAME} and ${SECRET_NAME}`,
    );
  const values = parseOrExplain(path, () => readProfile(text, profile));
  if (!values) throw new CredentialsError(`profile "${profile}" is not in ${path}; run \`${configure}\``);
  const warning = await permissionWarning(path);
  if (warning) opts.onWarning?.(warning);
  const where = `profile "${profile}" of ${path}`;
  return {
    ...checkPair(values, where, `run \`${configure}\``),
    source: where,
    ...(values.endpoint ? { endpoint: values.endpoint } : {}),
  };
}
