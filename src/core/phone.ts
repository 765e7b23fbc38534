// Phone numbers for SMS: parsed with libphonenumber-js (full metadata, so it can tell number
// types), normalised to E.164 (ITU-T E.164: +CC and the national number, digits only), refused
// when invalid, when the library can tell the number cannot take a text (fixed line, premium,
// toll-free…), or when its country is not in the operator's allow-list. Pure: no I/O.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/** Types that can receive SMS. An undetermined type is given the benefit of the doubt. */
const SMS_CAPABLE = new Set(['MOBILE', 'FIXED_LINE_OR_MOBILE', undefined]);

export type PhoneResult =
  | { ok: true; e164: string; country: string | undefined; hint: string; last4: string }
  | { ok: false; reason: 'unparseable' | 'invalid' | 'not_mobile' | 'country_not_allowed'; message: string };

export interface PhoneRules {
  defaultRegion: string;
  /** Two-letter regions allowed; empty means every region. */
  countries: readonly string[];
}

export function parsePhone(input: string, rules: PhoneRules): PhoneResult {
  const trimmed = input.trim();
  if (trimmed.length === 0 || trimmed.length > 40 || !/^[+0-9 ().\-/]+$/.test(trimmed)) {
    return {
      ok: false,
      reason: 'unparseable',
      message: 'Enter a phone number with its country code, like +1 415 555 0123.',
    };
  }
  const parsed = parsePhoneNumberFromString(trimmed, rules.defaultRegion as CountryCode);
  if (!parsed || !parsed.isValid()) {
    return {
      ok: false,
      reason: 'invalid',
      message: 'This is not a valid phone number. Check the digits and the country code.',
    };
  }
  if (!SMS_CAPABLE.has(parsed.getType())) {
    return {
      ok: false,
      reason: 'not_mobile',
      message: 'This number cannot receive text messages. Use a mobile number.',
    };
  }
  if (rules.countries.length > 0 && !(parsed.country && rules.countries.includes(parsed.country))) {
    return {
      ok: false,
      reason: 'country_not_allowed',
      message: 'Text messages cannot be sent to numbers of this country here. Use Authenticator App instead.',
    };
  }
  const e164 = parsed.number;
  return {
    ok: true,
    e164,
    country: parsed.country,
    hint: maskPhone(e164, parsed.countryCallingCode),
    last4: e164.slice(-4),
  };
}

/** `+14155550123` → `+1 •••-•••-0123`: enough to recognise one's own number, not to dial it. */
export function maskPhone(e164: string, callingCode?: string): string {
  const cc = callingCode ?? parsePhoneNumberFromString(e164)?.countryCallingCode ?? '';
  const national = e164.slice(1 + cc.length);
  const last4 = national.slice(-4);
  const hidden = Math.max(0, national.length - 4);
  const groups = hidden > 3 ? '•••-•••' : '•'.repeat(hidden);
  return `+${cc} ${groups}-${last4}`;
}
