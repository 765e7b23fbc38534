// Every link the server mails or the portal routes to answers the portal's page with 200, so a
// mail client, a link checker or a proxy never sees an error status for a working link.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { findPortalRoot } from '../../src/server/routes/portal-routes.js';
import { startHarness, type Harness } from '../helpers/harness.js';

const built = findPortalRoot() !== null;
const reason = 'the portal is not built (dist/web); `npm run build` makes it';
let h: Harness;
before(async () => {
  if (built) h = await startHarness({ allowPostgres: false });
});
after(async () => {
  await h?.close();
});

for (const path of [
  '/verify-email?token=abc',
  '/reset-password?token=abc',
  '/login',
  '/signup',
  '/forgot-password',
  '/account/security',
]) {
  test(
    `${path.split('?')[0]} answers the portal with 200 (mailed links must not look broken)`,
    { skip: built ? false : reason },
    async () => {
      const r = await h.inject({ method: 'GET', url: path, headers: { accept: 'text/html' } });
      assert.equal(r.statusCode, 200, r.body.slice(0, 200));
      assert.match(String(r.headers['content-type']), /^text\/html/);
    },
  );
}

test('an unknown page answers the portal with 404', { skip: built ? false : reason }, async () => {
  const r = await h.inject({ method: 'GET', url: '/no-such-page', headers: { accept: 'text/html' } });
  assert.equal(r.statusCode, 404);
});
