// Encryption-key rotation and admin keys (docs/operations.md, "Rotating the encryption key"): an
// admin key made under k1 keeps signing /v1/admin calls after `keys rotate` to k2 and k1's removal;
// a revoked one is re-sealed too, so nothing is left under the key being removed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cryptoRandom } from '../../src/adapters/crypto-random.js';
import { rotateKeys } from '../../src/services/key-rotation.js';
import type { Harness } from '../helpers/harness.js';
import { signup } from '../helpers/accounts.js';
import { harnessOn, newKey, sharedDatabase } from '../mfa/shared-database.js';
import { adminKey, signed } from './support.js';

const rotate = (h: Harness) =>
  rotateKeys({ storage: h.runtime.storage, keyring: h.runtime.keyring, random: cryptoRandom, clock: h.clock });

const sealedUnder = async (h: Harness) =>
  (await h.runtime.storage.admin.listKeys()).map((k) => k.secretEnc.split('.')[1]);

test('k1 → k2: rotation re-seals admin keys, which still sign after k1 is removed', async () => {
  const db = await sharedDatabase();
  const K1 = `k1:${newKey()}`;
  const K2 = `k2:${newKey()}`;
  try {
    const a = await harnessOn(db, K1);
    let live: Awaited<ReturnType<typeof adminKey>>;
    let at: number;
    try {
      live = await adminKey(a, 'support desk');
      const gone = await adminKey(a, 'former colleague');
      assert.equal(await a.runtime.services.admin.keys.revoke(gone.id), true);
      await signup(a, 'found@example.com');
      assert.deepEqual(await sealedUnder(a), ['k1', 'k1']);
      at = a.clock.now();
    } finally {
      await a.close();
    }

    const b = await harnessOn(db, `${K2},${K1}`, at);
    try {
      // Before the rotation the key opens under k1, still in the keyring.
      assert.equal((await signed(b, live, 'GET', '/v1/admin/users?email=found%40example.com')).statusCode, 200);
      const report = await rotate(b);
      assert.equal(report.adminKeys, 2);
      assert.deepEqual(await sealedUnder(b), ['k2', 'k2']);
      assert.equal((await rotate(b)).adminKeys, 0, 'a second run finds nothing left to do');
    } finally {
      await b.close();
    }

    const c = await harnessOn(db, K2, at);
    try {
      const r = await signed(c, live, 'GET', '/v1/admin/users?email=found%40example.com');
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.json().users[0].email, 'found@example.com');
    } finally {
      await c.close();
    }
  } finally {
    await db.drop();
  }
});

test('a rotation that lost the race to another leaves the newer ciphertext alone', async () => {
  const db = await sharedDatabase();
  try {
    const h = await harnessOn(db, `k1:${newKey()}`);
    try {
      const key = await adminKey(h);
      const [record] = await h.runtime.storage.admin.listKeys();
      assert.equal(await h.runtime.storage.admin.updateKeyCiphertext(key.id, 'v1.k9.newer', record!.secretEnc), true);
      // A second writer holding the old ciphertext changes nothing.
      assert.equal(await h.runtime.storage.admin.updateKeyCiphertext(key.id, 'v1.k8.stale', record!.secretEnc), false);
      assert.equal((await h.runtime.storage.admin.findKey(key.id))!.secretEnc, 'v1.k9.newer');
    } finally {
      await h.close();
    }
  } finally {
    await db.drop();
  }
});
