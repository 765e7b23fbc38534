// Summarises a V8 .cpuprofile (from `node --cpu-prof`): where the main thread's time goes, by
// area (Twofold's own files, each package, Node internals, GC, native), by function (self time)
// and by Twofold function (inclusive time), and writes folded stacks next to it
// (<name>.folded, for flamegraph.pl or speedscope). Usable alone:
//   node --import tsx bench/profile.ts bench/results/profiles/cookie.cpuprofile
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function area(url: string, name: string, root: string): string {
  if (!url) {
    if (name === '(garbage collector)') return 'GC';
    if (name === '(idle)') return 'idle';
    if (name === '(program)') return 'native (program)';
    return `native ${name}`;
  }
  if (url.startsWith('node:')) return 'node internals';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (nm) return nm[1]!;
  if (path.startsWith(root)) {
    const rel = path.slice(root.length + 1);
    return `twofold ${rel.replace(/^dist\//, '').replace(/\/[^/]+$/, '/')}`;
  }
  return path;
}

function where(frame: CallFrame, root: string): string {
  const path = frame.url.startsWith('file://') ? fileURLToPath(frame.url) : frame.url;
  const short = path.startsWith(root) ? path.slice(root.length + 1) : path.replace(/^.*node_modules\//, '');
  return `${frame.functionName || '(anonymous)'} ${short ? `${short}:${frame.lineNumber + 1}` : ''}`.trim();
}

function pct(x: number, total: number): string {
  return `${((100 * x) / total).toFixed(1).padStart(5)}%`;
}

/**
 * `window` (ms since the profile started, about when the process started) limits the summary to
 * the samples taken under load: start-up and shut-down do not dilute it.
 */
export function summariseProfile(
  file: string,
  root: string,
  window?: { fromMs: number; toMs: number },
  top = 25,
): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  let clockUs = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    clockUs += dt;
    if (window && (clockUs < window.fromMs * 1000 || clockUs > window.toMs * 1000)) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
  });

  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
  let idleUs = 0;
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const folded = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const a = area(node.callFrame.url, node.callFrame.functionName, root);
    if (a === 'idle') {
      idleUs += us;
      continue;
    }
    areas.set(a, (areas.get(a) ?? 0) + us);
    const key = `${where(node.callFrame, root)}  [${a}]`;
    fns.set(key, (fns.get(key) ?? 0) + us);
    // Walk up the stack: inclusive time of Twofold's own functions (each counted once per stack).
    const seen = new Set<string>();
    const stack: string[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      stack.push(f.functionName || '(anonymous)');
      if (f.url.includes(`${root}/dist/`) || f.url.includes(`${root}/src/`)) {
        const k = where(f, root);
        if (!seen.has(k)) {
          seen.add(k);
          inclusive.set(k, (inclusive.get(k) ?? 0) + us);
        }
      }
    }
    const line = stack.reverse().join(';');
    folded.set(line, (folded.get(line) ?? 0) + us);
  }
  writeFileSync(
    file.replace(/\.cpuprofile$/, '.folded'),
    [...folded].map(([s, us]) => `${s} ${Math.round(us)}`).join('\n') + '\n',
  );

  const busy = totalUs - idleUs;
  const rank = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
  const out: string[] = [];
  out.push(
    `profile ${file}${window ? ` (samples from ${(window.fromMs / 1000).toFixed(1)} s to ${(window.toMs / 1000).toFixed(1)} s: under load)` : ''}`,
  );
  out.push(
    `main thread: ${(totalUs / 1e6).toFixed(1)} s sampled, busy ${pct(busy, totalUs)}, idle ${pct(idleUs, totalUs)} (percentages below are of busy time)`,
  );
  out.push('', 'by area (self time):');
  for (const [k, us] of rank(areas, 20)) out.push(`  ${pct(us, busy)}  ${k}`);
  out.push('', `top ${top} functions (self time):`);
  for (const [k, us] of rank(fns, top)) out.push(`  ${pct(us, busy)}  ${k}`);
  out.push('', 'Twofold functions (inclusive time):');
  for (const [k, us] of rank(inclusive, 20)) out.push(`  ${pct(us, busy)}  ${k}`);
  return out.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(fileURLToPath(import.meta.url), '..', '..');
  for (const f of process.argv.slice(2)) process.stdout.write(`${summariseProfile(resolve(f), root)}\n\n`);
}
