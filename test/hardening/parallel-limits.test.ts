// Attacks sent the way attackers send them: many requests at once. Every limit of shared/API.md
// "Limits" must hold exactly, because each attempt is counted before its password or code is
// checked. Runs on SQLite with in-process limits, and on PostgreSQL + Redis when configured.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import type { Harness } from '../helpers/harness.js';
import {
  PASSWORD,
  assertProblem,
  challengeFor,
  enableTotp,
  login,
  phoneCode,
  post,
  recover,
  signup,
  startHarness,
  verify,
  wrongCode,
} from '../mfa/support.js';

const statusesOf = (rs: LightMyRequestResponse[]) => rs.map((r) => r.statusCode);
const count = (rs: LightMyRequestResponse[], status: number, code?: string) =>
  rs.filter((r) => r.statusCode === status && (code === undefined || r.json().code === code)).length;
const wrongPassword = (h: Harness, email: string, remoteAddress: string) =>
  h.inject({
    method: 'POST',
    url: '/v1/auth/login',
    remoteAddress,
    payload: { email, password: 'not the password at all', client: 'app' },
  });

async function failedSignIns(h: Harness, token: string): Promise<number> {
  const r = await h.inject({
    method: 'GET',
    url: '/v1/me/events?limit=100',
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(r.statusCode, 200, r.body);
  const list = (Array.isArray(r.json()) ? r.json() : r.json().events) as { type: string }[];
  return list.filter((e) => e.type === 'signin.failed').length;
}

describe('limits hold under parallel requests', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ redisWhenAvailable: true });
  });
  after(async () => {
    await h?.close();
  });

  test('parallel wrong passwords are counted before hashing: of 40 at once from one address, exactly 10 answer 401', async () => {
    const email = 'pw-burst@example.com';
    await signup(h, email);
    const answers = await Promise.all(Array.from({ length: 40 }, () => wrongPassword(h, email, '203.0.113.10')));
    assert.equal(count(answers, 401, 'invalid_credentials'), 10, statusesOf(answers).join(','));
    assert.equal(count(answers, 429, 'too_many_requests'), 30);
    for (const r of answers.filter((x) => x.statusCode === 429)) assert.ok(Number(r.headers['retry-after']) > 0);
    // The right password from that address is throttled too; from another it works.
    assertProblem(
      await h.inject({
        method: 'POST',
        url: '/v1/auth/login',
        remoteAddress: '203.0.113.10',
        payload: { email, password: PASSWORD },
      }),
      429,
      'too_many_requests',
    );
    assert.equal(
      (
        await h.inject({
          method: 'POST',
          url: '/v1/auth/login',
          remoteAddress: '198.51.100.7',
          payload: { email, password: PASSWORD },
        })
      ).statusCode,
      200,
    );
  });

  test('a flood of 110 wrong passwords from one address cannot lock the owner out from another address', async () => {
    const email = 'pw-flood@example.com';
    await signup(h, email);
    const flood = await Promise.all(Array.from({ length: 110 }, () => wrongPassword(h, email, '203.0.113.20')));
    assert.equal(count(flood, 401), 10, statusesOf(flood).join(','));
    assert.equal(count(flood, 429), 100);
    const owner = await h.inject({
      method: 'POST',
      url: '/v1/auth/login',
      remoteAddress: '198.51.100.20',
      payload: { email, password: PASSWORD, client: 'app' },
    });
    assert.equal(owner.statusCode, 200, owner.body);
  });

  test('wrong passwords from addresses inside one IPv6 /64 count as one address; another /64 is apart', async () => {
    const email = 'pw-v6@example.com';
    await signup(h, email);
    const answers = await Promise.all(
      Array.from({ length: 15 }, (_, i) => wrongPassword(h, email, `2001:db8:77:1:${(i + 1).toString(16)}::${i + 5}`)),
    );
    assert.equal(count(answers, 401), 10, statusesOf(answers).join(','));
    assert.equal(count(answers, 429), 5);
    assert.equal((await wrongPassword(h, email, '2001:db8:77:2::1')).statusCode, 401);
  });

  test('parallel re-authentication passwords are counted before hashing too', async () => {
    const email = 'reauth-burst@example.com';
    const { token } = await signup(h, email);
    const answers = await Promise.all(
      Array.from({ length: 25 }, () =>
        h.inject({
          method: 'POST',
          url: '/v1/me/password',
          remoteAddress: '203.0.113.30',
          headers: { authorization: `Bearer ${token}` },
          payload: { current_password: 'wrong wrong wrong', new_password: 'another long passphrase' },
        }),
      ),
    );
    assert.equal(count(answers, 403, 'reauthentication_failed'), 10, statusesOf(answers).join(','));
    assert.equal(count(answers, 429, 'too_many_requests'), 15);
  });

  test('parallel sign-ups from one address stop at 20 an hour: the rest get 429 and create nothing', async () => {
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        h.inject({
          method: 'POST',
          url: '/v1/auth/signup',
          remoteAddress: '2001:db8:99:1::' + (i + 1).toString(16),
          payload: { email: `flood-${i}@example.com`, password: PASSWORD },
        }),
      ),
    );
    assert.equal(count(answers, 201), 20, statusesOf(answers).join(','));
    assert.equal(count(answers, 429, 'too_many_requests'), 10);
    for (const [i, r] of answers.entries()) {
      if (r.statusCode !== 429) continue;
      assert.ok(Number(r.headers['retry-after']) > 0);
      // Nothing was created for a refused sign-up.
      assertProblem(
        await h.inject({
          method: 'POST',
          url: '/v1/auth/login',
          remoteAddress: '192.0.2.99',
          payload: { email: `flood-${i}@example.com`, password: PASSWORD },
        }),
        401,
        'invalid_credentials',
      );
    }
    const other = await h.inject({
      method: 'POST',
      url: '/v1/auth/signup',
      remoteAddress: '2001:db8:99:2::1',
      payload: { email: 'flood-other-net@example.com', password: PASSWORD },
    });
    assert.equal(other.statusCode, 201, other.body);
  });

  test('parallel wrong codes on one challenge: at most 4 answer 401, one kills it with 429, the rest find it dead', async () => {
    const email = 'code-burst@example.com';
    const { token } = await signup(h, email);
    const { secret } = await enableTotp(h, token);
    const challenge = await challengeFor(h, email);
    const wrong = wrongCode(h, secret);
    const answers = await Promise.all(Array.from({ length: 30 }, () => verify(h, challenge, wrong)));
    assert.equal(count(answers, 401, 'invalid_code'), 4, statusesOf(answers).join(','));
    assert.equal(count(answers, 429, 'too_many_attempts'), 1);
    assert.equal(count(answers, 410, 'challenge_expired'), 25);
    assertProblem(await verify(h, challenge, phoneCode(h, secret)), 410, 'challenge_expired');
    assert.equal(await failedSignIns(h, token), 5, 'exactly five codes were checked');
  });

  test('parallel wrong codes over 6 challenges: exactly 10 are checked before the lock, then even the right code is 429', async () => {
    const email = 'code-spread@example.com';
    const { token } = await signup(h, email);
    const { secret, recoveryCode } = await enableTotp(h, token);
    const challenges = await Promise.all(Array.from({ length: 6 }, () => challengeFor(h, email)));
    const heldBack = await challengeFor(h, email);
    const wrong = wrongCode(h, secret);
    const answers = await Promise.all(
      challenges.flatMap((c) =>
        Array.from({ length: 10 }, (_, i) => (i % 2 ? recover(h, c, 'AAAAA-BBBBB-CCCCC-DDDDD') : verify(h, c, wrong))),
      ),
    );
    // A checked code answers 401, or 429 without Retry-After when it was its challenge's 5th.
    const checked =
      count(answers, 401) +
      answers.filter((r) => r.statusCode === 429 && r.headers['retry-after'] === undefined).length;
    assert.equal(checked, 10, statusesOf(answers).join(','));
    assert.equal(await failedSignIns(h, token), 10, 'exactly ten codes were checked');
    const locked = await verify(h, heldBack, phoneCode(h, secret));
    assertProblem(locked, 429, 'too_many_attempts');
    assert.ok(Number(locked.headers['retry-after']) > 14 * 60);
    assertProblem(await recover(h, heldBack, recoveryCode), 429, 'too_many_attempts');
    assertProblem(await login(h, email), 429, 'too_many_attempts');
  });

  test('a right code among parallel wrong ones still signs in, and resets the run', async () => {
    const email = 'code-mixed@example.com';
    const { token } = await signup(h, email);
    const { secret } = await enableTotp(h, token);
    const challenge = await challengeFor(h, email);
    const right = verify(h, challenge, phoneCode(h, secret));
    const wrongs = Array.from({ length: 3 }, () => verify(h, challenge, wrongCode(h, secret)));
    const [ok] = await Promise.all([right, ...wrongs]);
    assert.equal(ok.statusCode, 200, ok.body);
    const me = await h.inject({
      method: 'GET',
      url: '/v1/me',
      headers: { authorization: `Bearer ${ok.json().token}` },
    });
    assert.equal(me.statusCode, 200);
  });

  test('parallel wrong codes at set-up count in the same run: at most 10 are checked', async () => {
    const email = 'setup-burst@example.com';
    const { token } = await signup(h, email);
    const s = await post(h, '/v1/me/mfa/setup', { method: 'totp', password: PASSWORD }, token);
    assert.equal(s.statusCode, 201, s.body);
    const wrong = wrongCode(h, s.json().secret);
    const answers = await Promise.all(
      Array.from({ length: 30 }, () =>
        post(h, '/v1/me/mfa/setup/verify', { setup_id: s.json().setup_id, code: wrong }, token),
      ),
    );
    assert.equal(count(answers, 401, 'invalid_code'), 10, statusesOf(answers).join(','));
    assert.equal(count(answers, 429, 'too_many_attempts'), 20);
    assertProblem(
      await post(
        h,
        '/v1/me/mfa/setup/verify',
        { setup_id: s.json().setup_id, code: phoneCode(h, s.json().secret) },
        token,
      ),
      429,
      'too_many_attempts',
    );
  });

  test('the password step of a locked account is refused too (login answers 429 once the second factor is locked)', async () => {
    const email = 'code-lock-login@example.com';
    const { token } = await signup(h, email);
    const { secret } = await enableTotp(h, token);
    for (let i = 0; i < 2; i++) {
      const c = await challengeFor(h, email);
      await Promise.all(Array.from({ length: 5 }, () => verify(h, c, wrongCode(h, secret))));
    }
    assertProblem(await login(h, email), 429, 'too_many_attempts');
  });
});
