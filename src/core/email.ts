/**
 * The one form of an email address Twofold stores and compares. Emails are matched
 * case-insensitively (shared/API.md), so the normal form is trimmed, NFC-normalised and
 * lower-cased; two spellings of one address can then never open two accounts.
 *
 * Validation is deliberately modest: it accepts what real mailboxes look like (including
 * internationalised addresses) and refuses what cannot be delivered or would be unsafe to put in
 * a mail header or a log line. Only a mail that arrives proves an address.
 */

/** RFC 5321: a path is at most 256 octets including the angle brackets. */
export const EMAIL_MAX_LENGTH = 254;
export const EMAIL_LOCAL_MAX_LENGTH = 64;
const DOMAIN_MAX_LENGTH = 253;
const LABEL_MAX_LENGTH = 63;

/**
 * Characters refused anywhere: white space and separators (a header or log line could be split),
 * control and invisible format characters (look-alike addresses), and the specials of RFC 5322
 * that only belong in quoted local parts, which are not supported.
 */
const FORBIDDEN = /[\s\p{Cc}\p{Cf}\p{Z}\p{Cs}\p{Co}\p{Cn}"(),:;<>[\]\\]/u;

/** A domain label: letters or digits (any script), hyphens inside only. */
const LABEL = /^[\p{L}\p{N}\p{M}](?:[\p{L}\p{N}\p{M}-]*[\p{L}\p{N}\p{M}])?$/u;

/** A top-level domain: letters only (2+), or an A-label (`xn--…`). */
const TLD = /^(?:\p{L}[\p{L}\p{M}]+|xn--[a-z0-9-]+)$/u;

/** The normal form of `input`, or null when it does not look like `local@domain.tld`. */
export function normalizeEmail(input: string): string | null {
  if (typeof input !== 'string') return null;
  // Cheap bound before normalising, so a huge body costs nothing.
  if (input.length > EMAIL_MAX_LENGTH * 4) return null;
  const email = input.trim().normalize('NFC').toLowerCase();
  if (email.length === 0 || email.length > EMAIL_MAX_LENGTH) return null;
  if (FORBIDDEN.test(email)) return null;

  const at = email.indexOf('@');
  if (at < 1 || at !== email.lastIndexOf('@')) return null;
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (!isValidLocal(local) || !isValidDomain(domain)) return null;
  return email;
}

/** True when `input` is an address normalizeEmail accepts. */
export function isValidEmail(input: string): boolean {
  return normalizeEmail(input) !== null;
}

function isValidLocal(local: string): boolean {
  if (local.length === 0 || local.length > EMAIL_LOCAL_MAX_LENGTH) return false;
  // Dot-atom: dots separate non-empty atoms.
  return !local.startsWith('.') && !local.endsWith('.') && !local.includes('..');
}

function isValidDomain(domain: string): boolean {
  if (domain.length === 0 || domain.length > DOMAIN_MAX_LENGTH) return false;
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  for (const label of labels) {
    if (label.length === 0 || label.length > LABEL_MAX_LENGTH || !LABEL.test(label)) return false;
  }
  const tld = labels[labels.length - 1] ?? '';
  return TLD.test(tld);
}
