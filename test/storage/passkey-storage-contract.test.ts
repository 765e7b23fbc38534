// The storage side of passkeys and remembered devices (issue 15), held against every engine:
// credential ids unique over all accounts, the counter moved by compare-and-set, WebAuthn
// challenges spent once under a 20-way race and only as bound, device tokens found by hash.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PasskeyRecord, WebAuthnChallengeRecord } from '../../src/core/ports/passkey-stores.js';
import { DAY, MIN, T0, assertFields, eachEngine, race, uid } from './contract-kit.js';

eachEngine('Passkey storage contract', (kit) => {
  const { newUser } = kit;
  const passkey = (userId: string, o: Partial<PasskeyRecord> = {}): PasskeyRecord => ({
    id: uid(),
    userId,
    credentialId: uid(),
    publicKey: 'pQECAyYgASFYIA',
    counter: 0,
    transports: ['internal', 'hybrid'],
    backupEligible: true,
    backedUp: false,
    aaguid: '00000000-0000-0000-0000-000000000000',
    name: 'Laptop',
    createdAt: T0,
    lastUsedAt: null,
    ...o,
  });
  const challenge = (o: Partial<WebAuthnChallengeRecord> = {}): WebAuthnChallengeRecord => ({
    challengeHash: uid(),
    purpose: 'signin',
    userId: null,
    sessionId: null,
    signInChallengeHash: null,
    createdAt: T0,
    expiresAt: T0 + 5 * MIN,
    ...o,
  });

  describe('PasskeyStore', () => {
    test('a passkey round-trips with its transports and flags, and a credential id is one account’s only', async () => {
      const [a, b] = [await newUser(), await newUser()];
      const p = passkey(a.id, { counter: 2 ** 33 });
      assert.equal(await kit.s.passkeys.addPasskey(p), 'added');
      assert.deepEqual(await kit.s.passkeys.findByCredentialId(p.credentialId), p);
      assert.equal(await kit.s.passkeys.addPasskey(passkey(b.id, { credentialId: p.credentialId })), 'exists');
      assert.equal(await kit.s.passkeys.countPasskeys(a.id), 1);
      assert.equal(await kit.s.passkeys.countPasskeys(b.id), 0);
    });

    test('rename and delete touch only the owner’s passkey', async () => {
      const [a, b] = [await newUser(), await newUser()];
      const p = passkey(a.id);
      await kit.s.passkeys.addPasskey(p);
      assert.equal(await kit.s.passkeys.renamePasskey(b.id, p.id, 'stolen'), null);
      assertFields(await kit.s.passkeys.renamePasskey(a.id, p.id, 'Phone'), { name: 'Phone' });
      assert.equal(await kit.s.passkeys.deletePasskey(b.id, p.id), false);
      assert.equal(await kit.s.passkeys.deletePasskey(a.id, p.id), true);
      assert.deepEqual(await kit.s.passkeys.listPasskeys(a.id), []);
    });

    test('of 20 parallel uses with one counter value only one is recorded (compare-and-set)', async () => {
      const u = await newUser();
      const p = passkey(u.id, { counter: 5 });
      await kit.s.passkeys.addPasskey(p);
      const won = await race(20, () => kit.s.passkeys.recordUse(p.id, 5, 6, true, T0 + 1));
      assert.equal(won.filter(Boolean).length, 1);
      assertFields(await kit.s.passkeys.findByCredentialId(p.credentialId), {
        counter: 6,
        backedUp: true,
        lastUsedAt: T0 + 1,
      });
    });

    test('deleting an account deletes its passkeys, challenges and devices', async () => {
      const u = await newUser();
      await kit.s.passkeys.addPasskey(passkey(u.id));
      await kit.s.webauthnChallenges.createWebAuthnChallenge(challenge({ userId: u.id, purpose: 'register' }));
      await kit.s.devices.rememberDevice({
        id: uid(),
        userId: u.id,
        tokenHash: uid(),
        createdAt: T0,
        expiresAt: T0 + DAY,
        lastUsedAt: null,
        ip: null,
        userAgent: null,
      });
      assert.equal(await kit.s.transaction((tx) => tx.users.deleteWithEverything(u.id)), true);
      assert.equal(await kit.s.passkeys.countPasskeys(u.id), 0);
      assert.deepEqual(await kit.s.devices.listDevices(u.id, T0), []);
    });
  });

  describe('WebAuthnChallengeStore', () => {
    test('a challenge is spent exactly once under a 20-way race', async () => {
      const c = challenge();
      await kit.s.webauthnChallenges.createWebAuthnChallenge(c);
      const won = await race(20, () =>
        kit.s.webauthnChallenges.spendWebAuthnChallenge(c.challengeHash, { purpose: 'signin' }, T0 + 1),
      );
      assert.equal(won.filter(Boolean).length, 1);
    });

    test('a challenge is spent only as bound: purpose, account, session, sign-in challenge, and in time', async () => {
      const u = await newUser();
      const other = await newUser();
      const reg = challenge({ purpose: 'register', userId: u.id, sessionId: 's1' });
      await kit.s.webauthnChallenges.createWebAuthnChallenge(reg);
      const spend = (b: Parameters<typeof kit.s.webauthnChallenges.spendWebAuthnChallenge>[1], at = T0 + 1) =>
        kit.s.webauthnChallenges.spendWebAuthnChallenge(reg.challengeHash, b, at);
      assert.equal(await spend({ purpose: 'signin' }), false);
      assert.equal(await spend({ purpose: 'register', userId: other.id, sessionId: 's1' }), false);
      assert.equal(await spend({ purpose: 'register', userId: u.id, sessionId: 's2' }), false);
      assert.equal(await spend({ purpose: 'register', userId: u.id, sessionId: 's1' }, T0 + 5 * MIN), false);
      assert.equal(await spend({ purpose: 'register', userId: u.id, sessionId: 's1' }), true);
      const second = challenge({ purpose: 'second_factor', userId: u.id, signInChallengeHash: 'c1' });
      await kit.s.webauthnChallenges.createWebAuthnChallenge(second);
      const bound = { purpose: 'second_factor' as const, userId: u.id };
      assert.equal(
        await kit.s.webauthnChallenges.spendWebAuthnChallenge(
          second.challengeHash,
          { ...bound, signInChallengeHash: 'c2' },
          T0,
        ),
        false,
      );
      assert.equal(
        await kit.s.webauthnChallenges.spendWebAuthnChallenge(
          second.challengeHash,
          { ...bound, signInChallengeHash: 'c1' },
          T0,
        ),
        true,
      );
      assert.ok((await kit.s.webauthnChallenges.deleteExpiredWebAuthnChallenges(T0 + 5 * MIN)) >= 2);
    });
  });

  describe('RememberedDeviceStore', () => {
    test('a device is found by its token hash for its own account only, until it expires', async () => {
      const [a, b] = [await newUser(), await newUser()];
      const d = {
        id: uid(),
        userId: a.id,
        tokenHash: uid(),
        createdAt: T0,
        expiresAt: T0 + 30 * DAY,
        lastUsedAt: null,
        ip: '192.0.2.7',
        userAgent: 'agent',
      };
      await kit.s.devices.rememberDevice(d);
      assert.equal(await kit.s.devices.useDevice(b.id, d.tokenHash, T0 + 1), null);
      assertFields(await kit.s.devices.useDevice(a.id, d.tokenHash, T0 + 1), { id: d.id, lastUsedAt: T0 + 1 });
      assert.equal(await kit.s.devices.useDevice(a.id, d.tokenHash, T0 + 30 * DAY), null);
      assert.equal((await kit.s.devices.listDevices(a.id, T0 + 2)).length, 1);
      assert.equal(await kit.s.devices.forgetDevice(b.id, d.id), false);
      assert.equal(await kit.s.devices.forgetDevicesForUser(a.id), 1);
      assert.deepEqual(await kit.s.devices.listDevices(a.id, T0 + 2), []);
    });
  });
});
