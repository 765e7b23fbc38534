// Base32 of RFC 4648 §6 (alphabet A–Z, 2–7), the encoding authenticator apps expect for TOTP
// secrets in the otpauth URI and for manual entry.
//
// Encoding omits the `=` padding: Google Authenticator's Key URI format asks for the secret
// without it, and users typing the secret by hand should not have to type it either.
// Decoding is strict on purpose: a secret that does not decode exactly is a bug to surface, not a
// value to guess at.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

const LOOKUP: ReadonlyMap<string, number> = new Map([...ALPHABET].map((c, i) => [c, i]));

/** RFC 4648 §6 base32 without padding. */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >>> bits) & 31];
    }
  }
  // The last partial group is padded on the right with zero bits (RFC 4648 §6, step 3).
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/**
 * Decodes RFC 4648 §6 base32. Case-insensitive; trailing `=` padding is accepted but not required.
 * Throws on a character outside the alphabet, on a length no encoder can produce (1, 3 or 6
 * characters in the last group of 8) and on non-zero leftover bits (a non-canonical encoding).
 */
export function base32Decode(input: string): Uint8Array {
  const str = input.toUpperCase().replace(/=+$/, '');
  const rem = str.length % 8;
  if (rem === 1 || rem === 3 || rem === 6) {
    throw new Error(`base32: invalid length ${str.length}`);
  }
  const out = new Uint8Array(Math.floor((str.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let o = 0;
  for (const c of str) {
    const v = LOOKUP.get(c);
    if (v === undefined) throw new Error('base32: invalid character');
    buffer = ((buffer << 5) | v) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >>> bits) & 0xff;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) {
    throw new Error('base32: non-zero padding bits');
  }
  return out;
}
