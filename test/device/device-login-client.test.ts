// src/client's device login (startDeviceLogin / pollDeviceLogin) against the server in process:
// an injected sleep moves the test clock instead of waiting, so the client's pacing is observable
// (slow_down adds 5 s), approval ends the polling with a token, and an AbortSignal stops it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pollDeviceLogin, startDeviceLogin, type PollOptions } from '../../src/client/twofold-client.js';
import { TwofoldApiError } from '../../src/client/twofold-api-error.js';
import { readProfile, setProfile } from '../../src/cli/credentials-ini.js';
import { withHarness, type Harness } from '../helpers/harness.js';
import { bearer, webUser } from '../http/http-helpers.js';
import { decide } from './support.js';

/** fetch over app.inject, so the client's real HTTP code runs against the harness. */
function injectFetch(h: Harness): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input);
    const res = await h.inject({
      method: init?.method ?? 'GET',
      url: url.pathname + url.search,
      headers: init?.headers as Record<string, string>,
      payload: init?.body as string,
    });
    return new Response(res.body, { status: res.statusCode, headers: res.headers as Record<string, string> });
  };
}

test('pollDeviceLogin waits the interval, adds 5 s after slow_down, and answers the token once approved', () =>
  withHarness(async (h) => {
    const u = await webUser(h, 'client-device@example.com');
    const o = { endpoint: 'http://127.0.0.1:8080', fetch: injectFetch(h) };
    const grant = await startDeviceLogin(o);
    const waits: number[] = [];
    const opts: PollOptions = {
      ...o,
      sleep: async (ms) => {
        waits.push(ms);
        // The first wait is cut short (a clock that jumped), which earns a slow_down; approve on the third.
        h.clock.advance(waits.length === 1 ? 1_000 : ms);
        if (waits.length === 1) await pollOnce();
        if (waits.length === 3) assert.equal((await decide(h, u.auth, grant.user_code, true)).statusCode, 200);
      },
    };
    const pollOnce = () =>
      h.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `grant_type=urn:ietf:params:oauth:grant-type:device_code&client_id=twofold-cli&device_code=${grant.device_code}`,
      });
    const token = await pollDeviceLogin(opts, grant);
    assert.deepEqual(waits.slice(0, 2), [5_000, 10_000]);
    const me = await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(token.access_token) });
    assert.equal(me.json().email, 'client-device@example.com');
  }));

test('an AbortSignal stops the polling; a denial is access_denied', () =>
  withHarness(async (h) => {
    const u = await webUser(h, 'client-abort@example.com');
    const o = { endpoint: 'http://127.0.0.1:8080', fetch: injectFetch(h) };
    const ac = new AbortController();
    const grant = await startDeviceLogin(o);
    const stopped = pollDeviceLogin(
      { ...o, signal: ac.signal, sleep: async () => (h.clock.advance(5_000), ac.abort(new Error('closed'))) },
      grant,
    );
    await assert.rejects(stopped, /closed/);
    const g2 = await startDeviceLogin(o);
    assert.equal((await decide(h, u.auth, g2.user_code, false)).statusCode, 200);
    await assert.rejects(
      pollDeviceLogin({ ...o, sleep: async (ms) => h.clock.advance(ms) }, g2),
      (e: unknown) => e instanceof TwofoldApiError && e.code === 'access_denied',
    );
  }));

test('the profile token is written into its profile and removed again, every other line kept', () => {
  const file = '# mine\n[DEFAULT]\nTWOFOLD_ACCESS_KEY_ID=AAAAAAAAAAAAAAAAAAAA\n\n[work]\nX=1\n';
  const token = (text: string, profile: string) => readProfile(text, profile)?.token;
  const withToken = setProfile(file, 'work', { token: 'tok-work' });
  assert.equal(token(withToken, 'work'), 'tok-work');
  assert.equal(token(withToken, 'DEFAULT'), undefined);
  assert.equal(readProfile(withToken, 'DEFAULT')?.keyId, 'AAAAAAAAAAAAAAAAAAAA');
  const both = setProfile(withToken, 'default', { token: 'tok-default' });
  assert.equal(token(both, 'DEFAULT'), 'tok-default');
  assert.equal(setProfile(setProfile(both, 'work', { token: null }), 'DEFAULT', { token: null }), file);
  assert.equal(token(setProfile('', 'DEFAULT', { token: 't' }), 'DEFAULT'), 't');
  assert.equal(token(setProfile('', 'other', { token: 't' }), 'other'), 't');
});
