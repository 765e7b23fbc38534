// Commands that cannot be undone from the CLI (issue 14, item 10): `access-keys delete`, and
// `access-keys disable` of the very key the command signs with, ask on a terminal (a real
// pseudo-terminal) and go ahead only on "y"; they take --yes; off a terminal without --yes they
// refuse with a line saying to pass --yes, and change nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PASSWORD, oneLine, startCliServer, type CliServer } from './cli-support.js';

let cli: CliServer;
let other = '';

async function keyIds(): Promise<{ id: string; enabled: boolean }[]> {
  const r = await cli.twofold(['access-keys', 'list', '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as { id: string; enabled: boolean }[];
}

before(async () => {
  cli = await startCliServer('confirm-user@example.com');
  const conf = await cli.twofold(['configure', '--access-key-id', cli.key.id], { input: cli.key.secret });
  assert.equal(conf.code, 0, conf.stderr);
  const created = await cli.twofold(['access-keys', 'create', '--password-stdin'], { input: PASSWORD });
  assert.equal(created.code, 0, created.stderr);
  other = /^TWOFOLD_ACCESS_KEY_ID=(\w+)$/m.exec(created.stdout)?.[1] ?? '';
});
after(() => cli.stop());

test('delete off a terminal without --yes: exit 2, "pass --yes", the key stays', async () => {
  const r = await cli.twofold(['access-keys', 'delete', other]);
  assert.equal(r.code, 2);
  assert.match(
    oneLine(r),
    new RegExp(`deleting access key ${other} refused: standard input is not a terminal.*pass --yes`),
  );
  assert.ok((await keyIds()).some((k) => k.id === other));
});

test('delete on a terminal: "n" keeps the key, "y" deletes it', async () => {
  const no = await cli.onTerminal(
    ['access-keys', 'delete', other],
    [[/Delete access key .* for good\?.*\[y\/N\] /, 'n\r']],
  );
  assert.equal(no.code, 1);
  assert.match(no.stdout, /deleting access key \w+ cancelled/);
  assert.ok((await keyIds()).some((k) => k.id === other));
  const yes = await cli.onTerminal(['access-keys', 'delete', other], [[/\[y\/N\] /, 'y\r']]);
  assert.equal(yes.code, 0, yes.stdout);
  assert.match(yes.stdout, new RegExp(`Access key ${other} deleted.`));
  assert.equal(
    (await keyIds()).some((k) => k.id === other),
    false,
  );
});

test('disabling the key in use asks (and refuses off a terminal); --yes goes ahead', async () => {
  const refused = await cli.twofold(['access-keys', 'disable', cli.key.id]);
  assert.equal(refused.code, 2);
  assert.match(oneLine(refused), /pass --yes/);
  assert.equal((await keyIds())[0]?.enabled, true);
  const asked = await cli.onTerminal(
    ['access-keys', 'disable', cli.key.id],
    [[/is the key this command signs with.*Disable it\? \[y\/N\] /s, '\r']],
  );
  assert.equal(asked.code, 1, 'Enter means no');
  assert.equal((await keyIds())[0]?.enabled, true);
  const done = await cli.twofold(['access-keys', 'disable', cli.key.id, '--yes']);
  assert.equal(done.code, 0, done.stderr);
  assert.equal(done.stdout, `Access key ${cli.key.id} is disabled.\n`);
  assert.match(done.stderr, /cannot sign further requests/);
});
