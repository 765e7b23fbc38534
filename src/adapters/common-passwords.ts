import { createRequire } from 'node:module';

/**
 * The list of commonly used and breached passwords the password policy refuses: zxcvbn-ts's
 * `passwords-common` dictionary (about 49,000 entries, most common first). It lives in an
 * adapter because src/core must not import vendor packages; the policy receives the set.
 *
 * Memory: the package decompresses its whole dictionary (and a diceware list and keyboard graphs)
 * into arrays of short, often concatenated strings that a module namespace would keep for the life
 * of the process. The list is read once through `require`, copied into one sorted string with an
 * offset table (about 0.6 MB instead of about 4 MB), and the package's modules are dropped from
 * the require cache so that everything else can be collected.
 */

let cached: CompactStringSet | undefined;

/**
 * The entries, lower-cased and NFKC-normalised the same way the policy normalises a candidate.
 * Built once per process and shared: callers must treat it as read-only.
 */
export function loadCommonPasswords(): CompactStringSet {
  if (cached) return cached;
  const list = readDictionary();
  // A broken or renamed dictionary would silently disable the check; refuse to start instead.
  if (!Array.isArray(list) || list.length < 10_000) {
    throw new Error('The common-password list of @zxcvbn-ts/language-common is missing or truncated');
  }
  cached = new CompactStringSet(list.map((p) => String(p).normalize('NFKC').toLowerCase()));
  return cached;
}

/** `dictionary['passwords-common']`, leaving no module of the package cached once it returns. */
function readDictionary(): unknown {
  const require = createRequire(import.meta.url);
  try {
    const { dictionary } = require('@zxcvbn-ts/language-common') as { dictionary?: Record<string, unknown> };
    return dictionary?.['passwords-common'];
  } finally {
    for (const file of Object.keys(require.cache)) {
      if (file.includes('@zxcvbn-ts')) delete require.cache[file];
    }
  }
}

/**
 * A read-only set of strings kept as one string of the sorted, distinct entries laid end to end,
 * and the offset where each one starts: two objects for the garbage collector instead of one per
 * entry. `has` is a binary search (about 16 comparisons for the common-password list).
 */
export class CompactStringSet implements ReadonlySet<string> {
  readonly size: number;
  private readonly text: string;
  /** size + 1 offsets into text; entry i is text[starts[i], starts[i + 1]). */
  private readonly starts: Uint32Array;

  constructor(values: Iterable<string>) {
    // The default sort compares UTF-16 code units, as compare() below does.
    const sorted = [...new Set(values)].sort();
    this.size = sorted.length;
    this.starts = new Uint32Array(sorted.length + 1);
    let offset = 0;
    for (let i = 0; i < sorted.length; i++) {
      this.starts[i] = offset;
      offset += sorted[i]!.length;
    }
    this.starts[sorted.length] = offset;
    this.text = sorted.join('');
  }

  has(value: string): boolean {
    if (typeof value !== 'string') return false;
    let lo = 0;
    let hi = this.size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.compare(mid, value);
      if (c === 0) return true;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  /** Entry i against value, in code-unit order: negative when the entry sorts first. */
  private compare(i: number, value: string): number {
    const start = this.starts[i]!;
    const length = this.starts[i + 1]! - start;
    const n = Math.min(length, value.length);
    for (let k = 0; k < n; k++) {
      const d = this.text.charCodeAt(start + k) - value.charCodeAt(k);
      if (d !== 0) return d;
    }
    return length - value.length;
  }

  private entry(i: number): string {
    return this.text.slice(this.starts[i], this.starts[i + 1]);
  }

  *values(): SetIterator<string> {
    for (let i = 0; i < this.size; i++) yield this.entry(i);
  }

  keys(): SetIterator<string> {
    return this.values();
  }

  *entries(): SetIterator<[string, string]> {
    for (const v of this.values()) yield [v, v];
  }

  [Symbol.iterator](): SetIterator<string> {
    return this.values();
  }

  forEach(callback: (value: string, value2: string, set: ReadonlySet<string>) => void, thisArg?: unknown): void {
    for (const v of this.values()) callback.call(thisArg, v, v, this);
  }
}
