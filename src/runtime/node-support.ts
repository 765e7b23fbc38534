// The Node.js versions package.json promises (`engines.node`, e.g. `^20.19.0 || ^24.0.0`),
// checked by bin/twofold.js before anything loads: on another version a dependency may fail in
// ways that do not name the cause, so the program says it in one line instead.
type Triple = [number, number, number];

function parse(v: string): Triple | null {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : null;
}

function compare(a: Triple, b: Triple): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** Whether `version` meets `range`: alternatives joined by `||`, each `^X.Y.Z`, `>=X.Y.Z` or `X.x`. */
export function satisfiesNodeRange(version: string, range: string): boolean {
  const v = parse(version);
  if (!v) return false;
  return range.split('||').some((alternative) => {
    const a = alternative.trim();
    if (a.startsWith('>=')) {
      const min = parse(a.slice(2));
      return min !== null && compare(v, min) >= 0;
    }
    const base = parse(a.replace(/^\^/, ''));
    // `^X.Y.Z` and `X.x` (and a bare `X`): the same major, at least the given minor and patch.
    return base !== null && v[0] === base[0] && compare(v, base) >= 0;
  });
}

/** The line to print when this Node.js is not one the package supports, or null when it is. */
export function unsupportedNodeLine(version: string, range: string): string | null {
  if (satisfiesNodeRange(version, range)) return null;
  return `twofold: Node.js ${version} is not supported; use a version in ${range}, see README "Requirements"`;
}
