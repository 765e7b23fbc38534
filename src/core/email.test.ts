import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isValidEmail, normalizeEmail } from './email.js';

describe('normalizeEmail accepts real addresses', () => {
  const cases: [string, string][] = [
    ['alice@example.com', 'alice@example.com'],
    ['  Alice.Smith@Example.COM \n', 'alice.smith@example.com'],
    ['bob+twofold@mail.example.co.uk', 'bob+twofold@mail.example.co.uk'],
    ["o'connor@example.ie", "o'connor@example.ie"],
    ['first_last-99@sub-domain.example.org', 'first_last-99@sub-domain.example.org'],
    ['user@xn--bcher-kva.example', 'user@xn--bcher-kva.example'],
    ['user@example.xn--p1ai', 'user@example.xn--p1ai'],
    ['josé@bücher.de', 'josé@bücher.de'],
    ['用户@例子.广告', '用户@例子.广告'],
    ['a@b.co', 'a@b.co'],
    ['x@123.example.com', 'x@123.example.com'],
  ];
  for (const [input, expected] of cases) {
    test(JSON.stringify(input), () => assert.equal(normalizeEmail(input), expected));
  }

  test('NFC: a decomposed é equals the composed one', () => {
    const decomposed = 'jose\u0301@example.com';
    assert.equal(normalizeEmail(decomposed), 'jos\u00e9@example.com');
    assert.equal(normalizeEmail(decomposed), normalizeEmail('JOSÉ@example.com'));
  });

  test('the longest allowed parts are accepted', () => {
    const local = 'a'.repeat(64);
    const domain = `${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`;
    const email = `${local}@${domain}`;
    assert.equal(email.length, 254);
    assert.equal(normalizeEmail(email), email);
  });
});

describe('normalizeEmail refuses what is not an address', () => {
  const refused: [string, string][] = [
    ['', 'empty'],
    ['   ', 'blank'],
    ['alice', 'no @'],
    ['alice@', 'no domain'],
    ['@example.com', 'no local part'],
    ['alice@localhost', 'no TLD'],
    ['alice@example', 'no TLD'],
    ['alice@example.c', 'one-letter TLD'],
    ['alice@example.123', 'numeric TLD'],
    ['alice@@example.com', 'two @'],
    ['a@b@example.com', 'two @'],
    ['alice smith@example.com', 'space'],
    ['alice@exa mple.com', 'space in domain'],
    ['alice\u00a0@example.com', 'no-break space'],
    ['alice\u200b@example.com', 'zero-width space'],
    ['alice\r\nBcc: x@evil.com@example.com', 'header injection'],
    ['alice\u0000@example.com', 'NUL'],
    ['alice\t@example.com', 'tab'],
    ['"alice"@example.com', 'quoted local part'],
    ['<alice@example.com>', 'angle brackets'],
    ['alice@example.com, bob@example.com', 'a list'],
    ['.alice@example.com', 'leading dot'],
    ['alice.@example.com', 'trailing dot'],
    ['al..ice@example.com', 'double dot'],
    ['alice@.example.com', 'empty label'],
    ['alice@example..com', 'empty label'],
    ['alice@example.com.', 'trailing dot in domain'],
    ['alice@-example.com', 'label starts with a hyphen'],
    ['alice@example-.com', 'label ends with a hyphen'],
    ['alice@exa_mple.com', 'underscore in domain'],
    ['alice@[127.0.0.1]', 'address literal'],
    ['alice@127.0.0.1', 'IP address'],
    [`${'a'.repeat(65)}@example.com`, 'local part over 64'],
    [`a@${'b'.repeat(64)}.com`, 'label over 63'],
    [`${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.com`, 'over 254 (255)'],
    ['x'.repeat(100_000), 'huge input'],
  ];
  for (const [input, why] of refused) {
    test(`${why}: ${JSON.stringify(input.slice(0, 60))}`, () => assert.equal(normalizeEmail(input), null));
  }

  test('non-strings are refused, not thrown on', () => {
    for (const v of [undefined, null, 42, {}, ['a@b.co']]) assert.equal(normalizeEmail(v as string), null);
  });
});

describe('isValidEmail', () => {
  test('agrees with normalizeEmail', () => {
    assert.equal(isValidEmail(' Bob@Example.com '), true);
    assert.equal(isValidEmail('bob@example'), false);
  });
});
