// The Node.js promise (issue 14): package.json's engines range is what bin/twofold.js checks, and
// it admits the lines the tests run on (20, 22, 24, 26) and names the range for others.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { satisfiesNodeRange, unsupportedNodeLine } from './node-support.js';
import { PACKAGE } from './version.js';

test('the package has its own scoped name, the twofold command, and a Node.js range', async () => {
  assert.equal(PACKAGE.name, '@twofold-auth/server');
  const pkg = (await import('../../package.json', { with: { type: 'json' } })).default as {
    bin: Record<string, string>;
  };
  assert.deepEqual(Object.keys(pkg.bin), ['twofold']);
  assert.match(PACKAGE.version, /^\d+\.\d+\.\d+/);
});

test('the engines range admits 20.19+, 22.13+, 24 and 26, and refuses the rest with a line naming it', () => {
  const range = PACKAGE.engines.node;
  for (const v of ['20.19.0', '20.20.2', '22.13.0', '22.20.1', '24.0.0', '24.21.0', '26.10.0', process.versions.node])
    assert.ok(satisfiesNodeRange(v, range), v);
  for (const v of ['18.20.0', '20.18.3', '21.7.0', '22.12.0', '23.11.0', '25.1.0', '27.0.0', 'garbage'])
    assert.ok(!satisfiesNodeRange(v, range), v);
  assert.equal(unsupportedNodeLine('22.0.0', range)?.includes(range), true);
  assert.equal(unsupportedNodeLine('22.13.0', range), null);
  assert.match(
    unsupportedNodeLine('18.20.0', range)!,
    /^twofold: Node\.js 18\.20\.0 is not supported; use a version in .*README "Requirements"$/,
  );
  assert.ok(satisfiesNodeRange('24.1.0', '^20.19.0 || >=24'));
  assert.ok(satisfiesNodeRange('20.5.1', '20.x'));
  assert.ok(!satisfiesNodeRange('21.0.0', '20.x'));
});
