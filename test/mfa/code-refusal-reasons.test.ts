// A refused code still answers 401 invalid_code and counts, but says why, so a person knows what
// to do next: a code already used (wait for the next one), an old one (use the current one), or a
// text-message code past its 3 minutes (ask for a new one).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Harness } from '../helpers/harness.js';
import {
  STEP_MS,
  assertProblem,
  challengeFor,
  phoneCode,
  post,
  signup,
  startHarness,
  startSetup,
  verify,
  wrongCode,
} from './support.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

test('the set-up code used again at once at sign-in is refused as already used (the README reader case)', async () => {
  const { token } = await signup(h, 'reuse@example.com');
  const s = await startSetup(h, token);
  const code = phoneCode(h, s.secret);
  assert.equal((await post(h, '/v1/me/mfa/setup/verify', { setup_id: s.setup_id, code }, token)).statusCode, 200);
  const r = await verify(h, await challengeFor(h, 'reuse@example.com'), code);
  assertProblem(r, 401, 'invalid_code');
  assert.equal(r.json().reason, 'replayed');
  assert.match(r.json().detail, /already used.*next code/i);
});

test('a code from a minute ago is refused as expired; a wrong one as not right', async () => {
  const { token } = await signup(h, 'stale@example.com');
  const s = await startSetup(h, token);
  const stale = phoneCode(h, s.secret, -2);
  const r = await post(h, '/v1/me/mfa/setup/verify', { setup_id: s.setup_id, code: stale }, token);
  assertProblem(r, 401, 'invalid_code');
  assert.equal(r.json().reason, 'expired');
  assert.match(r.json().detail, /expired.*shows now/i);
  const wrong = await post(h, '/v1/me/mfa/setup/verify', { setup_id: s.setup_id, code: wrongCode(h, s.secret) }, token);
  assertProblem(wrong, 401, 'invalid_code');
  assert.equal(wrong.json().reason, 'mismatch');
  assert.match(wrong.json().detail, /not right/);
  assert.equal(
    (await post(h, '/v1/me/mfa/setup/verify', { setup_id: s.setup_id, code: phoneCode(h, s.secret) }, token))
      .statusCode,
    200,
  );
  h.clock.advance(STEP_MS * 2);
  const c = await challengeFor(h, 'stale@example.com');
  const old = await verify(h, c, phoneCode(h, s.secret, -3));
  assert.equal(old.json().reason, 'expired');
  assert.equal((await verify(h, c, phoneCode(h, s.secret))).statusCode, 200);
});
