// The sign-in token `twofold login` keeps in a profile of ~/.twofold/credentials, as
// TWOFOLD_TOKEN beside (or instead of) the profile's access key. Written like the access key:
// every other line kept, 0600 in a 0700 directory, through a temporary file and a rename.
import { chmod, mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DEFAULT_PROFILE, loadCredentialsFile, parseCredentials } from './credentials-file.js';

export const TOKEN_NAME = 'TWOFOLD_TOKEN';
const SECTION = /^\[\s*([^\]]*?)\s*\]\s*(?:[#;].*)?$/;
const ENTRY = /^([A-Za-z0-9_.-]+)\s*[=:]/;

/** --profile, else TWOFOLD_PROFILE, else DEFAULT. */
export function profileName(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return flag ?? (env.TWOFOLD_PROFILE?.trim() || DEFAULT_PROFILE);
}

export function readProfileToken(text: string, profile: string): string | undefined {
  return parseCredentials(text).get(profile.toLowerCase())?.values.get(TOKEN_NAME) || undefined;
}

/** The text with the profile's token set to `token` (null removes it); every other line is kept. */
export function setProfileToken(text: string, profile: string, token: string | null): string {
  const lines = text === '' ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/);
  const wanted = profile.toLowerCase();
  const out: string[] = [];
  let inTarget = wanted === DEFAULT_PROFILE.toLowerCase(); // lines before any section are DEFAULT's
  let insertAt = inTarget ? 0 : -1;
  for (const raw of lines) {
    const section = SECTION.exec(raw.trim());
    if (section) {
      inTarget = (section[1] ?? '').toLowerCase() === wanted;
      out.push(raw);
      if (inTarget && insertAt <= 0) insertAt = out.length;
      continue;
    }
    if (inTarget && ENTRY.exec(raw.trim())?.[1]?.toUpperCase() === TOKEN_NAME) continue;
    out.push(raw);
  }
  if (token !== null) {
    const line = `${TOKEN_NAME}=${token}`;
    if (insertAt >= 0) out.splice(insertAt, 0, line);
    else {
      while (out.length > 0 && out.at(-1)?.trim() === '') out.pop();
      if (out.length > 0) out.push('');
      out.push(`[${profile}]`, line);
    }
  }
  return out.length ? `${out.join('\n')}\n` : '';
}

/** Writes (or with null removes) the profile's token in the file, 0600. */
export async function saveProfileToken(path: string, profile: string, token: string | null): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const next = setProfileToken((await loadCredentialsFile(path)) ?? '', profile, token);
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
