// The one assertion of an RFC 9457 problem answer, for answers from app.inject (in process) and
// from fetch (a server process).
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';

/** An answer read from a server process (see test/cluster/client.ts). */
export interface FetchedAnswer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test code reads members freely
  body: any;
  text: string;
}

function read(r: LightMyRequestResponse | FetchedAnswer): {
  status: number;
  type: string;
  text: string;
  body: Record<string, unknown> | undefined;
} {
  if ('statusCode' in r) {
    let body: Record<string, unknown> | undefined;
    try {
      body = r.json();
    } catch {
      body = undefined;
    }
    return { status: r.statusCode, type: String(r.headers['content-type'] ?? ''), text: r.body, body };
  }
  return { status: r.status, type: r.headers.get('content-type') ?? '', text: r.text, body: r.body };
}

/** Asserts a problem answer: the status, problem+json, the stable code and the members. */
export function assertProblem(
  r: LightMyRequestResponse | FetchedAnswer,
  status: number,
  code: string,
  context = '',
): void {
  const a = read(r);
  const say = context ? `${context} ${a.text}` : a.text;
  assert.equal(a.status, status, say);
  assert.match(a.type, /^application\/problem\+json/, say);
  assert.equal(a.body?.code, code, say);
  assert.equal(a.body?.status, status, 'the problem member `status` is the HTTP status');
  for (const k of ['type', 'title', 'detail'])
    assert.equal(typeof a.body?.[k], 'string', `problem member ${k}: ${say}`);
}
