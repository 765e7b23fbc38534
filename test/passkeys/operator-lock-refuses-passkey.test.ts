// An operator's lock (docs/admin.md) refuses every way in: a passkey that verifies does not sign a
// locked account in, and neither does it as the second step after a password. Unlocked, it works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accountWithPasskey, assertProblem, passkeyHarness, signInOptions, signInWith } from './support.js';

test('an account locked by an operator is refused a passkey sign-in (403 account_locked); unlocked, it signs in', async () => {
  const h = await passkeyHarness();
  try {
    const a = await accountWithPasskey(h, 'operator-locked@example.com');
    const admin = h.runtime.storage.admin;
    await admin.lock({ userId: a.userId, lockedAt: h.clock.now(), lockedUntil: null, reason: 'test' });
    const refused = await signInWith(h, a.authenticator.assert(await signInOptions(h)), 'app');
    assertProblem(refused, 403, 'account_locked');
    assert.equal(refused.body.includes('token'), false);
    assert.equal(await admin.unlock(a.userId), true);
    const r = await signInWith(h, a.authenticator.assert(await signInOptions(h)), 'app');
    assert.equal(r.statusCode, 200, r.body);
  } finally {
    await h.close();
  }
});
