// The CLI's credentials: `~/.twofold/credentials` (INI, one section per profile, `[DEFAULT]`
// unless --profile; keys TWOFOLD_ACCESS_KEY_ID / TWOFOLD_SECRET_ACCESS_KEY, remote.it's R3_ names
// read too) and the environment, whose names win over the file (shared/API.md "Account").
//
// Profile names and key names are matched case-insensitively. Updating a profile keeps every
// other line (other profiles, comments) as it was; the file is written 0600 in a 0700 directory,
// through a temporary file and a rename so that a crash never leaves half a file.

import { chmod, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export const DEFAULT_PROFILE = 'DEFAULT';
export const ID_NAME = 'TWOFOLD_ACCESS_KEY_ID';
export const SECRET_NAME = 'TWOFOLD_SECRET_ACCESS_KEY';
const R3_ID_NAME = 'R3_ACCESS_KEY_ID';
const R3_SECRET_NAME = 'R3_SECRET_ACCESS_KEY';
const KEY_NAMES = new Set([ID_NAME, SECRET_NAME, R3_ID_NAME, R3_SECRET_NAME]);

const ACCESS_KEY_ID = /^[A-Z2-7]{20}$/;
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;
const SECTION = /^\[\s*([^\]]*?)\s*\]\s*(?:[#;].*)?$/;
const ENTRY = /^([A-Za-z0-9_.-]+)\s*[=:]\s*(.*)$/;

export interface AccessKeyPair {
  keyId: string;
  secret: string;
}

export interface ResolvedCredentials extends AccessKeyPair {
  /** Where they came from, for messages: `the environment` or `profile "x" in /path`. */
  source: string;
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

export function isProfileName(value: string): boolean {
  return PROFILE_NAME.test(value) && value.trim() === value;
}

/** `$HOME/.twofold/credentials` (os.homedir() reads HOME on POSIX). */
export function credentialsPath(home: string = homedir()): string {
  return join(home, '.twofold', 'credentials');
}

function unquote(value: string): string {
  const v = value.replace(/\s+[#;].*$/, '').trim();
  return v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.at(-1) === v[0] ? v.slice(1, -1) : v;
}

/** Profiles by lower-cased name: their name as written and their keys, upper-cased. */
export function parseCredentials(text: string): Map<string, { name: string; values: Map<string, string> }> {
  const profiles = new Map<string, { name: string; values: Map<string, string> }>();
  let current = { name: DEFAULT_PROFILE, values: new Map<string, string>() };
  profiles.set(DEFAULT_PROFILE.toLowerCase(), current); // keys before any section belong to DEFAULT
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = SECTION.exec(line);
    if (section) {
      const name = section[1] ?? '';
      current = profiles.get(name.toLowerCase()) ?? { name, values: new Map<string, string>() };
      current.name = name;
      profiles.set(name.toLowerCase(), current);
      continue;
    }
    const entry = ENTRY.exec(line);
    if (entry) current.values.set((entry[1] ?? '').toUpperCase(), unquote(entry[2] ?? ''));
  }
  const dflt = profiles.get(DEFAULT_PROFILE.toLowerCase());
  if (dflt && dflt.values.size === 0 && !/^\s*\[\s*default\s*\]/im.test(text))
    profiles.delete(DEFAULT_PROFILE.toLowerCase());
  return profiles;
}

/** A profile's key pair as written (TWOFOLD_ names first, else R3_), or null when there is no such profile. */
export function readProfile(text: string, profile: string): Partial<AccessKeyPair> | null {
  const p = parseCredentials(text).get(profile.toLowerCase());
  if (!p) return null;
  const keyId = p.values.get(ID_NAME) ?? p.values.get(R3_ID_NAME);
  const secret = p.values.get(SECRET_NAME) ?? p.values.get(R3_SECRET_NAME);
  return { ...(keyId !== undefined ? { keyId } : {}), ...(secret !== undefined ? { secret } : {}) };
}

/**
 * The file's text with `profile` holding exactly `pair` (under the TWOFOLD_ names; R3_ lines of
 * that profile are replaced too). Every other line is kept.
 */
export function setProfile(text: string, profile: string, pair: AccessKeyPair): string {
  const lines = text === '' ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/);
  const wanted = profile.toLowerCase();
  const isDefault = wanted === DEFAULT_PROFILE.toLowerCase();
  const out: string[] = [];
  let inTarget = isDefault; // lines before the first section belong to DEFAULT
  let insertAt = -1;
  for (const raw of lines) {
    const line = raw.trim();
    const section = SECTION.exec(line);
    if (section) {
      inTarget = (section[1] ?? '').toLowerCase() === wanted;
      out.push(raw);
      if (inTarget && insertAt < 0) insertAt = out.length;
      continue;
    }
    const entry = inTarget ? ENTRY.exec(line) : null;
    if (entry && KEY_NAMES.has((entry[1] ?? '').toUpperCase())) continue; // dropped: rewritten below
    out.push(raw);
  }
  const fresh = [`${ID_NAME}=${pair.keyId}`, `${SECRET_NAME}=${pair.secret}`];
  if (insertAt >= 0) {
    out.splice(insertAt, 0, ...fresh);
  } else {
    while (out.length > 0 && out.at(-1)?.trim() === '') out.pop();
    if (out.length > 0) out.push('');
    out.push(`[${profile}]`, ...fresh);
  }
  return `${out.join('\n')}\n`;
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

/** Writes `profile` into the file (created 0600, directory 0700), keeping the other profiles. */
export async function saveProfile(path: string, profile: string, pair: AccessKeyPair): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const next = setProfile((await loadCredentialsFile(path)) ?? '', profile, pair);
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

function checkPair(pair: Partial<AccessKeyPair>, where: string, fix: string): AccessKeyPair {
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
}

/** Environment first (TWOFOLD_ names, else R3_), then the profile in the credentials file. */
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
  const profile = opts.profile ?? (env.TWOFOLD_PROFILE?.trim() || DEFAULT_PROFILE);
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
  const pair = readProfile(text, profile);
  if (!pair) throw new CredentialsError(`profile "${profile}" is not in ${path}; run \`${configure}\``);
  const where = `profile "${profile}" of ${path}`;
  return { ...checkPair(pair, where, `run \`${configure}\``), source: where };
}
