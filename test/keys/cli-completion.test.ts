// `twofold completion bash|zsh|fish` (issue 14, item 10): the scripts come from the commander
// program, so every command and option of the program appears in each; and each script, sourced
// into the real shell, completes a command's subcommands and options, also after a global option
// and its value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Command } from 'commander';
import { TWOFOLD, cleanEnv } from '../cluster/processes.js';
import { buildProgram } from '../../src/cli/program.js';
import { completionTree } from '../../src/cli/completion.js';

const run = promisify(execFile);

async function script(shell: string): Promise<string> {
  const { stdout } = await run(process.execPath, [...TWOFOLD, 'completion', shell], { env: cleanEnv({}) });
  return stdout;
}

/** Every command path of the program (`access-keys delete`) and every option flag, from commander itself. */
function everything(): { paths: string[]; flags: string[] } {
  const paths: string[] = [];
  const flags = new Set<string>();
  const walk = (cmd: Command, path: string[]) => {
    for (const o of cmd.options) for (const f of [o.short, o.long]) if (f && !o.hidden) flags.add(f);
    for (const sub of cmd.commands) {
      paths.push([...path, sub.name()].join(' '));
      walk(sub, [...path, sub.name()]);
    }
  };
  walk(buildProgram(), []);
  return { paths, flags: [...flags] };
}

test('every command and every option of the program is in the bash, zsh and fish scripts', async () => {
  const { paths, flags } = everything();
  assert.ok(paths.includes('access-keys delete') && paths.includes('completion') && paths.length > 20, paths.join());
  const scripts = Object.fromEntries(
    await Promise.all(['bash', 'zsh', 'fish'].map(async (s) => [s, await script(s)] as const)),
  );
  for (const [shell, text] of Object.entries(scripts)) {
    for (const path of paths) {
      const name = path.split(' ').at(-1) ?? '';
      assert.ok(text.includes(shell === 'fish' ? `-a '${name}'` : name), `${shell}: command ${path}`);
      if (shell !== 'fish') assert.ok(text.includes(`'${shell === 'bash' ? ' ' : ''}${path}'`), `${shell}: ${path}`);
    }
    for (const flag of flags) {
      const fishFlag = flag.startsWith('--') ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`;
      assert.ok(text.includes(shell === 'fish' ? fishFlag : flag), `${shell}: option ${flag}`);
    }
  }
  assert.doesNotMatch(scripts.bash ?? '', /secret-access-key/, 'a hidden (refused) option is not offered');
});

test('bash completes each command with its subcommands and options, also after --profile NAME', async () => {
  const bash = await script('bash');
  const nodes = completionTree(buildProgram());
  // One bash run: for each command path, complete an empty word after it, with and without a global option first.
  const cases = nodes.flatMap((n) => {
    const path = n.path === '' ? [] : n.path.split(' ');
    return [path, ['--profile', 'work', ...path]].map((words) => ({ words, want: n }));
  });
  const probe = cases
    .map(({ words }) => {
      const w = ['twofold', ...words, ''].map((x) => `'${x}'`).join(' ');
      return `COMP_WORDS=(${w}); COMP_CWORD=${words.length + 1}; _twofold_complete; echo "\${COMPREPLY[*]}"`;
    })
    .join('\n');
  const { stdout } = await run('bash', ['-c', `${bash}\n${probe}`]);
  const lines = stdout.split('\n');
  cases.forEach(({ words, want }, i) => {
    const expected = [...want.commands.map((c) => c.name), ...want.options.flatMap((o) => o.flags)];
    assert.deepEqual(lines[i]?.split(' ').sort(), expected.sort(), `twofold ${words.join(' ')} <TAB>`);
  });
  const { stdout: partial } = await run('bash', [
    '-c',
    `${bash}\nCOMP_WORDS=(twofold access-keys de); COMP_CWORD=2; _twofold_complete; echo "\${COMPREPLY[*]}"`,
  ]);
  assert.equal(partial, 'delete\n');
});

const has = (shell: string) => spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;

test(
  'zsh completes a command path after a global option (the script sourced into a real zsh)',
  { skip: has('zsh') ? false : 'zsh is not installed (.ci/run installs it)' },
  async () => {
    // compdef and _describe come from zsh's completion system; here they are stand-ins that
    // print what the script offers, so the script's own logic runs in a real zsh.
    const stubs = 'compdef() {}; _describe() { print -l -- "${(@P)4}" }';
    const probe = 'words=(twofold --profile w access-keys delete ""); CURRENT=6; _twofold';
    const { stdout } = await run('zsh', ['-c', `${stubs}\n${await script('zsh')}\n${probe}`]);
    const offered = stdout.split('\n').map((l) => l.split(':')[0]);
    assert.deepEqual(offered.filter(Boolean).sort(), [
      '--endpoint',
      '--help',
      '--json',
      '--profile',
      '--yes',
      '-h',
      '-y',
    ]);
  },
);

test(
  'fish completes subcommands and options (the script sourced into a real fish)',
  { skip: has('fish') ? false : 'fish is not installed (.ci/run installs it)' },
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'twofold-fish-'));
    try {
      const file = join(dir, 'twofold.fish');
      await writeFile(file, await script('fish'));
      const { stdout } = await run('fish', [
        '-c',
        `source ${file}; complete -C "twofold access-keys de"; echo ---; complete -C "twofold access-keys delete --"`,
      ]);
      const [sub, opts] = stdout.split('---\n').map((part) => part.split('\n').map((l) => l.split('\t')[0]));
      assert.deepEqual(sub?.filter(Boolean), ['delete']);
      for (const flag of ['--yes', '--profile', '--endpoint', '--json']) assert.ok(opts?.includes(flag), flag);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);
