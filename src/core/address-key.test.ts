import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addressKey } from './address-key.js';

test('IPv6 clients inside one /64 share one limit key, whatever their interface id', () => {
  const a = addressKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd');
  assert.equal(a, '2001:db8:1:2::/64');
  assert.equal(addressKey('2001:db8:1:2::1'), a);
  assert.equal(addressKey('2001:0DB8:0001:0002:ffff:0:0:1'), a);
  assert.equal(addressKey('[2001:db8:1:2::5]'), a);
  assert.equal(addressKey('2001:db8:1:2::7%eth0'), a);
});

test('IPv6 clients in different /64s count apart', () => {
  assert.notEqual(addressKey('2001:db8:1:2::1'), addressKey('2001:db8:1:3::1'));
  assert.equal(addressKey('::1'), '0:0:0:0::/64');
  assert.equal(addressKey('fe80::1'), 'fe80:0:0:0::/64');
});

test('IPv4 and IPv4-mapped IPv6 count as the same IPv4 address', () => {
  assert.equal(addressKey('192.0.2.7'), '192.0.2.7');
  assert.equal(addressKey('::ffff:192.0.2.7'), '192.0.2.7');
  assert.equal(addressKey('::ffff:c000:207'), '192.0.2.7');
});

test('a missing or malformed address still gets a key (never an exception)', () => {
  assert.equal(addressKey(null), 'unknown');
  assert.equal(addressKey(''), 'unknown');
  assert.equal(addressKey('1:2:3'), '1:2:3');
  assert.equal(addressKey('1::2::3'), '1::2::3');
  assert.equal(addressKey('::ffff:300.1.1.1'), '::ffff:300.1.1.1');
});
