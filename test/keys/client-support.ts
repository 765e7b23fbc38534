// TwofoldClient (src/client/twofold-client.ts) in the tests: a client signing with an access key
// whose fetch goes through the file's harness (file-harness.ts), optionally recording what it
// sends, and the assertion that a call fails with a given TwofoldApiError.
import assert from 'node:assert/strict';
import { TwofoldApiError, TwofoldClient } from '../../src/client/twofold-client.js';
import { TEST_PUBLIC_URL } from '../helpers/harness.js';
import { h } from './file-harness.js';
import { injectFetch } from './support.js';

export type Sent = { method: string; url: string; headers: Record<string, string>; body: Buffer | null };
export function clientFor(
  key: { id: string; secret: string },
  scheme: 'rfc9421' | 'cavage',
  seen?: Sent[],
): TwofoldClient {
  return new TwofoldClient({
    endpoint: `${TEST_PUBLIC_URL}/`,
    credentials: { keyId: key.id, secret: key.secret },
    scheme,
    fetch: injectFetch(h, seen),
    now: () => h.clock.now(),
  });
}
export async function rejectsWith(p: Promise<unknown>, status: number, code: string): Promise<TwofoldApiError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof TwofoldApiError, String(e));
    assert.deepEqual([e.status, e.code], [status, code], e.message);
    return e;
  }
  assert.fail(`expected ${status} ${code}`);
}
