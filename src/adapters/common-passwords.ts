import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * The list of commonly used and breached passwords the password policy refuses: zxcvbn-ts's
 * `passwords-common` dictionary (about 49,000 entries, most common first). It lives in an
 * adapter because src/core must not import vendor packages; the policy receives the set.
 */

let cached: Set<string> | undefined;

/**
 * The entries, lower-cased and NFKC-normalised the same way the policy normalises a candidate.
 * Built once per process and shared: callers must treat it as read-only.
 */
export function loadCommonPasswords(): Set<string> {
  if (cached) return cached;
  const list = dictionary['passwords-common'];
  // A broken or renamed dictionary would silently disable the check; refuse to start instead.
  if (!Array.isArray(list) || list.length < 10_000) {
    throw new Error('The common-password list of @zxcvbn-ts/language-common is missing or truncated');
  }
  cached = new Set(list.map((p) => p.normalize('NFKC').toLowerCase()));
  return cached;
}
