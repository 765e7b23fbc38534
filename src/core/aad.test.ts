import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { accessKeyAad, phoneAad, setupAad, totpAad } from './aad.js';

const SRC = fileURLToPath(new URL('..', import.meta.url));
const read = (file: string) => readFileSync(join(SRC, file), 'utf8');
const sources = (dir: string): string[] =>
  readdirSync(join(SRC, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')
        ? [join(dir, e.name)]
        : [],
  );

test('the AAD strings stay what every stored envelope was sealed with', () => {
  assert.equal(totpAad('u1'), 'totp:u1');
  assert.equal(phoneAad('u1'), 'phone:u1');
  assert.equal(setupAad('s1'), 'mfa-setup:s1');
  assert.equal(accessKeyAad('k1'), 'access-key:k1');
});

test('key rotation and every sealer and reader take their AADs from src/core/aad.ts, and nobody else builds one', () => {
  const users: Record<string, string[]> = {
    'services/key-rotation.ts': ['totpAad', 'phoneAad', 'setupAad', 'accessKeyAad'],
    'services/mfa-setup.ts': ['totpAad', 'phoneAad', 'setupAad'],
    'services/sign-in-challenge.ts': ['totpAad', 'phoneAad'],
    'services/account-deletion.ts': ['totpAad'],
    'services/access-keys.ts': ['accessKeyAad'],
  };
  for (const [file, names] of Object.entries(users)) {
    const imported = /import \{([^}]*)\} from '\.\.\/core\/aad\.js';/.exec(read(file));
    assert.ok(imported, `${file} imports src/core/aad.ts`);
    const list = imported[1]!.split(',').map((n) => n.trim());
    for (const name of names) assert.ok(list.includes(name), `${file} imports ${name} from src/core/aad.ts`);
  }
  // A second definition (a renamed copy) would be a template starting with one of the prefixes.
  const copy = /`(totp|phone|mfa-setup|access-key):\$\{/;
  for (const file of sources('.')) {
    if (file === join('core', 'aad.ts')) continue;
    assert.doesNotMatch(read(file), copy, `${file} builds an AAD of its own`);
  }
});
