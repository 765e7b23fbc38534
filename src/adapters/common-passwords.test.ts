import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dictionary } from '@zxcvbn-ts/language-common';
import { CompactStringSet, loadCommonPasswords } from './common-passwords.js';

describe('loadCommonPasswords', () => {
  test('holds exactly the normalised passwords-common dictionary', () => {
    const expected = new Set(dictionary['passwords-common'].map((p) => p.normalize('NFKC').toLowerCase()));
    const list = loadCommonPasswords();
    assert.equal(list.size, expected.size);
    for (const p of expected) assert.ok(list.has(p), p);
    assert.deepEqual(new Set(list), expected);
  });

  test('is built once per process', () => {
    assert.equal(loadCommonPasswords(), loadCommonPasswords());
  });

  test('keeps no module of the package in the require cache', async () => {
    const { createRequire } = await import('node:module');
    loadCommonPasswords();
    assert.deepEqual(
      Object.keys(createRequire(import.meta.url).cache).filter((f) => f.includes('@zxcvbn-ts')),
      [],
    );
  });
});

describe('CompactStringSet', () => {
  const words = ['password', 'pass', 'passwords', '', 'Zebra', 'zebra', 'ä', 'é', '😀', 'a', 'ab', 'password'];
  const set = new CompactStringSet(words);

  test('answers like a Set for members and non-members', () => {
    const reference = new Set(words);
    assert.equal(set.size, reference.size);
    for (const w of [...words, 'passwor', 'passwordx', 'b', 'Password', 'zebr', '😁', 'aa', ' ']) {
      assert.equal(set.has(w), reference.has(w), JSON.stringify(w));
    }
    assert.equal(set.has(undefined as unknown as string), false);
  });

  test('iterates its distinct entries in code-unit order', () => {
    const sorted = [...new Set(words)].sort();
    assert.deepEqual([...set], sorted);
    assert.deepEqual([...set.keys()], sorted);
    assert.deepEqual([...set.values()], sorted);
    assert.deepEqual(
      [...set.entries()],
      sorted.map((w) => [w, w]),
    );
    const seen: string[] = [];
    set.forEach((v, v2, s) => {
      assert.equal(v, v2);
      assert.equal(s, set);
      seen.push(v);
    });
    assert.deepEqual(seen, sorted);
  });

  test('an empty set has nothing', () => {
    const empty = new CompactStringSet([]);
    assert.equal(empty.size, 0);
    assert.equal(empty.has(''), false);
    assert.deepEqual([...empty], []);
  });
});
