// Three real instances behind a round-robin client, sharing one PostgreSQL schema and one Redis
// database: every limit, lock, replay guard and one-time code must hold exactly as on one instance,
// because nothing an instance keeps in memory is needed by another. Runs when both
// TWOFOLD_TEST_DATABASE_URL and TWOFOLD_TEST_REDIS_URL are set (`.ci/run`'s second pass).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PUBLIC_URL, randomSecret, startCluster, type Cluster } from './cluster.js';
import {
  PASSWORD,
  SmsReceiver,
  assertProblem,
  call,
  challengeAt,
  enableTotp,
  login,
  signUp,
  signed,
  totpNow,
  uniqueEmail,
  verifyAt,
  wrongTotp,
} from './client.js';
import { needsPostgresAndRedis } from '../helpers/services.js';

describe('three instances sharing PostgreSQL and Redis', { skip: needsPostgresAndRedis }, () => {
  let c: Cluster;
  let sms: SmsReceiver;
  const urls = () => c.instances.map((i) => i.url);

  before(async () => {
    sms = await SmsReceiver.start();
    c = await startCluster({
      size: 3,
      redisDb: 13,
      env: {
        TWOFOLD_SMS_PROVIDER: 'webhook',
        TWOFOLD_SMS_WEBHOOK_URL: sms.url,
        TWOFOLD_SMS_WEBHOOK_SECRET: randomSecret(),
      },
    });
  });
  after(async () => {
    await c?.close();
    await sms?.close();
  });

  /** An account with TOTP on, made through two different instances. */
  async function totpAccount(tag: string) {
    const email = uniqueEmail(tag);
    const { token } = await signUp(c.next(), email);
    const factor = await enableTotp(c.next(), c.next(), token);
    return { email, token, ...factor };
  }

  test('60 wrong codes sent at once over 6 challenges and every instance: exactly 10 are checked, then the account is locked everywhere', async () => {
    const a = await totpAccount('par60');
    const challenges = await Promise.all(Array.from({ length: 6 }, () => challengeAt(c.next(), a.email)));
    const wrong = wrongTotp(a.secret);
    const answers = await Promise.all(
      challenges.flatMap((ch) => Array.from({ length: 10 }, (_, i) => verifyAt(urls()[i % urls().length]!, ch, wrong))),
    );
    const statuses = answers.map((r) => r.status).join(',');
    const unauthorized = answers.filter((r) => r.status === 401).length;
    // Checked codes answer 401, or 429 without Retry-After when one was its challenge's 5th.
    const killers = answers.filter((r) => r.status === 429 && r.headers.get('retry-after') === null).length;
    assert.ok(unauthorized <= 10, statuses);
    assert.equal(unauthorized + killers, 10, statuses);
    for (const u of urls()) assertProblem(await login(u, a.email), 429, 'too_many_attempts');
  });

  test('40 wrong passwords sent at once from one address over every instance: exactly 10 answer 401', async () => {
    const email = uniqueEmail('pw40');
    await signUp(c.next(), email);
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        call(urls()[i % urls().length]!, 'POST', '/v1/auth/login', {
          json: { email, password: 'a wrong password here', client: 'app' },
        }),
      ),
    );
    const statuses = answers.map((r) => r.status).join(',');
    assert.equal(answers.filter((r) => r.status === 401).length, 10, statuses);
    for (const r of answers.filter((x) => x.status !== 401)) assertProblem(r, 429, 'too_many_requests');
  });

  test('a challenge dies at its 5th wrong code although each code goes to another instance', async () => {
    const a = await totpAccount('cap5');
    const challenge = await challengeAt(c.next(), a.email);
    for (let n = 1; n <= 4; n++)
      assertProblem(await verifyAt(c.next(), challenge, wrongTotp(a.secret)), 401, 'invalid_code');
    assertProblem(await verifyAt(c.next(), challenge, wrongTotp(a.secret)), 429, 'too_many_attempts');
    // Dead everywhere: even the right code is refused by the instance that did not kill it.
    for (const u of urls()) assertProblem(await verifyAt(u, challenge, totpNow(a.secret)), 410, 'challenge_expired');
  });

  test('10 wrong codes in a row over challenges and instances lock the second factor on every instance, with Retry-After', async () => {
    const a = await totpAccount('lock10');
    let sent = 0;
    for (const perChallenge of [4, 4, 2]) {
      const challenge = await challengeAt(c.next(), a.email);
      for (let n = 0; n < perChallenge; n++) {
        sent++;
        assertProblem(await verifyAt(c.next(), challenge, wrongTotp(a.secret)), 401, 'invalid_code'); // the 10th still 401
      }
      if (sent === 10) {
        for (const u of urls()) {
          const r = await verifyAt(u, challenge, totpNow(a.secret));
          assertProblem(r, 429, 'too_many_attempts');
          const retry = Number(r.headers.get('retry-after'));
          assert.ok(retry > 14 * 60 && retry <= 15 * 60, `Retry-After ${retry} on ${u}`);
        }
      }
    }
    for (const u of urls()) {
      const r = await login(u, a.email);
      assertProblem(r, 429, 'too_many_attempts');
      assert.ok(Number(r.headers.get('retry-after')) > 0, `Retry-After on the password step at ${u}`);
    }
  });

  test('a TOTP code accepted by one instance is refused by the others, and so is an earlier step', async () => {
    const a = await totpAccount('totp-replay');
    const code = totpNow(a.secret, 1);
    const [first, second, third] = urls() as [string, string, string];
    const ok = await verifyAt(first, await challengeAt(first, a.email), code);
    assert.equal(ok.status, 200, ok.text);
    assertProblem(await verifyAt(second, await challengeAt(second, a.email), code), 401, 'invalid_code');
    assertProblem(await verifyAt(third, await challengeAt(third, a.email), totpNow(a.secret)), 401, 'invalid_code');
  });

  test('20 parallel sign-ins with one TOTP code spread over the three instances: exactly one succeeds', async () => {
    const a = await totpAccount('race20');
    // Two rounds of 10 sign-ins: passwords are counted before they are checked, and more than 10 at
    // once from one address (every instance sees 127.0.0.1) would be refused past the 10th.
    const challenges = [];
    for (let round = 0; round < 2; round++)
      challenges.push(...(await Promise.all(Array.from({ length: 10 }, () => challengeAt(c.next(), a.email)))));
    const code = totpNow(a.secret, 1);
    const answers = await Promise.all(challenges.map((ch, n) => verifyAt(urls()[n % 3]!, ch, code)));
    const statuses = answers.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 200).length, 1, `statuses: ${statuses.join(',')}`);
    // The losers are refused codes (401), or 429 once their refusals reached the 10-in-a-row lock.
    for (const r of answers.filter((x) => x.status !== 200)) assert.ok(r.status === 401 || r.status === 429, r.text);
    const sessions = await c.query<{ n: number }>(
      'select count(*)::int as n from sessions s join users u on u.id = s.user_id where u.email = $1',
      [a.email],
    );
    assert.equal(sessions[0]!.n, 2, 'the sign-up session and the one sign-in');
  });

  test('a signed write accepted by one instance is refused as a replay by the others', async () => {
    const email = uniqueEmail('sig-replay');
    const { token } = await signUp(c.next(), email);
    const made = await call(c.next(), 'POST', '/v1/me/access-keys', { token, json: { password: PASSWORD } });
    assert.equal(made.status, 201, made.text);
    const req = signed(
      PUBLIC_URL,
      'POST',
      '/v1/me/access-keys',
      { id: made.body.id, secret: made.body.secret },
      { password: PASSWORD },
    );
    const [first, ...others] = urls();
    const ok = await call(first!, 'POST', '/v1/me/access-keys', req);
    assert.equal(ok.status, 201, ok.text);
    for (const u of others) assertProblem(await call(u, 'POST', '/v1/me/access-keys', req), 401, 'replayed_signature');
    const list = await call(c.next(), 'GET', '/v1/me/access-keys', { token });
    assert.equal(list.body.length, 2, 'one key by token, one by the signed request; the replays made none');
  });

  test('a recovery code sent to three instances at once works once', async () => {
    const a = await totpAccount('recovery-once');
    const challenges = await Promise.all(urls().map((u) => challengeAt(u, a.email)));
    const answers = await Promise.all(
      urls().map((u, n) =>
        call(u, 'POST', '/v1/auth/login/recover', {
          json: { challenge: challenges[n], recovery_code: a.recoveryCode },
        }),
      ),
    );
    const won = answers.filter((r) => r.status === 200);
    assert.equal(won.length, 1, answers.map((r) => r.text).join('\n'));
    assert.equal(won[0]!.body.mfa_disabled, true);
    for (const r of answers.filter((x) => x.status !== 200)) assert.ok([401, 410].includes(r.status), r.text);
    // The factor is off for every instance, and the code stays spent.
    for (const u of urls())
      assert.equal((await call(u, 'GET', '/v1/me/mfa', { token: won[0]!.body.token })).body.enabled, false);
    const used = await c.query<{ used: boolean }>(
      'select used_at is not null as used from recovery_codes r join users u on u.id = r.user_id where u.email = $1',
      [a.email],
    );
    assert.deepEqual(used, [{ used: true }]);
  });

  /** An account with SMS on: set-up on one instance, its code confirmed on another. */
  async function smsAccount(tag: string, e164: string) {
    const email = uniqueEmail(tag);
    const { token } = await signUp(c.next(), email);
    const s = await call(c.next(), 'POST', '/v1/me/mfa/setup', {
      token,
      json: { method: 'sms', phone: e164, password: PASSWORD },
    });
    assert.equal(s.status, 201, s.text);
    const v = await call(c.next(), 'POST', '/v1/me/mfa/setup/verify', {
      token,
      json: { setup_id: s.body.setup_id, code: sms.lastCode(e164) },
    });
    assert.equal(v.status, 200, v.text);
    return { email, token };
  }

  test('the SMS caps (10 an hour per account and per phone) count the texts of every instance together', async () => {
    const phone = '+14155550140';
    const a = await smsAccount('sms-cap', phone); // text 1: the set-up's
    for (let n = 2; n <= 10; n++) {
      const r = await login(c.next(), a.email);
      assert.equal(r.status, 200, `text ${n}: ${r.text}`);
    }
    const refused = await login(c.next(), a.email);
    assertProblem(refused, 429, 'sms_rate_limited');
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    assert.equal(typeof refused.body.challenge, 'string', 'the challenge stands, for the recovery code');
    assert.equal(sms.to(phone).length, 10, 'nothing was sent past the cap');
    assert.ok(
      sms.to(phone).every((t) => t.signed),
      'every webhook call was signed',
    );
  });

  test('an SMS code is single-use: 20 parallel uses of it over the three instances, exactly one succeeds', async () => {
    const phone = '+14155550141';
    const a = await smsAccount('sms-once', phone);
    const challenge = await challengeAt(c.next(), a.email);
    const code = sms.lastCode(phone);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, n) => verifyAt(urls()[n % 3]!, challenge, code)));
    const statuses = answers.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 200).length, 1, `statuses: ${statuses.join(',')}`);
    for (const r of answers.filter((x) => x.status !== 200)) assertProblem(r, 410, 'challenge_expired');
    // The same code on a new challenge is no good either: codes are bound to their challenge.
    const again = await challengeAt(c.next(), a.email);
    if (sms.lastCode(phone) !== code) assertProblem(await verifyAt(c.next(), again, code), 401, 'invalid_code');
  });
});
