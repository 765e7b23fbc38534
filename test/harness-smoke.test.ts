import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness } from './helpers/harness.js';

test('a fresh harness answers /readyz and signs up a user on its database engine', async () => {
  const h = await startHarness();
  try {
    assert.equal((await h.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
    const r = await h.inject({
      method: 'POST',
      url: '/v1/auth/signup',
      payload: { email: 'a@example.com', password: 'correct horse battery', client: 'app' },
    });
    assert.equal(r.statusCode, 201, r.body);
    assert.equal(r.json().user.email, 'a@example.com');
  } finally {
    await h.close();
  }
});
