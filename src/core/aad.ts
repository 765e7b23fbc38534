// The one definition of the AADs that bind envelope ciphertexts (./envelope.ts) to their rows.
// Every sealer, every reader and key rotation use these builders: if they drifted apart, rotated
// secrets would stop decrypting. Changing a string here makes every stored envelope unreadable.

/** mfa_factors.secret_enc: the TOTP secret of a user's second factor. */
export const totpAad = (userId: string) => `totp:${userId}`;
/** mfa_factors.phone_enc: the E.164 phone number of a user's SMS factor. */
export const phoneAad = (userId: string) => `phone:${userId}`;
/** mfa_setups.secret_enc and phone_enc: a pending set-up's secret or phone. */
export const setupAad = (setupId: string) => `mfa-setup:${setupId}`;
/** access_keys.secret_enc: an access key's HMAC secret. */
export const accessKeyAad = (keyId: string) => `access-key:${keyId}`;
/** admin_keys.secret_enc: an admin access key's HMAC secret (never valid as a user key's). */
export const adminKeyAad = (keyId: string) => `admin-key:${keyId}`;
