/**
 * What makes a password acceptable, following NIST SP 800-63B: a minimum length, a generous
 * maximum, no composition rules (they push people to `Password1!`), and a refusal of passwords
 * that attackers try first: known breached ones, the account's own email, and the product's name.
 *
 * Pure: the breached-password list is loaded by an adapter and handed in.
 */

export const PASSWORD_MIN_LENGTH = 8;
/** Long enough for any passphrase; short enough that hashing it is no denial-of-service lever. */
export const PASSWORD_MAX_LENGTH = 1024;
export const PRODUCT_NAME = 'twofold';

export type PasswordRefusal = 'too_short' | 'too_long' | 'common' | 'same_as_email' | 'product_name';

export type PasswordVerdict = { ok: true } | { ok: false; reason: PasswordRefusal; message: string };

export interface PasswordContext {
  /** The account's email, when known (sign-up, reset, change). */
  email?: string;
  /** Defaults to 'twofold'. */
  productName?: string;
  /** Commonly used or breached passwords, lower-cased (see adapters/common-passwords). */
  common: ReadonlySet<string>;
}

/** Messages are shown to the person choosing the password. */
export const PASSWORD_MESSAGES: Readonly<Record<PasswordRefusal, string>> = {
  too_short: `Use at least ${PASSWORD_MIN_LENGTH} characters.`,
  too_long: `Use at most ${PASSWORD_MAX_LENGTH} characters.`,
  common: 'This password is in a list of commonly used or breached passwords. Choose another.',
  same_as_email: 'Your password cannot be your email address. Choose another.',
  product_name: 'Your password cannot be the name of this service. Choose another.',
};

export function checkPassword(password: string, ctx: PasswordContext): PasswordVerdict {
  // NFKC so that look-alike forms (full-width letters, ligatures) count and compare as the
  // characters people see; code points so that an emoji counts as one character, not two.
  const normalized = password.normalize('NFKC');
  const length = countCodePoints(normalized);
  if (length < PASSWORD_MIN_LENGTH) return refuse('too_short');
  if (length > PASSWORD_MAX_LENGTH) return refuse('too_long');

  const lower = normalized.toLowerCase();
  if (ctx.common.has(lower)) return refuse('common');
  if (ctx.email && matchesEmail(lower, ctx.email)) return refuse('same_as_email');
  if (isProductName(lower, ctx.productName ?? PRODUCT_NAME)) return refuse('product_name');
  return { ok: true };
}

function refuse(reason: PasswordRefusal): PasswordVerdict {
  return { ok: false, reason, message: PASSWORD_MESSAGES[reason] };
}

function countCodePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** The whole email or its local part, ignoring case. */
function matchesEmail(lowerPassword: string, email: string): boolean {
  const lowerEmail = email.trim().normalize('NFKC').toLowerCase();
  if (lowerEmail === '') return false;
  if (lowerPassword === lowerEmail) return true;
  const at = lowerEmail.lastIndexOf('@');
  const local = at > 0 ? lowerEmail.slice(0, at) : '';
  return local !== '' && lowerPassword === local;
}

/**
 * The product's name dressed up with digits and symbols (`Twofold2026!`, `#twofold#`): the
 * letters alone spell the name. A longer phrase that merely contains it stays allowed.
 */
function isProductName(lowerPassword: string, productName: string): boolean {
  const name = productName.normalize('NFKC').toLowerCase();
  if (name === '') return false;
  return lowerPassword.replace(/[^\p{L}]/gu, '') === name;
}
