// The text of `~/.twofold/credentials`: INI, one section per profile (`[DEFAULT]` unless
// --profile), `NAME=value` lines. Pure text in, text out; the file itself is credentials-file.ts.
//
// A profile's members and the names they are written under (shared/API.md "Account"; remote.it's
// R3_ names are read too; the sign-in token of `twofold login` is TWOFOLD_TOKEN). A member the
// code does not know is kept as written, so a newer CLI and an older one can share a file.
// Profile and member names match case-insensitively. A line that is neither a section, a `NAME=value`, a comment nor
// blank makes the file malformed: it is reported with its line number, never guessed around.

export const DEFAULT_PROFILE = 'DEFAULT';
export const ID_NAME = 'TWOFOLD_ACCESS_KEY_ID';
export const SECRET_NAME = 'TWOFOLD_SECRET_ACCESS_KEY';
export const ENDPOINT_NAME = 'TWOFOLD_URL';
export const R3_ID_NAME = 'R3_ACCESS_KEY_ID';
export const R3_SECRET_NAME = 'R3_SECRET_ACCESS_KEY';
export const TOKEN_NAME = 'TWOFOLD_TOKEN';

export interface ProfileValues {
  keyId?: string;
  secret?: string;
  /** The server's public URL the profile's key belongs to. */
  endpoint?: string;
  /** The sign-in token `twofold login` got (RFC 8628 device grant), sent as `Authorization: Bearer`. */
  token?: string;
}

/** Each member's names, the one written first; writing a member drops its other names in that profile. */
const MEMBER_NAMES: { [K in keyof Required<ProfileValues>]: readonly string[] } = {
  keyId: [ID_NAME, R3_ID_NAME],
  secret: [SECRET_NAME, R3_SECRET_NAME],
  endpoint: [ENDPOINT_NAME],
  token: [TOKEN_NAME],
};
const MEMBERS = Object.keys(MEMBER_NAMES) as (keyof ProfileValues)[];

const SECTION = /^\[\s*([^\]]*?)\s*\]\s*(?:[#;].*)?$/;
const ENTRY = /^([A-Za-z0-9_.-]+)\s*[=:]\s*(.*)$/;
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;

export function isProfileName(value: string): boolean {
  return PROFILE_NAME.test(value) && value.trim() === value;
}

/** A line the parser cannot read; `line` counts from 1. The message never repeats the line (it may hold a secret). */
export class MalformedCredentials extends Error {
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {
    super(`line ${line}: ${problem}`);
    this.name = 'MalformedCredentials';
  }
}

function unquote(value: string): string {
  const v = value.replace(/\s+[#;].*$/, '').trim();
  return v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.at(-1) === v[0] ? v.slice(1, -1) : v;
}

function sectionName(line: string, lineNo: number): string | null {
  if (!line.startsWith('[')) return null;
  const m = SECTION.exec(line);
  if (!m) throw new MalformedCredentials(lineNo, 'a section header must be `[profile]` on a line of its own');
  const name = m[1] ?? '';
  if (!isProfileName(name))
    throw new MalformedCredentials(lineNo, `"[${name}]" is not a profile name (letters, digits, "_", "-", ".", "@")`);
  return name;
}

/** Profiles by lower-cased name: their name as written and their entries, names upper-cased. */
export function parseCredentials(text: string): Map<string, { name: string; values: Map<string, string> }> {
  const profiles = new Map<string, { name: string; values: Map<string, string> }>();
  let current = { name: DEFAULT_PROFILE, values: new Map<string, string>() };
  profiles.set(DEFAULT_PROFILE.toLowerCase(), current); // entries before any section belong to DEFAULT
  let sawDefault = false;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/^\uFEFF/, '').trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const name = sectionName(line, i + 1);
    if (name !== null) {
      sawDefault ||= name.toLowerCase() === DEFAULT_PROFILE.toLowerCase();
      current = profiles.get(name.toLowerCase()) ?? { name, values: new Map<string, string>() };
      current.name = name;
      profiles.set(name.toLowerCase(), current);
      return;
    }
    const entry = ENTRY.exec(line);
    if (!entry) throw new MalformedCredentials(i + 1, 'expected `NAME=value`, a `[profile]` header or a `#` comment');
    current.values.set((entry[1] ?? '').toUpperCase(), unquote(entry[2] ?? ''));
  });
  const dflt = profiles.get(DEFAULT_PROFILE.toLowerCase());
  if (dflt && dflt.values.size === 0 && !sawDefault) profiles.delete(DEFAULT_PROFILE.toLowerCase());
  return profiles;
}

/** The members of one profile as written (first name that is present wins), or null when there is no such profile. */
export function readProfile(text: string, profile: string): ProfileValues | null {
  const p = parseCredentials(text).get(profile.toLowerCase());
  if (!p) return null;
  const out: ProfileValues = {};
  for (const member of MEMBERS) {
    const value = MEMBER_NAMES[member].map((n) => p.values.get(n)).find((v) => v !== undefined);
    if (value !== undefined) out[member] = value;
  }
  return out;
}

/** Members to write (a string) or remove (null); members not named are kept as they are. */
export type ProfileUpdate = { [K in keyof ProfileValues]?: string | null };

/** The file's text with `profile` updated by `update`. Every other line is kept. */
export function setProfile(text: string, profile: string, update: ProfileUpdate): string {
  const lines = text === '' ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/);
  const wanted = profile.toLowerCase();
  const touched = new Set(MEMBERS.filter((m) => m in update).flatMap((m) => MEMBER_NAMES[m]));
  const out: string[] = [];
  let inTarget = wanted === DEFAULT_PROFILE.toLowerCase(); // lines before the first section belong to DEFAULT
  let insertAt = -1;
  for (const raw of lines) {
    const line = raw.trim();
    const section = line.startsWith('[') ? SECTION.exec(line) : null;
    if (section) {
      inTarget = (section[1] ?? '').toLowerCase() === wanted;
      out.push(raw);
      if (inTarget && insertAt < 0) insertAt = out.length;
      continue;
    }
    const entry = inTarget ? ENTRY.exec(line) : null;
    if (entry && touched.has((entry[1] ?? '').toUpperCase())) continue; // dropped: rewritten below
    out.push(raw);
  }
  const fresh = MEMBERS.flatMap((m) => {
    const v = update[m];
    return typeof v === 'string' ? [`${MEMBER_NAMES[m][0]}=${v}`] : [];
  });
  if (insertAt >= 0) {
    out.splice(insertAt, 0, ...fresh);
  } else if (fresh.length > 0) {
    while (out.length > 0 && out.at(-1)?.trim() === '') out.pop();
    if (out.length > 0) out.push('');
    out.push(`[${profile}]`, ...fresh);
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}
