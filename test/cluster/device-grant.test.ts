// The device grant (RFC 8628) across two real instances sharing PostgreSQL and Redis: a grant
// started on one is approved and polled on the other, and parallel polls over both instances get
// one token. Nothing of the grant lives in an instance's memory.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, type Cluster } from './cluster.js';
import { call, signUp, uniqueEmail } from './client.js';
import { needsPostgresAndRedis } from '../helpers/services.js';

const GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';
const form = (base: string, path: string, fields: Record<string, string>) =>
  call(base, 'POST', path, {
    body: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'device-under-test' },
  });

describe('device grant over two instances', { skip: needsPostgresAndRedis }, () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster({ size: 2, redisDb: 11 });
  });
  after(async () => {
    await c?.close();
  });

  test('started on A, approved on B, then polled on both at once: exactly one token, valid on A', async () => {
    const [a, b] = c.instances.map((i) => i.url) as [string, string];
    const email = uniqueEmail('device');
    const { token } = await signUp(a, email);
    const started = await form(a, '/oauth/device_authorization', { client_id: 'twofold-cli' });
    assert.equal(started.status, 200, started.text);
    const { device_code, user_code } = started.body as { device_code: string; user_code: string };
    const poll = (base: string) =>
      form(base, '/oauth/token', { grant_type: GRANT_TYPE, device_code, client_id: 'twofold-cli' });

    const pending = await poll(b);
    assert.equal(pending.status, 400);
    assert.equal((pending.body as { error: string }).error, 'authorization_pending');
    const seen = await call(b, 'GET', `/v1/me/device/${user_code}`, { token });
    assert.equal(seen.status, 200, seen.text);
    assert.equal((seen.body as { user_agent: string }).user_agent, 'device-under-test');
    const approved = await call(b, 'POST', `/v1/me/device/${user_code}`, { token, json: { approve: true } });
    assert.equal(approved.status, 200, approved.text);

    // Real processes keep real time: the RFC's 5 s interval since the pending poll is waited out.
    await new Promise((r) => setTimeout(r, 5_100));
    const later = await Promise.all([a, b, a, b, a, b].map(poll));
    // The losers polled too soon (slow_down) or after the one token was issued: the device code is
    // then spent, and RFC 8628 §3.5 / RFC 6749 §5.2 call that invalid_grant.
    for (const r of later.filter((x) => x.status !== 200))
      assert.ok(['slow_down', 'invalid_grant'].includes((r.body as { error: string }).error), r.text);
    const tokens = later.filter((r) => r.status === 200);
    assert.equal(tokens.length, 1, later.map((r) => r.text).join('\n'));
    const me = await call(a, 'GET', '/v1/me', { token: (tokens[0]!.body as { access_token: string }).access_token });
    assert.equal(me.status, 200, me.text);
    assert.equal((me.body as { email: string }).email, email);
  });
});
