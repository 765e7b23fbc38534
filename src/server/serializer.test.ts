// Answers are written by fast-json-stringify from the routes' zod schemas. What must hold: a field
// the schema does not declare never reaches the caller (a record with a secret on it cannot leak
// through a handler that returns too much), a missing required field is an error rather than a
// silently incomplete answer, and every schema of the real app compiles (none falls back).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { startHarness } from '../../test/helpers/harness.js';
import { serializerCompiler, zodSerializedRoutes } from './serializer.js';

async function appWith(handler: () => unknown) {
  const app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const schema = z.object({
    id: z.string(),
    phone_hint: z.string().optional(),
    note: z.string().nullable(),
    tags: z.array(z.string()),
  });
  app
    .withTypeProvider<ZodTypeProvider>()
    .get('/x', { schema: { response: { 200: schema } } }, async () => handler() as never);
  return app;
}

test('an undeclared field on the returned object is not written to the answer', async () => {
  const app = await appWith(() => ({
    id: 'u1',
    note: null,
    tags: ['a'],
    password_hash: '$argon2id$secret',
    secretEnc: 'v1.k1.x',
  }));
  const r = await app.inject({ url: '/x' });
  assert.equal(r.statusCode, 200);
  assert.deepEqual(r.json(), { id: 'u1', note: null, tags: ['a'] });
  assert.doesNotMatch(r.body, /argon2|secret|v1\.k1/);
  await app.close();
});

test('optional fields appear when present, nullable ones keep their null', async () => {
  const app = await appWith(() => ({ id: 'u1', phone_hint: '•••• 4567', note: null, tags: [] }));
  assert.deepEqual((await app.inject({ url: '/x' })).json(), {
    id: 'u1',
    phone_hint: '•••• 4567',
    note: null,
    tags: [],
  });
  await app.close();
});

test('a missing required field fails the answer instead of sending it incomplete', async () => {
  const app = await appWith(() => ({ note: null, tags: [] }));
  const r = await app.inject({ url: '/x' });
  assert.equal(r.statusCode, 500);
  assert.doesNotMatch(r.body, /"tags"/);
  await app.close();
});

test('every response schema of the Twofold app compiles to fast-json-stringify', async () => {
  const h = await startHarness();
  try {
    await h.app.ready();
    assert.deepEqual(zodSerializedRoutes, []);
  } finally {
    await h.close();
  }
});

test('a schema JSON Schema cannot express keeps the zod serializer, and is named', async () => {
  const app = Fastify();
  app.setSerializerCompiler(serializerCompiler);
  const schema = z.object({ at: z.custom<string>((v) => typeof v === 'string') });
  app.get('/t', { schema: { response: { 200: schema } } }, async () => ({ at: '1970-01-01T00:00:00.000Z' }));
  await app.ready();
  const r = await app.inject({ url: '/t' });
  assert.deepEqual(r.json(), { at: '1970-01-01T00:00:00.000Z' });
  assert.ok(zodSerializedRoutes.includes('GET /t 200'), zodSerializedRoutes.join());
  zodSerializedRoutes.length = 0;
  await app.close();
});
