// The user reference under docs/ ships with the code and must stay complete: every path of the
// OpenAPI document the app builds (as written there, with `{param}`), every route served outside
// it, every environment variable the configuration schema reads and every error code of the
// catalogue appears in some docs/*.md page. A failure lists exactly what is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERRORS } from '../../src/core/errors.js';
import { CONFIG_VARIABLES } from '../../src/runtime/config.js';
import { withHarness } from '../helpers/harness.js';

const DOCS = fileURLToPath(new URL('../../docs/', import.meta.url));

/** Routes the server answers that the OpenAPI document leaves out on purpose. */
const SERVED_OUTSIDE_OPENAPI = ['/metrics', '/v1/openapi.json', '/docs', '/dev/outbox'];

/** Every Markdown file under docs/, each with its text. */
function readDocs(dir = DOCS): { file: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return readDocs(path);
    return e.name.endsWith('.md') ? [{ file: path, text: readFileSync(path, 'utf8') }] : [];
  });
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `needle` as a whole token: `/v1/me` must not count as found inside `/v1/me/sessions`. */
function mentions(text: string, needle: string, tokenChars: string): boolean {
  return new RegExp(`(?<![${tokenChars}])${escape(needle)}(?![${tokenChars}])`).test(text);
}

function missingFrom(docs: string, needles: readonly string[], tokenChars: string): string[] {
  return needles.filter((n) => !mentions(docs, n, tokenChars));
}

const report = (what: string, missing: string[]) =>
  `${missing.length} ${what} missing from every docs/*.md page:\n  ${missing.join('\n  ')}`;

const docs = readDocs()
  .map((d) => d.text)
  .join('\n');

test('the docs folder has pages to search', () => {
  assert.ok(readDocs().length >= 3, `Markdown pages under ${DOCS}`);
});

test('every path of /v1/openapi.json, and every route served outside it, is written up in docs/', () =>
  withHarness(
    async (h) => {
      const r = await h.inject({ method: 'GET', url: '/v1/openapi.json' });
      assert.equal(r.statusCode, 200);
      const paths = Object.keys(r.json<{ paths: Record<string, unknown> }>().paths);
      assert.ok(paths.length > 20, 'the document lists the routes');
      const missing = missingFrom(docs, [...paths, ...SERVED_OUTSIDE_OPENAPI], 'A-Za-z0-9_./{}-');
      assert.deepEqual(missing, [], report('paths', missing));
    },
    // The development outbox is on in the harness, so its route is in the document too.
    { allowPostgres: false },
  ));

test('every variable the configuration schema reads is described in docs/', () => {
  assert.ok(CONFIG_VARIABLES.includes('TWOFOLD_PUBLIC_URL'), 'the names come from the schema itself');
  const missing = missingFrom(docs, CONFIG_VARIABLES, 'A-Z0-9_');
  assert.deepEqual(missing, [], report('variables', missing));
});

test('every error code of the catalogue is explained in docs/', () => {
  const missing = missingFrom(docs, Object.keys(ERRORS), 'a-z0-9_');
  assert.deepEqual(missing, [], report('error codes', missing));
});
