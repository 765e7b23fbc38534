// The otpauth Key URI every authenticator app reads from a QR code:
// `otpauth://totp/ISSUER:ACCOUNT?secret=BASE32NOPAD&issuer=ISSUER` (shared/VECTORS.md). Why the
// issuer twice, the encoding and no algorithm/digits/period: docs/design.md, "The otpauth URI".

const BASE32_NOPAD = /^[A-Z2-7]+$/;

export interface OtpauthUriInput {
  /** Service name shown in the app, e.g. "Twofold". */
  issuer: string;
  /** The account inside that service, usually the email address. */
  account: string;
  /** The TOTP secret in RFC 4648 base32, upper case, without padding. */
  secretBase32: string;
}

/**
 * Builds the provisioning URI for a TOTP secret (SHA-1, 6 digits, 30 s).
 * Throws on input that would make an ambiguous or unreadable URI: an empty issuer or account, a
 * colon in either (the label's only separator; the format forbids it in both parts), or a secret
 * that is not unpadded upper-case base32.
 */
export function otpauthUri({ issuer, account, secretBase32 }: OtpauthUriInput): string {
  if (issuer.length === 0) throw new Error('otpauth URI: issuer is empty');
  if (account.length === 0) throw new Error('otpauth URI: account is empty');
  if (issuer.includes(':')) throw new Error('otpauth URI: issuer must not contain ":"');
  if (account.includes(':')) throw new Error('otpauth URI: account must not contain ":"');
  if (!BASE32_NOPAD.test(secretBase32)) {
    throw new Error('otpauth URI: secret must be upper-case base32 without padding');
  }
  const enc = encodeURIComponent;
  return `otpauth://totp/${enc(issuer)}:${enc(account)}?secret=${secretBase32}&issuer=${enc(issuer)}`;
}
