// The README's own commands, read out of README.md so that a test following them breaks when the
// README drifts: the `sh` blocks of one section, lines joined across `\` continuations, each
// split into words the way sh would (quotes, and $NAME expanded from the test's variables).
import assert from 'node:assert/strict';

export interface CurlStep {
  kind: 'curl';
  line: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}
/** `NAME=...   # the "member" member`: NAME takes that member of the previous answer. */
export interface AssignStep {
  kind: 'assign';
  line: string;
  name: string;
  member: string;
}
export interface CliStep {
  kind: 'cli';
  line: string;
  args: string[];
}
export type Step = CurlStep | AssignStep | CliStep;

/** The lines of every ```sh block in the section whose heading starts with `heading`. */
export function sectionCommands(readme: string, heading: string): string[] {
  const start = readme.indexOf(`\n${heading}`);
  assert.ok(start >= 0, `README.md has no section "${heading}"`);
  const next = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, next < 0 ? undefined : next);
  const lines: string[] = [];
  for (const m of section.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const joined = (m[1] ?? '').replace(/\\\n\s*/g, '');
    for (const l of joined.split('\n')) if (l.trim() !== '' && !l.trim().startsWith('#')) lines.push(l.trim());
  }
  return lines;
}

/** Words of a shell line: '…' literal, "…" and bare words with $NAME expanded; a # word ends the line. */
export function shellWords(line: string, vars: Record<string, string>): string[] {
  const words: string[] = [];
  const expand = (s: string) =>
    s.replace(/\$([A-Z_][A-Z0-9_]*)/g, (_, n: string) => {
      assert.ok(n in vars, `README uses $${n} before it is set: ${line}`);
      return vars[n] ?? '';
    });
  let i = 0;
  while (i < line.length) {
    while (line[i] === ' ') i++;
    if (i >= line.length || line[i] === '#') break;
    let word = '';
    while (i < line.length && line[i] !== ' ') {
      const c = line[i]!;
      if (c === "'" || c === '"') {
        const end = line.indexOf(c, i + 1);
        assert.ok(end > i, `unclosed quote in: ${line}`);
        const inner = line.slice(i + 1, end);
        word += c === '"' ? expand(inner) : inner;
        i = end + 1;
      } else {
        const m = /^[^ '"]+/.exec(line.slice(i))![0];
        word += expand(m);
        i += m.length;
      }
    }
    words.push(word);
  }
  return words;
}

/** One README line as a step; `vars` are the shell variables set so far. */
export function parseStep(line: string, vars: Record<string, string>): Step {
  const assign = /^([A-Z_][A-Z0-9_]*)=\.\.\.\s+#.*"(\w+)" member/.exec(line);
  if (assign) return { kind: 'assign', line, name: assign[1]!, member: assign[2]! };
  const words = shellWords(line, vars);
  if (words[0] === 'npx' && words[1] === 'twofold') return { kind: 'cli', line, args: words.slice(2) };
  assert.equal(words[0], 'curl', `a README line this test cannot follow: ${line}`);
  const step: CurlStep = { kind: 'curl', line, method: '', url: '', headers: {}, body: undefined };
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (w === '-s') continue;
    if (w === '-X') step.method = words[++i] ?? '';
    else if (w === '-H') {
      const [name, ...value] = (words[++i] ?? '').split(':');
      step.headers[(name ?? '').trim().toLowerCase()] = value.join(':').trim();
    } else if (w === '-d') step.body = words[++i];
    else if (!w.startsWith('-') && !step.url) step.url = w;
    else assert.fail(`a curl option this test does not know (${w}): ${line}`);
  }
  step.method ||= step.body === undefined ? 'GET' : 'POST'; // as curl does
  return step;
}
