// V8 heap settings for `twofold serve`, applied in-process before the server's modules load so that
// every way of starting it gets them; only flags the collector re-reads at each collection can be
// set this way (v8.setFlagsFromString). Why: docs/design.md, "V8 heap settings".
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

/**
 * The young generation stops growing at two semi-spaces of this size. At 4 MiB the session check
 * spends about 2 µs more per request in scavenges than at V8's 16 MiB (below the noise of its
 * throughput; a smaller young generation also stays in the CPU caches), against 24 MiB less memory.
 */
export const SEMI_SPACE_CAP_MIB = 4;

/**
 * A full collection starts once the old generation has grown by this share of what the previous
 * one kept (V8 adds at least 8 MiB), instead of V8's dynamic factor of up to 4×.
 */
export const OLD_GENERATION_GROWTH_PERCENT = 25;

const MiB = 1024 * 1024;
/** V8's default factor: a growing young generation doubles. */
const V8_SEMI_SPACE_GROWTH_FACTOR = 2;

export interface HeapTuning {
  /** What was applied; a setting the operator gave Node explicitly is left alone. */
  readonly youngGenerationCapMiB: number | null;
  readonly oldGenerationGrowthPercent: number | null;
  /** Stops watching collections and restores V8's defaults (for tests). */
  stop(): void;
}

/**
 * Applies the settings above. `nodeFlags` are the flags Node was started with (its command line
 * and NODE_OPTIONS): an operator's own --max-semi-space-size, --semi-space-growth-factor or
 * --heap-growing-percent wins over ours. From Node 22 the growth factor no longer holds the young
 * generation, so its cap is a start-up flag there (./heap-relaunch.ts) and is not set here.
 */
export function tuneServerHeap(
  nodeFlags: readonly string[] = startupFlags(),
  nodeMajor = Number.parseInt(process.versions.node, 10),
): HeapTuning {
  const youngHere = !youngGenerationFlagGiven(nodeFlags) && nodeMajor < 22;
  const oldGiven = flagNames(nodeFlags).has('--heap-growing-percent');

  let observer: PerformanceObserver | undefined;
  if (youngHere) {
    // V8 grows the young generation by --semi-space-growth-factor after a scavenge that kept enough,
    // and shrinks it again when allocation slows down. Holding the factor at 1 stops the growth:
    // it is allowed (2) only while one more doubling stays within the cap, re-checked after every
    // collection.
    const cap = SEMI_SPACE_CAP_MIB * 2 * MiB;
    let factor = V8_SEMI_SPACE_GROWTH_FACTOR;
    const check = () => {
      const wanted = youngGenerationBytes() * V8_SEMI_SPACE_GROWTH_FACTOR <= cap ? V8_SEMI_SPACE_GROWTH_FACTOR : 1;
      if (wanted === factor) return;
      factor = wanted;
      v8.setFlagsFromString(`--semi-space-growth-factor=${wanted}`);
    };
    check();
    observer = new PerformanceObserver(check);
    observer.observe({ entryTypes: ['gc'] });
  }
  if (!oldGiven) v8.setFlagsFromString(`--heap-growing-percent=${OLD_GENERATION_GROWTH_PERCENT}`);

  return {
    youngGenerationCapMiB: youngHere ? SEMI_SPACE_CAP_MIB : null,
    oldGenerationGrowthPercent: oldGiven ? null : OLD_GENERATION_GROWTH_PERCENT,
    stop() {
      if (observer) {
        observer.disconnect();
        observer = undefined;
        v8.setFlagsFromString(`--semi-space-growth-factor=${V8_SEMI_SPACE_GROWTH_FACTOR}`);
      }
      // 0 is V8's default: its own dynamic factor.
      if (!oldGiven) v8.setFlagsFromString('--heap-growing-percent=0');
    },
  };
}

const flagNames = (nodeFlags: readonly string[]) =>
  new Set(nodeFlags.map((f) => f.replace(/=.*$/, '').replace(/_/g, '-')));

/** Whether Node was started with a young-generation setting (the operator's, or ./heap-relaunch.ts's). */
export function youngGenerationFlagGiven(nodeFlags: readonly string[]): boolean {
  const given = flagNames(nodeFlags);
  return ['--max-semi-space-size', '--min-semi-space-size', '--semi-space-growth-factor'].some((f) => given.has(f));
}

/** Both semi-spaces of the young generation, in bytes. */
export function youngGenerationBytes(): number {
  return v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
}

export function startupFlags(): string[] {
  return [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean)];
}
