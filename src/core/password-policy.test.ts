import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
// Tests may use the adapter: the real list is what must refuse the famous passwords.
import { loadCommonPasswords } from '../adapters/common-passwords.js';
import { checkPassword, PASSWORD_MESSAGES, type PasswordContext } from './password-policy.js';

const common = loadCommonPasswords();
const ctx: PasswordContext = { email: 'Alice.Smith@Example.com', productName: 'twofold', common };

function reason(password: string, context: PasswordContext = ctx): string {
  const verdict = checkPassword(password, context);
  return verdict.ok ? 'ok' : verdict.reason;
}

describe('checkPassword length', () => {
  test('7 characters are refused, 8 accepted', () => {
    assert.equal(reason('kq7#vmz'), 'too_short');
    assert.equal(reason('kq7#vmzp'), 'ok');
  });

  test('256 and 1024 characters are accepted, 1025 refused', () => {
    assert.equal(reason('correct horse battery staple '.repeat(9).slice(0, 256)), 'ok');
    assert.equal(reason('x7!'.repeat(342).slice(0, 1024)), 'ok');
    assert.equal(reason('x7!'.repeat(342).slice(0, 1025)), 'too_long');
  });

  test('an emoji counts as one character', () => {
    assert.equal('kq7#vmz🔑'.length, 9, 'two UTF-16 units');
    assert.equal(reason('kq7#vmz🔑'), 'ok');
    assert.equal(reason('kq7#vm🔑'), 'too_short');
  });

  test('length is counted after NFKC normalisation', () => {
    // U+FB03 (ffi ligature) is one code point that NFKC expands to three letters.
    assert.equal(reason('kq7#v\uFB03'), 'ok');
  });

  test('no composition rules: a long lower-case passphrase is fine', () => {
    assert.equal(reason('purple elephants dance quietly'), 'ok');
  });
});

describe('checkPassword common passwords', () => {
  test('the list has at least 40,000 entries', () => {
    assert.ok(common.size >= 40_000, `only ${common.size}`);
  });

  for (const p of ['password', '123456789', 'qwertyuiop', 'PASSWORD', 'Password', 'iloveyou', '12345678']) {
    test(`${p} is refused as common`, () => {
      const verdict = checkPassword(p, ctx);
      assert.deepEqual(verdict, { ok: false, reason: 'common', message: PASSWORD_MESSAGES.common });
    });
  }

  test('the message speaks to the user', () => {
    assert.equal(
      PASSWORD_MESSAGES.common,
      'This password is in a list of commonly used or breached passwords. Choose another.',
    );
  });

  test('full-width forms of a common password are refused too', () => {
    assert.equal(reason('ｐａｓｓｗｏｒｄ'), 'common');
  });
});

describe('checkPassword email and product name', () => {
  test('the email or its local part is refused, ignoring case', () => {
    assert.equal(reason('alice.smith@example.com'), 'same_as_email');
    assert.equal(reason('ALICE.SMITH@EXAMPLE.COM'), 'same_as_email');
    assert.equal(reason('Alice.Smith'), 'same_as_email');
    assert.equal(reason('alice.smith1'), 'ok');
  });

  test('without an email nothing is compared', () => {
    assert.equal(reason('Alice.Smith', { common }), 'ok');
  });

  test('the product name with digits and symbols is refused', () => {
    assert.equal(reason('Twofold2026!'), 'product_name');
    assert.equal(reason('twofold123'), 'product_name');
    assert.equal(reason('#TWOFOLD#'), 'product_name');
    assert.equal(reason('Twofold2026!', { common }), 'product_name', 'twofold is the default name');
  });

  test('a phrase that only contains the product name is allowed', () => {
    assert.equal(reason('my twofold vault key'), 'ok');
  });

  test('refusals carry a message', () => {
    const verdict = checkPassword('Twofold2026!', ctx);
    assert.equal(verdict.ok, false);
    if (!verdict.ok) assert.equal(verdict.message, PASSWORD_MESSAGES.product_name);
  });
});
