// Countries and their calling codes for the SMS Number set-up, and the number in E.164 form.
import {
  getCountries,
  getCountryCallingCode,
  parsePhoneNumberFromString,
  type CountryCode,
} from 'libphonenumber-js/min';

const names = new Intl.DisplayNames(['en'], { type: 'region' });

export interface Country {
  code: CountryCode;
  name: string;
  dial: string;
}

export const COUNTRIES: Country[] = getCountries()
  .map((code) => ({ code, name: names.of(code) ?? code, dial: getCountryCallingCode(code) }))
  .sort((a, b) => a.name.localeCompare(b.name));

const KNOWN = new Set<string>(COUNTRIES.map((c) => c.code));

/** The country of the browser's language ("en-GB" → GB), else the United States. */
export function defaultCountry(): CountryCode {
  for (const tag of navigator.languages ?? [navigator.language]) {
    try {
      const region = new Intl.Locale(tag).maximize().region;
      if (region && KNOWN.has(region)) return region as CountryCode;
    } catch {
      // an odd language tag: try the next one
    }
  }
  return 'US';
}

/** "+447700900123" for a valid number, else null. A number typed with its own +code wins. */
export function toE164(country: CountryCode, input: string): string | null {
  const parsed = parsePhoneNumberFromString(input.trim(), country);
  return parsed && parsed.isValid() ? parsed.number : null;
}
