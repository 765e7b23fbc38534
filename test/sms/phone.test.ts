// Phone numbers for SMS (src/core/phone.ts): whatever the user types becomes E.164 or a clear
// refusal; numbers that cannot take a text (where libphonenumber-js can tell) and countries
// outside the operator's allow-list are refused; the number is only ever shown masked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskPhone, parsePhone, type PhoneResult } from '../../src/core/phone.js';

const US = { defaultRegion: 'US', countries: [] as string[] };
const GB = { defaultRegion: 'GB', countries: [] as string[] };

function ok(r: PhoneResult): Extract<PhoneResult, { ok: true }> {
  assert.equal(r.ok, true, JSON.stringify(r));
  return r;
}

function refused(r: PhoneResult, reason: string): void {
  assert.equal(r.ok, false, JSON.stringify(r));
  if (!r.ok) {
    assert.equal(r.reason, reason);
    assert.ok(r.message.length > 10, 'a message the user can act on');
  }
}

test('an international number with punctuation becomes E.164: +1 (415) 555-0123 → +14155550123', () => {
  const r = ok(parsePhone('+1 (415) 555-0123', US));
  assert.equal(r.e164, '+14155550123');
  assert.equal(r.country, 'US');
  assert.equal(r.last4, '0123');
  assert.equal(r.hint, '+1 •••-•••-0123');
  // The same digits however they are punctuated, with surrounding spaces too.
  for (const input of ['+14155550123', ' +1 415 555 0123 ', '+1.415.555.0123', '+1-415-555-0123', '+1/415/555/0123']) {
    assert.equal(ok(parsePhone(input, US)).e164, '+14155550123', input);
  }
});

test('a national number is read in the default region (US unless configured)', () => {
  for (const input of ['(415) 555-0123', '415-555-0123', '415.555.0123', '4155550123']) {
    assert.equal(ok(parsePhone(input, US)).e164, '+14155550123', input);
  }
  // The same national digits mean something else (or nothing) in another region.
  const inGb = parsePhone('(415) 555-0123', GB);
  assert.ok(!inGb.ok || inGb.e164 !== '+14155550123', JSON.stringify(inGb));
});

test('a GB mobile in national format with region GB, and in international format from any region', () => {
  const national = ok(parsePhone('07400 123456', GB));
  assert.equal(national.e164, '+447400123456');
  assert.equal(national.country, 'GB');
  assert.equal(national.hint, '+44 •••-•••-3456');
  assert.equal(ok(parsePhone('+44 7400 123456', US)).e164, '+447400123456');
  // Without the region, the national form is not a US number.
  refused(parsePhone('07400 123456', US), 'invalid');
});

test('a fixed line, toll-free or premium number cannot take a text: not_mobile', () => {
  refused(parsePhone('+44 20 7946 0958', US), 'not_mobile'); // London landline
  refused(parsePhone('020 7946 0958', GB), 'not_mobile');
  refused(parsePhone('+1 800 555 0123', US), 'not_mobile'); // toll-free
  refused(parsePhone('+1 900 555 0123', US), 'not_mobile'); // premium rate
});

test('a number the library can only call "fixed line or mobile" (US geographic) is given the benefit of the doubt', () => {
  assert.equal(ok(parsePhone('+1 212 555 0123', US)).e164, '+12125550123');
});

test('garbage is refused before parsing, an impossible number after', () => {
  for (const input of [
    '',
    '   ',
    'hello',
    '+1 415 555 O123',
    '415-555-0123 ext. 5',
    '+1 415 555 0123; DROP TABLE',
    '<script>',
    '+١٤١٥٥٥٥٠١٢٣',
    '1'.repeat(41),
  ]) {
    refused(parsePhone(input, US), 'unparseable');
  }
  for (const input of ['+1 123', '+999 1234 5678', '+1 415 555 01234567', '0000000000', '+44 7400 12']) {
    const r = parsePhone(input, US);
    assert.equal(r.ok, false, input);
    if (!r.ok) assert.equal(r.reason, 'invalid', input);
  }
});

test('the allow-list of countries: empty allows all, otherwise only the listed regions', () => {
  const onlyGb = { defaultRegion: 'US', countries: ['GB'] };
  refused(parsePhone('+1 415 555 0123', onlyGb), 'country_not_allowed');
  assert.equal(ok(parsePhone('+44 7400 123456', onlyGb)).country, 'GB');
  const usAndFr = { defaultRegion: 'US', countries: ['US', 'FR'] };
  assert.equal(ok(parsePhone('415 555 0123', usAndFr)).e164, '+14155550123');
  assert.equal(ok(parsePhone('+33 6 12 34 56 78', usAndFr)).e164, '+33612345678');
  refused(parsePhone('+49 1512 3456789', usAndFr), 'country_not_allowed');
  // Validity is judged before the allow-list: a bad number is "invalid", not "not allowed".
  refused(parsePhone('+44 20 7946 0958', onlyGb), 'not_mobile');
  refused(parsePhone('+1 123', onlyGb), 'invalid');
});

test('masking shows the calling code and the last four digits only', () => {
  assert.equal(maskPhone('+14155550123'), '+1 •••-•••-0123');
  assert.equal(maskPhone('+14155550123', '1'), '+1 •••-•••-0123');
  assert.equal(maskPhone('+447400123456'), '+44 •••-•••-3456');
  assert.equal(maskPhone('+33612345678'), '+33 •••-•••-5678');
  assert.equal(maskPhone('+819012345678'), '+81 •••-•••-5678');
  for (const e164 of ['+14155550123', '+447400123456', '+33612345678']) {
    const hint = maskPhone(e164);
    // No run of more than four of the number's national digits survives.
    const digits = hint.replace(/\D/g, '');
    assert.ok(digits.length <= 4 + 3, `${hint} shows too many digits`);
    assert.ok(!hint.includes(e164.slice(-7, -4)), `${hint} shows middle digits`);
  }
  // parsePhone's hint is maskPhone of its own E.164.
  const r = ok(parsePhone('+33 6 12 34 56 78', US));
  assert.equal(r.hint, maskPhone(r.e164));
});
