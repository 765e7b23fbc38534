// Shared steps for the second-factor tests: an account, its TOTP set-up, a phone that computes
// codes from the clock the test moves, sign-ins, and a dump of every table for secret searches.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import { base32Decode } from '../../src/core/base32.js';
import { totpAt } from '../../src/core/totp.js';
import { startHarness as startRawHarness, type Harness, type HarnessOptions } from '../helpers/harness.js';
import { verifyEmail } from '../helpers/verify-email.js';

/**
 * startHarness, retried when its migration trips over another test file's schema being dropped.
 * On PostgreSQL, Kysely's Migrator checks for its bookkeeping table by introspecting EVERY schema
 * (has_schema_privilege / pg_get_serial_sequence per column); a parallel test file that runs
 * DROP SCHEMA … CASCADE at that instant makes it fail with 3F000 `schema "t_…" does not exist`.
 * That race is in src/storage/migrate.ts + the shared harness, not in the second factor.
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startRawHarness(options);
    } catch (e) {
      if (attempt >= 4 || !/schema "[^"]+" does not exist/.test((e as Error).message)) throw e;
    }
  }
}

export const PASSWORD = 'correct horse battery staple';
export const STEP_MS = 30_000;

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The code an authenticator app shows now (stepOffset steps away, for drift). */
export function phoneCode(h: Harness, secret: string, stepOffset = 0): string {
  return totpAt(base32Decode(secret), h.clock.now() + stepOffset * STEP_MS);
}

/** A 6-digit code that is surely wrong now: none of the steps -2…+2 produce it. */
export function wrongCode(h: Harness, secret: string): string {
  const near = new Set([-2, -1, 0, 1, 2].map((o) => phoneCode(h, secret, o)));
  for (let n = Number(phoneCode(h, secret)) + 1; ; n++) {
    const c = String(n % 1_000_000).padStart(6, '0');
    if (!near.has(c)) return c;
  }
}

export async function signup(h: Harness, email: string): Promise<{ token: string; userId: string }> {
  const r = await h.inject({ method: 'POST', url: '/v1/auth/signup', payload: { email, password: PASSWORD, client: 'app' } });
  assert.equal(r.statusCode, 201, r.body);
  await verifyEmail(h, email);
  return { token: r.json().token, userId: r.json().user.id };
}

export function post(h: Harness, url: string, payload: unknown, token?: string): Promise<LightMyRequestResponse> {
  return h.inject({ method: 'POST', url, payload: payload as object, headers: token ? bearer(token) : {} });
}

export function get(h: Harness, url: string, token: string): Promise<LightMyRequestResponse> {
  return h.inject({ method: 'GET', url, headers: bearer(token) });
}

export interface StartedSetup {
  setup_id: string;
  method: string;
  secret: string;
  otpauth_uri: string;
  qr_svg: string;
  expires_at: string;
}

export async function startSetup(h: Harness, token: string): Promise<StartedSetup> {
  const r = await post(h, '/v1/me/mfa/setup', { method: 'totp', password: PASSWORD }, token);
  assert.equal(r.statusCode, 201, r.body);
  return r.json();
}

/**
 * Turns TOTP on and moves the clock one step, so that the next code the phone shows is fresh
 * (the set-up's code spent the current step).
 */
export async function enableTotp(h: Harness, token: string): Promise<{ secret: string; recoveryCode: string }> {
  const s = await startSetup(h, token);
  const r = await post(h, '/v1/me/mfa/setup/verify', { setup_id: s.setup_id, code: phoneCode(h, s.secret) }, token);
  assert.equal(r.statusCode, 200, r.body);
  h.clock.advance(STEP_MS);
  return { secret: s.secret, recoveryCode: r.json().recovery_code };
}

export function login(h: Harness, email: string, client: 'web' | 'app' = 'app'): Promise<LightMyRequestResponse> {
  return post(h, '/v1/auth/login', { email, password: PASSWORD, client });
}

/** Signs in with the password and answers the challenge string (asserting one was asked for). */
export async function challengeFor(h: Harness, email: string, client: 'web' | 'app' = 'app'): Promise<string> {
  const r = await login(h, email, client);
  assert.equal(r.statusCode, 200, r.body);
  assert.equal(r.json().status, 'mfa_required', r.body);
  return r.json().challenge;
}

export const verify = (h: Harness, challenge: string, code: string) => post(h, '/v1/auth/login/verify', { challenge, code });
export const recover = (h: Harness, challenge: string, recovery_code: string) => post(h, '/v1/auth/login/recover', { challenge, recovery_code });

/** Asserts a problem answer: status, stable code and problem+json. */
export function assertProblem(r: LightMyRequestResponse, status: number, code: string): void {
  assert.equal(r.statusCode, status, r.body);
  assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
  assert.equal(r.json().code, code, r.body);
}

/** Every row of every table of the harness's database (SQLite or its private PostgreSQL schema). */
export async function dumpAllTables(h: Harness): Promise<Record<string, Record<string, unknown>[]>> {
  const db = h.runtime.db.db;
  const names =
    h.runtime.db.dialect === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)).rows.map((r) => r.name)
      : (await sql<{ name: string }>`select tablename as name from pg_catalog.pg_tables where schemaname = current_schema()`.execute(db)).rows.map((r) => r.name);
  assert.ok(names.includes('mfa_factors') && names.includes('mfa_setups'), `tables found: ${names.join(', ')}`);
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const name of names) {
    out[name] = (await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db)).rows;
  }
  return out;
}
